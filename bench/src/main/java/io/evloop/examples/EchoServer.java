package io.evloop.examples;

import io.evloop.EventLoop;
import io.evloop.net.Connection;
import io.evloop.net.ConnectionHandler;
import io.evloop.net.Server;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** Echoes every byte back; run with a port (default 9000). Stops on Ctrl-C. */
public final class EchoServer {
    private EchoServer() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9000;
        EventLoop loop = EventLoop.builder().name("echo").daemon(false).build();
        Server server = Server.listen(loop,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                () -> new ConnectionHandler() {
                    @Override
                    public void onData(Connection connection, ByteBuffer data) {
                        connection.write(data);
                    }

                    @Override
                    public void onPeerClosed(Connection connection) {
                        connection.shutdownOutput();
                    }
                });
        System.out.println("echo server on " + server.localAddress() + " (" + loop + ")");
        loop.run();
    }
}
