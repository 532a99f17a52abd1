package io.evloop;

/**
 * A registration of a file descriptor or channel with an {@link EventLoop}, made by
 * {@link EventLoop#watch(int, Interest, WatchCallback)} or
 * {@link EventLoop#watch(java.nio.channels.SelectableChannel, Interest, WatchCallback)}.
 *
 * <p>Thread-safety: every method may be called from any thread. Calls from the loop thread take
 * effect at once; calls from other threads are handed to the loop and take effect when it
 * runs them, in the order they were made. Closing the loop cancels every watch.
 */
public interface Watch {
    /** Readiness bit: the descriptor can be read (or a connection accepted) without blocking. */
    int READABLE = 0x1;
    /** Readiness bit: the descriptor can be written (or a connect finished) without blocking. */
    int WRITABLE = 0x2;
    /** Readiness bit: the descriptor reported an error; the next I/O call will return it. */
    int ERROR = 0x4;
    /** Readiness bit: the peer hung up; reads return what is left, then end of stream. */
    int HANGUP = 0x8;

    /** The loop this watch belongs to. */
    EventLoop loop();

    /** The watched file descriptor, or -1 when a channel is watched through NIO. */
    int fd();

    /** The current interest (as last set, even if the loop has not applied it yet). */
    Interest interest();

    /**
     * Changes what this watch waits for. On the loop thread the change is applied before the
     * loop next waits; from another thread it is handed to the loop.
     *
     * @throws IllegalStateException if the watch is cancelled
     */
    void interest(Interest interest);

    /**
     * Stops watching. After this method returns, the callback is not called again, whichever
     * thread called it. From another thread, the descriptor leaves the kernel's interest set
     * when the loop runs the cancellation; {@link EventLoop#submit(Runnable)} a task after it
     * and wait for that to know it has. Cancelling twice does nothing.
     */
    void cancel();

    /** Whether this watch is still registered (not cancelled, loop not closed). */
    boolean isActive();
}
