package io.evloop.net;

import io.evloop.EventLoop;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A stream connection (TCP or Unix domain) served by one {@link EventLoop}. Its
 * {@link ConnectionHandler} runs on that loop.
 *
 * <p>Thread-safety: every method may be called from any thread. Calls on the loop thread take
 * effect at once; calls from other threads are handed to the loop and take effect in the order
 * the calling thread made them. Futures complete on the loop thread.
 *
 * <p>Nothing is dropped silently: every byte a write accepted either reaches the socket (its
 * future completes normally) or the future fails with the reason. When the loop terminates, the
 * connection closes with it: pending writes fail and {@code onClose} gets an
 * {@link java.io.IOException} that says so.
 */
public interface Connection {
    /** The loop that serves this connection. */
    EventLoop loop();

    /**
     * Writes the remaining bytes of {@code data}; the buffer's position moves past what was
     * taken, and the caller may reuse the buffer as soon as this method returns (what cannot
     * be sent at once is copied). The future completes when all of those bytes are in the
     * socket's send buffer, or fails if the connection closes or fails first, or if output was
     * already shut down or the connection closed.
     */
    CompletableFuture<Void> write(ByteBuffer data);

    /** Like {@link #write(ByteBuffer)}, for a whole array. */
    CompletableFuture<Void> write(byte[] data);

    /** Stops reading: no {@code onData} until {@link #resumeReading()}. */
    void pauseReading();

    /** Starts reading again after {@link #pauseReading()}. */
    void resumeReading();

    /**
     * Half-closes: after the writes already accepted have reached the socket, shuts down the
     * output so the peer sees end of stream; reading goes on. Later writes fail.
     */
    void shutdownOutput();

    /**
     * Closes gracefully: stops reading, lets the writes already accepted reach the socket, then
     * closes. The future completes when the connection is closed. Closing twice is harmless.
     */
    CompletableFuture<Void> close();

    /**
     * Closes at once: pending writes fail, and a TCP peer sees a reset (SO_LINGER 0).
     */
    void abort();

    /** Whether the pending write bytes are at or below the watermarks (see NetOptions). */
    boolean isWritable();

    /** Bytes accepted by write but not yet in the socket. */
    long pendingBytes();

    /** Whether the connection is not closed yet. */
    boolean isOpen();

    /** The local address, as it was when the connection opened. */
    SocketAddress localAddress();

    /** The peer's address, as it was when the connection opened. */
    SocketAddress remoteAddress();
}
