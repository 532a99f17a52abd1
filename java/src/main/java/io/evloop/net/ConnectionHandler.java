package io.evloop.net;

import java.nio.ByteBuffer;

/**
 * Receives the events of one {@link Connection}. Every method runs on the connection's loop
 * thread, one at a time, in the order the events happened. A method that throws closes only
 * its own connection (abruptly, with what it threw as the cause) and the failure goes to the
 * loop's {@link io.evloop.ErrorHandler}.
 */
public interface ConnectionHandler {
    /** The connection is established; called first, once. */
    default void onOpen(Connection connection) throws Exception {}

    /**
     * Bytes arrived. {@code data} holds them between its position and limit; it is valid only
     * during this call (the loop reuses its memory), so copy what you keep. Passing it to
     * {@link Connection#write} during the call is fine: write copies what it cannot send.
     */
    void onData(Connection connection, ByteBuffer data) throws Exception;

    /**
     * The connection crossed a watermark: {@code writable} is false once the pending write
     * bytes exceed the high watermark, and true again when they fell to the low watermark.
     */
    default void onWritabilityChanged(Connection connection, boolean writable) throws Exception {}

    /**
     * The peer shut down its output (end of stream): no more data will arrive, but this side
     * may still write. The default closes the connection gracefully.
     */
    default void onPeerClosed(Connection connection) throws Exception {
        connection.close();
    }

    /**
     * The connection is closed; called last, once. {@code cause} is null for an orderly close,
     * else what ended it (a reset by the peer, an I/O error, a handler that threw).
     */
    default void onClose(Connection connection, Throwable cause) throws Exception {}
}
