package io.evloop.net;

import java.nio.ByteBuffer;

/**
 * The memory that reads land in: one direct buffer per thread that runs a loop, reused by every
 * read, so the bytes stay hot in cache and nothing is allocated or zeroed per read (DESIGN.md,
 * "I/O inside the core"). Handlers see it only during their call.
 */
final class ReadBuffer {
    /** Large enough for any UDP datagram (65,507 bytes of payload over IPv4). */
    static final int SIZE = 64 * 1024;

    private static final ThreadLocal<ByteBuffer> BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(SIZE));

    private ReadBuffer() {}

    /** The calling thread's buffer, cleared. */
    static ByteBuffer take() {
        ByteBuffer buffer = BUFFER.get();
        buffer.clear();
        return buffer;
    }

    /** A heap copy of the remaining bytes; moves the source's position to its limit. */
    static ByteBuffer copyOf(ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data);
        copy.flip();
        return copy;
    }
}
