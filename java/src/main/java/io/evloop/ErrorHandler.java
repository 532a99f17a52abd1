package io.evloop;

/**
 * Receives what a callback threw: a task, a timer, a watch callback. Called on the loop thread,
 * right after the failing callback; the loop keeps running. A handler that throws itself is
 * logged through {@link System.Logger} and otherwise ignored.
 */
@FunctionalInterface
public interface ErrorHandler {
    /**
     * Handles a failure.
     *
     * @param loop the loop that ran the callback
     * @param source the failing task, timer or watch callback
     * @param error what it threw
     */
    void handle(EventLoop loop, Object source, Throwable error);
}
