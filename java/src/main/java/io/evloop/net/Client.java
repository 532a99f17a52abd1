package io.evloop.net;

import io.evloop.EventLoop;
import io.evloop.EventLoopGroup;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Opens stream connections: TCP to an {@link java.net.InetSocketAddress}, or Unix domain to a
 * {@link java.net.UnixDomainSocketAddress}. The same code runs on every backend.
 */
public final class Client {
    private Client() {}

    /** Like {@link #connect(EventLoop, SocketAddress, NetOptions, ConnectionHandler)}. */
    public static CompletableFuture<Connection> connect(EventLoop loop, SocketAddress address,
            ConnectionHandler handler) {
        return connect(loop, address, NetOptions.defaults(), handler);
    }

    /**
     * Connects to {@code address}; the connection is served by {@code loop}, and its handler
     * hears {@code onOpen} before the future completes. From any thread.
     *
     * <p>The future fails with a {@link java.net.ConnectException} naming the address when the
     * peer refuses, with a {@link java.net.SocketTimeoutException} when the connect takes longer
     * than {@link NetOptions#connectTimeout()}, with a
     * {@link java.util.concurrent.RejectedExecutionException} if the loop is closed, or with the
     * I/O error that stopped it.
     */
    public static CompletableFuture<Connection> connect(EventLoop loop, SocketAddress address,
            NetOptions options, ConnectionHandler handler) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        return TcpConnection.connect(loop, address, handler, options);
    }

    /** Connects on the next loop of a group (round-robin); otherwise as above. */
    public static CompletableFuture<Connection> connect(EventLoopGroup group,
            SocketAddress address, NetOptions options, ConnectionHandler handler) {
        return connect(Objects.requireNonNull(group, "group").next(), address, options, handler);
    }
}
