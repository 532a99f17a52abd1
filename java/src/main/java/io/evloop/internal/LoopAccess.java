package io.evloop.internal;

import io.evloop.EventLoop;
import java.nio.channels.SelectableChannel;

/**
 * The seam through which networking reaches the native I/O path of a loop, and pipelines
 * its trace buffer, which the public API does not show. {@link EventLoop} installs the
 * accessor when its class initialises; not for application code.
 */
public final class LoopAccess {
    /** What the loop lets networking and pipelines see. */
    public interface Accessor {
        Poller poller(EventLoop loop);

        int fd(SelectableChannel channel);

        void onTerminate(EventLoop loop, Runnable hook);

        TraceTarget trace(EventLoop loop);
    }

    /** Where the packages built on a loop record into the loop's trace. */
    public interface TraceTarget {
        /**
         * The buffer while the loop records a trace, else null. Costs about a plain load, so
         * that code which records only while tracing pays one branch otherwise; a change from
         * another thread is seen within an iteration or so. Any thread.
         */
        TraceBuffer recording();
    }

    private static volatile Accessor accessor;

    private LoopAccess() {}

    /** Installs the accessor; only the first call counts. */
    public static synchronized void install(Accessor a) {
        if (accessor == null) {
            accessor = a;
        }
    }

    /** The core's socket I/O of a loop, or null when its backend has none (NIO, kqueue). */
    public static SocketIo socketIo(EventLoop loop) {
        Poller poller = accessor.poller(loop);
        if (poller instanceof NativePoller && ((NativePoller) poller).hasSocketIo()) {
            return (NativePoller) poller;
        }
        return null;
    }

    /**
     * Runs {@code hook} on the loop thread when the loop terminates, after its last tasks and
     * before its watches and poller go. Call on the loop thread.
     */
    public static void onTerminate(EventLoop loop, Runnable hook) {
        accessor.onTerminate(loop, hook);
    }

    /** The trace of a loop, as packages built on it record into it. */
    public static TraceTarget trace(EventLoop loop) {
        return accessor.trace(loop);
    }

    /**
     * The descriptor of a JDK channel.
     *
     * @throws UnsupportedOperationException without
     *     {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}, saying so
     */
    public static int fd(SelectableChannel channel) {
        return accessor.fd(channel);
    }
}
