package io.evloop.pipeline;

/**
 * The function of a stage. It may throw any exception, checked ones included; the stage counts
 * that as a failure of the item. Returning {@code null} drops the item.
 *
 * @param <T> the item the stage takes
 * @param <R> what the stage makes of it
 */
@FunctionalInterface
public interface StageFunction<T, R> {
    /** Maps one item; {@code null} drops it. */
    R apply(T item) throws Exception;
}
