package io.evloop.examples;

import io.evloop.EventLoop;
import io.evloop.net.Client;
import io.evloop.net.Connection;
import io.evloop.net.ConnectionHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** Sends a line to the echo server (port, then text) and prints the answer. */
public final class EchoClient {
    private EchoClient() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9000;
        String text = args.length > 1 ? args[1] : "hello, evloop";
        CompletableFuture<String> answer = new CompletableFuture<>();
        try (EventLoop loop = EventLoop.open()) {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            ConnectionHandler handler = new ConnectionHandler() {
                @Override
                public void onData(Connection connection, ByteBuffer data) {
                    byte[] bytes = new byte[data.remaining()];
                    data.get(bytes);
                    received.write(bytes, 0, bytes.length);
                }

                @Override
                public void onClose(Connection connection, Throwable cause) {
                    if (cause != null) {
                        answer.completeExceptionally(cause);
                    } else {
                        answer.complete(received.toString(StandardCharsets.UTF_8));
                    }
                }
            };
            Connection c = loop.runUntil(Client.connect(loop,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port), handler));
            c.write(text.getBytes(StandardCharsets.UTF_8));
            c.shutdownOutput();
            System.out.println(loop.runUntil(answer));
        }
    }
}
