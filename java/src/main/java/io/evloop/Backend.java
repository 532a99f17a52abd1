package io.evloop;

/**
 * The mechanism an {@link EventLoop} waits with. The same user code runs on every backend.
 *
 * <p>The system property {@value #PROPERTY} (one of these names, case-insensitive) chooses the
 * backend of loops opened with {@link #AUTO}.
 */
public enum Backend {
    /**
     * The best backend available: {@link #EPOLL} on Linux or {@link #KQUEUE} on macOS and BSD
     * when the native library loads, otherwise {@link #NIO}, with one log line saying why.
     */
    AUTO,
    /** Linux epoll through the evloop C core. */
    EPOLL,
    /** kqueue (macOS, FreeBSD) through the evloop C core. */
    KQUEUE,
    /** {@link java.nio.channels.Selector}: pure Java, runs everywhere. */
    NIO;

    /** The system property that overrides {@link #AUTO}. */
    public static final String PROPERTY = "evloop.backend";

    /** Whether this backend uses the native C core. */
    public boolean isNative() {
        return this == EPOLL || this == KQUEUE;
    }
}
