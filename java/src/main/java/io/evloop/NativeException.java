package io.evloop;

import java.io.IOException;

/**
 * A call into the operating system failed. The message names the call, what it was applied to
 * and the system's text for the error, for example
 * {@code "epoll_ctl(ADD) on fd 42: Bad file descriptor (errno 9)"}.
 *
 * <p>Instances are immutable and may be shared between threads.
 */
public final class NativeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String call;

    /**
     * Creates an exception for a failed system call.
     *
     * @param call what was called, and on what (e.g. {@code "epoll_ctl(ADD) on fd 42"})
     * @param errno the positive error number the system returned
     * @param errorText the system's text for {@code errno}
     */
    public NativeException(String call, int errno, String errorText) {
        super(call + ": " + errorText + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
    }

    /** Returns the positive error number ({@code errno}) the system returned. */
    public int errno() {
        return errno;
    }

    /** Returns the call that failed and what it was applied to. */
    public String call() {
        return call;
    }
}
