package io.evloop.net;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** Receives the datagrams of a {@link UdpSocket}, on its loop thread. */
@FunctionalInterface
public interface DatagramHandler {
    /**
     * A datagram arrived. {@code data} holds it between position and limit and is valid only
     * during this call. What this method throws goes to the loop's error handler; the socket
     * stays open (a datagram socket has no connection to close).
     */
    void onDatagram(UdpSocket socket, ByteBuffer data, SocketAddress sender) throws Exception;
}
