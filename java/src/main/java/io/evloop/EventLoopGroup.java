package io.evloop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A fixed set of running event loops, each on its own thread, that share work: {@link #next()}
 * picks them in turn, and a server opened on the group is served by all of them (see
 * {@code io.evloop.net.Server}). Thread-safe.
 */
public final class EventLoopGroup implements AutoCloseable {
    private final List<EventLoop> loops;
    private final AtomicInteger nextIndex = new AtomicInteger();

    private EventLoopGroup(List<EventLoop> loops) {
        this.loops = Collections.unmodifiableList(loops);
    }

    /** One loop per available processor, on the best backend. */
    public static EventLoopGroup open() {
        return open(Runtime.getRuntime().availableProcessors());
    }

    /** {@code size} loops on the best backend, named {@code evloop-group-N-i}. */
    public static EventLoopGroup open(int size) {
        String prefix = "evloop-group-" + GROUP_COUNT.incrementAndGet() + "-";
        return open(size, i -> EventLoop.builder().name(prefix + i).build());
    }

    private static final AtomicInteger GROUP_COUNT = new AtomicInteger();

    /**
     * {@code size} loops made by {@code factory} (given the index), which must return new loops
     * that no thread runs yet; the group starts each on its own thread. If the factory or a
     * start fails, the loops made so far are closed and the failure is thrown.
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public static EventLoopGroup open(int size, IntFunction<EventLoop> factory) {
        if (size <= 0) {
            throw new IllegalArgumentException("a group needs at least one loop: " + size);
        }
        Objects.requireNonNull(factory, "factory");
        List<EventLoop> loops = new ArrayList<>(size);
        try {
            for (int i = 0; i < size; i++) {
                EventLoop loop = Objects.requireNonNull(factory.apply(i), "factory result");
                loops.add(loop);
                loop.start();
            }
        } catch (RuntimeException | Error e) {
            for (EventLoop loop : loops) {
                loop.close();
            }
            throw e;
        }
        return new EventLoopGroup(loops);
    }

    /** The next loop, round-robin. */
    public EventLoop next() {
        return loops.get(Math.floorMod(nextIndex.getAndIncrement(), loops.size()));
    }

    /** The loops of this group, in a fixed order. */
    public List<EventLoop> loops() {
        return loops;
    }

    /** The number of loops. */
    public int size() {
        return loops.size();
    }

    /** Closes every loop (see {@link EventLoop#close()}); waits for each. */
    @Override
    public void close() {
        for (EventLoop loop : loops) {
            loop.close();
        }
    }

    @Override
    public String toString() {
        return "EventLoopGroup" + loops;
    }
}
