package io.evloop.internal;

import java.nio.ByteBuffer;

/**
 * The socket I/O of the C core (ABI 2), as the native poller offers it: requests are queued
 * and travel with the next {@code evl_poll} call, completions come back through
 * {@link IoRegistration#onCompletion}, so that moving bytes costs no native call of its own.
 * Loop thread only.
 *
 * <p>Writes take their bytes from chunks of native memory that this object lends; a chunk
 * must stay untouched until the {@link #WRITTEN} completions have counted its bytes, or the
 * socket was forgotten.
 */
public interface SocketIo {
    /** Request operations, as in {@code evl.h}. */
    int OP_MOD = Abi.OP_MOD;
    int OP_IO_ADD = 4;
    int OP_WRITE = 7;
    int OP_SHUTDOWN = 8;

    /** Completion bits, as in {@code evl.h}. */
    int DATA = 0x100;
    int EOF = 0x200;
    int WRITTEN = 0x400;
    int SHUT = 0x2000;
    int IO_ERROR = 0x4000;

    /** Starts core-driven I/O on a connected socket; reading at once if asked. */
    void add(IoRegistration socket, boolean reading);

    /** Queues a request for a socket added before ({@code OP_MOD}, write, shutdown). */
    void request(IoRegistration socket, int op, int interest, long address, int length);

    /**
     * Stops I/O on a socket; {@code closeAfter} is closed once the core has let go of the
     * descriptor (after the next poll), so its number cannot be reused while the core still
     * knows it.
     */
    void forget(IoRegistration socket, AutoCloseable closeAfter);

    /** The arena bytes of a {@link #DATA} completion; valid until the next poll. */
    ByteBuffer slice(long offset, int length);

    /** Lends a write chunk; returns its id. */
    int takeChunk();

    /** The address of a chunk. */
    long chunkAddress(int chunk);

    /** A buffer over a chunk's memory (the same object each time). */
    ByteBuffer chunkBuffer(int chunk);

    /** Returns a chunk. */
    void releaseChunk(int chunk);

    /** The system's text for a positive errno value. */
    String errorText(int errno);
}
