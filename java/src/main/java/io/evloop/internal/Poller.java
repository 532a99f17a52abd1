package io.evloop.internal;

import java.io.IOException;

/**
 * The seam between the loop engine and a backend: epoll or kqueue through the C core, or a
 * {@code java.nio.channels.Selector}. Every method but {@link #wakeup} is called on the loop
 * thread only (or by a thread that holds the loop while no thread runs it).
 */
public interface Poller {
    /** The backend this poller implements: {@code "EPOLL"}, {@code "KQUEUE"} or {@code "NIO"}. */
    String backend();

    /** The native binding in use ({@code "JNA"} or {@code "PANAMA"}), or null for NIO. */
    String binding();

    /** Starts watching; interest bits are in the registration. */
    void register(Registration registration) throws IOException;

    /**
     * Records a new interest for a registration; it takes effect at the next {@link #poll} at
     * the latest. A change that fails there is reported to {@link Registration#onFailure}.
     */
    void update(Registration registration, int interest);

    /** Stops watching at once; no readiness is reported for it afterwards. */
    void deregister(Registration registration) throws IOException;

    /**
     * Applies queued changes, waits up to {@code timeoutNanos} (negative: no limit, zero: no
     * wait) and calls {@link Registration#onReady} for each ready registration.
     *
     * @return the number of readiness reports dispatched
     */
    int poll(long timeoutNanos) throws IOException;

    /**
     * Sets who hears when a poll's wait ends and when a socket completion is dispatched; the
     * loop sets itself once, before the first poll. Until then nobody hears.
     */
    void observe(PollObserver observer);

    /**
     * Bytes of native memory the C core holds for this poller now ({@code evl_held_bytes}),
     * 0 for NIO or once closed. Any thread.
     */
    default long nativeCoreBytes() {
        return 0;
    }

    /**
     * Bytes of native memory the Java side allocated for this poller and holds now (request and
     * event arrays, the read arena, write chunks), 0 for NIO or once closed. Any thread.
     */
    default long nativeBufferBytes() {
        return 0;
    }

    /** Makes a current or the next {@link #poll} return early. Any thread. */
    void wakeup();

    /** Frees the poller's resources. Later calls throw {@link IllegalStateException}. */
    void close();
}
