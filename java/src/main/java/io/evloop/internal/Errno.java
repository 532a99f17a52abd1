package io.evloop.internal;

/** The few errno values Java must recognise; they are the same on Linux, macOS and BSD. */
final class Errno {
    static final int ENOENT = 2;
    static final int EBADF = 9;

    private Errno() {}
}
