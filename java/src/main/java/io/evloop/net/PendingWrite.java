package io.evloop.net;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** Bytes accepted by a write (or a datagram by a send) that wait for the socket. */
final class PendingWrite {
    final ByteBuffer data;
    final NetFuture<Void> future;
    /** The destination of a datagram; null for streams. */
    final SocketAddress target;

    PendingWrite(ByteBuffer data, NetFuture<Void> future, SocketAddress target) {
        this.data = data;
        this.future = future;
        this.target = target;
    }
}
