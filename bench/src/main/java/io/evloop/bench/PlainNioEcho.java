package io.evloop.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The baseline: a lean single-threaded Selector echo server with one reused direct buffer, the
 * way one writes it by hand. Bytes that do not fit the socket wait in a per-connection copy.
 */
final class PlainNioEcho implements EchoServers.Running {
    private final Selector selector;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    private volatile boolean running = true;

    private PlainNioEcho() throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(EchoServers.loopback(), 1024);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::run, "nio-plain-echo");
        thread.setDaemon(true);
    }

    static PlainNioEcho start() throws IOException {
        PlainNioEcho echo = new PlainNioEcho();
        echo.thread.start();
        return echo;
    }

    @Override
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void run() {
        try {
            while (running) {
                selector.select(this::handle);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                SocketChannel c = server.accept();
                if (c != null) {
                    c.configureBlocking(false);
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    c.register(selector, SelectionKey.OP_READ);
                }
                return;
            }
            SocketChannel c = (SocketChannel) key.channel();
            if (key.isWritable()) {
                ByteBuffer pending = (ByteBuffer) key.attachment();
                c.write(pending);
                if (pending.hasRemaining()) {
                    return;
                }
                key.attach(null);
                key.interestOps(SelectionKey.OP_READ);
            }
            if (key.isValid() && key.isReadable() && key.attachment() == null) {
                echo(key, c);
            }
        } catch (IOException e) {
            key.cancel();
            close(key);
        }
    }

    private void echo(SelectionKey key, SocketChannel c) throws IOException {
        buffer.clear();
        int n = c.read(buffer);
        if (n < 0) {
            close(key);
            return;
        }
        buffer.flip();
        c.write(buffer);
        if (buffer.hasRemaining()) {
            ByteBuffer rest = ByteBuffer.allocate(buffer.remaining());
            rest.put(buffer).flip();
            key.attach(rest);
            key.interestOps(SelectionKey.OP_WRITE);
        }
    }

    private static void close(SelectionKey key) {
        try {
            key.channel().close();
        } catch (IOException e) {
            // Gone already.
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        selector.wakeup();
        thread.join(5000);
        server.close();
        selector.close();
    }
}
