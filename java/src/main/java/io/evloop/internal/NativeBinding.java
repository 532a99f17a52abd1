package io.evloop.internal;

import java.nio.ByteBuffer;

/**
 * The functions of the C core ({@code native/include/evl.h}) as one Java seam, so that the
 * native poller does not care whether JNA or Panama crosses into C. Pointers travel as
 * {@code long} addresses; every {@code int} result is {@code >= 0} or {@code -errno}.
 *
 * <p>Implementations are stateless and thread-safe; the thread rules of {@code evl.h} apply
 * to the handles passed in.
 */
interface NativeBinding {
    /** The name of the binding, as {@link io.evloop.Binding} spells it. */
    String name();

    int abi(int key);

    /** Stores the new poller's address in {@code out[0]}. */
    int open(long[] out);

    int close(long loop);

    int ctl(long loop, int op, int fd, int interest, long token);

    int poll(long loop, long requests, int requestCount, long events, int maxEvents,
            long timeoutNanos);

    int wake(long loop);

    /** Gives the loop its read arena ({@code evl_set_arena}). */
    int setArena(long loop, long base, int length);

    /**
     * The bytes the core holds for a loop ({@code evl_held_bytes}); any thread, but not racing
     * with {@link #close}.
     */
    long heldBytes(long loop);

    /** Returns the system's text for a positive errno value. */
    String strerror(int errno);

    /** Allocates native memory, or returns 0 when none is left. */
    long allocate(long bytes);

    void free(long address);

    /** A native-order buffer over {@code bytes} bytes at {@code address}; it does not own them. */
    ByteBuffer view(long address, int bytes);
}
