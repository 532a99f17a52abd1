package io.evloop;

import com.sun.jna.Native;

/** The few libc calls the tests need to make raw descriptors (JNA direct mapping). */
final class Libc {
    static {
        Native.register("c");
    }

    private Libc() {}

    static native int pipe(int[] fds);

    static native int eventfd(int initval, int flags);

    static native long write(int fd, byte[] buffer, long count);

    static native long read(int fd, byte[] buffer, long count);

    static native int close(int fd);

    static int[] pipe() {
        int[] fds = new int[2];
        if (pipe(fds) != 0) {
            throw new IllegalStateException("pipe() failed: " + Native.getLastError());
        }
        return fds;
    }
}
