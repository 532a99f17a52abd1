package io.evloop.net;

import io.evloop.EventLoop;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * What the bound sockets, {@link Server}'s listening ones and {@link UdpSocket}, share: binding
 * with a {@link BindException} that names the address, and closing on their loop.
 */
final class BoundSockets {
    /** The bind call itself, which differs between listening and datagram channels. */
    interface Bind<C> {
        void bind(C channel) throws IOException;
    }

    private BoundSockets() {}

    /**
     * Applies {@code options} (SO_REUSEPORT also when {@code reusePort}), binds the channel
     * with {@code bind} and makes it non-blocking. On failure the channel is closed, and a
     * BindException reads "{@code action} {@code address}: " and the system's message.
     */
    static <C extends SelectableChannel & NetworkChannel> C bind(C channel,
            SocketAddress address, NetOptions options, boolean reusePort, String action,
            Bind<C> bind) throws IOException {
        try {
            SocketSetup.applyBound(channel, options, reusePort);
            bind.bind(channel);
            channel.configureBlocking(false);
            return channel;
        } catch (BindException e) {
            TcpConnection.closeQuietly(channel);
            BindException named = new BindException(action + " " + address + ": "
                    + e.getMessage());
            named.initCause(e);
            throw named;
        } catch (IOException | RuntimeException e) {
            TcpConnection.closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Runs {@code close} on the loop thread: at once on it, else as a task. A loop that no
     * longer runs tasks closes its sockets itself; the channel is closed here then, and
     * {@code closed} completes.
     */
    static void closeOnLoop(EventLoop loop, Channel channel, Runnable close,
            CompletableFuture<Void> closed) {
        if (loop.inEventLoop()) {
            close.run();
            return;
        }
        try {
            loop.execute(close);
        } catch (RejectedExecutionException e) {
            TcpConnection.closeQuietly(channel);
            closed.complete(null);
        }
    }
}
