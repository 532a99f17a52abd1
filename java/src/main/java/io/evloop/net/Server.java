package io.evloop.net;

import io.evloop.EventLoop;
import io.evloop.EventLoopGroup;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * A listening stream socket (TCP, or Unix domain for a
 * {@link java.net.UnixDomainSocketAddress}) that gives every accepted connection a handler
 * from a factory. The same code runs on every backend.
 *
 * <p>On one loop, that loop accepts and serves. On an {@link EventLoopGroup} every loop serves:
 * for TCP where the system has SO_REUSEPORT (Linux), each loop has its own listening socket on
 * the same port and the kernel spreads connections among them; otherwise one loop accepts and
 * hands connections to the loops of the group in turn.
 *
 * <p>Thread-safety: all methods may be called from any thread. The handler factory is called on
 * the loop that will serve the connection. Closing a server stops accepting; connections it
 * accepted stay open until they close. A Unix domain server deletes its socket file on close.
 * A loop that terminates closes its listening socket (and its connections) with it.
 */
public final class Server {
    private final EventLoopGroup group;
    private final NetOptions options;
    private final Supplier<? extends ConnectionHandler> handlers;
    private final List<Listener> listeners = new ArrayList<>();
    private final boolean perLoopListeners;
    private final SocketAddress localAddress;
    private volatile CompletableFuture<Void> closed;

    private Server(EventLoopGroup group, SocketAddress address, NetOptions options,
            Supplier<? extends ConnectionHandler> handlers, List<EventLoop> loops)
            throws IOException {
        this.group = group;
        this.options = options;
        this.handlers = handlers;
        this.perLoopListeners = loops.size() > 1;
        SocketAddress bound = address;
        try {
            for (EventLoop loop : loops) {
                ServerSocketChannel channel = bind(bound, perLoopListeners);
                listeners.add(new Listener(loop, channel, this));
                bound = channel.getLocalAddress();
            }
            localAddress = bound;
            for (Listener l : listeners) {
                l.start();
            }
        } catch (IOException | RuntimeException e) {
            for (Listener l : listeners) {
                l.close();
            }
            throw e;
        }
    }

    /** Like {@link #listen(EventLoop, SocketAddress, NetOptions, Supplier)}, default options. */
    public static Server listen(EventLoop loop, SocketAddress address,
            Supplier<? extends ConnectionHandler> handlers) throws IOException {
        return listen(loop, address, NetOptions.defaults(), handlers);
    }

    /**
     * Binds and listens on {@code address} (port 0 picks a free port; see
     * {@link #localAddress()}), served by one loop. Returns once the loop watches the socket.
     *
     * @throws BindException if the address is in use or cannot be assigned, naming it
     * @throws IOException for other failures to open the socket
     */
    public static Server listen(EventLoop loop, SocketAddress address, NetOptions options,
            Supplier<? extends ConnectionHandler> handlers) throws IOException {
        Objects.requireNonNull(loop, "loop");
        return open(null, List.of(loop), address, options, handlers);
    }

    /**
     * Listens on {@code address} with every loop of the group serving connections, as the
     * class description says; otherwise as {@link #listen(EventLoop, SocketAddress, NetOptions,
     * Supplier)}. With SO_REUSEPORT listeners, another socket that also sets SO_REUSEPORT (of
     * the same user) can bind the same port without a BindException; that is how the option
     * works.
     */
    public static Server listen(EventLoopGroup group, SocketAddress address, NetOptions options,
            Supplier<? extends ConnectionHandler> handlers) throws IOException {
        Objects.requireNonNull(group, "group");
        List<EventLoop> loops = group.loops();
        boolean perLoop = loops.size() > 1 && address instanceof InetSocketAddress
                && supportsReusePort();
        return open(group, perLoop ? loops : List.of(group.next()), address, options, handlers);
    }

    private static Server open(EventLoopGroup group, List<EventLoop> loops, SocketAddress address,
            NetOptions options, Supplier<? extends ConnectionHandler> handlers)
            throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handlers, "handlers");
        return new Server(group, address, options, handlers, loops);
    }

    private static boolean supportsReusePort() {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            return SocketSetup.supportsReusePort(probe);
        } catch (IOException e) {
            return false;
        }
    }

    private ServerSocketChannel bind(SocketAddress address, boolean reusePort)
            throws IOException {
        return BoundSockets.bind(SocketSetup.openServer(address), address, options, reusePort,
                "cannot listen on", channel -> channel.bind(address, options.backlog));
    }

    /** Serves a connection accepted by a listener of {@code acceptor}; on that loop. */
    void dispatch(EventLoop acceptor, SocketChannel accepted) {
        EventLoop target = group == null || perLoopListeners ? acceptor : group.next();
        if (target == acceptor) {
            TcpConnection.accepted(acceptor, accepted, handlers.get(), options);
            return;
        }
        try {
            target.execute(() -> TcpConnection.accepted(target, accepted, handlers.get(),
                    options));
        } catch (RejectedExecutionException e) {
            TcpConnection.closeQuietly(accepted);
            Failures.report(acceptor, this, e);
        }
    }

    /** The address the server listens on, with the port the system chose for port 0. */
    public SocketAddress localAddress() {
        return localAddress;
    }

    /** Whether {@link #close()} has not been called. */
    public boolean isOpen() {
        return closed == null;
    }

    /**
     * Stops listening and closes the listening sockets (on their loops); the future completes
     * when they are closed. Accepted connections are not affected. Closing twice returns the
     * same future.
     */
    public synchronized CompletableFuture<Void> close() {
        if (closed != null) {
            return closed;
        }
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Listener l : listeners) {
            CompletableFuture<Void> part = new CompletableFuture<>();
            BoundSockets.closeOnLoop(l.loop, l.channel, () -> {
                l.close();
                part.complete(null);
            }, part);
            parts.add(part);
        }
        closed = CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenRun(this::deleteSocketFile);
        return closed;
    }

    private void deleteSocketFile() {
        if (localAddress instanceof UnixDomainSocketAddress) {
            try {
                Files.deleteIfExists(((UnixDomainSocketAddress) localAddress).getPath());
            } catch (IOException e) {
                // A file that cannot be deleted stays; the next bind to it reports that.
            }
        }
    }

    @Override
    public String toString() {
        return "server on " + localAddress;
    }
}
