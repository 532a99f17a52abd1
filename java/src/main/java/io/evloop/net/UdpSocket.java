package io.evloop.net;

import io.evloop.EventLoop;
import io.evloop.Interest;
import io.evloop.Watch;
import io.evloop.WatchCallback;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * A bound UDP socket on a loop: sends datagrams to any address and hands received ones, with
 * their sender, to a {@link DatagramHandler}. The same code runs on every backend.
 *
 * <p>Thread-safety: every method may be called from any thread; the handler and the futures
 * run on the loop thread. Sends from one thread leave in order. A datagram the socket cannot
 * take at once waits (write interest on) until it can; every send's future completes when its
 * datagram was handed to the system, or fails with the reason. The socket closes when its
 * loop terminates.
 */
public final class UdpSocket {
    /** Datagrams received per readiness report, so one busy socket does not starve others. */
    private static final int RECEIVES_PER_WAKEUP = 32;

    private final EventLoop loop;
    private final DatagramChannel channel;
    private final DatagramHandler handler;
    private final SocketAddress localAddress;
    private final ArrayDeque<PendingWrite> queue = new ArrayDeque<>();
    private final NetFuture<Void> closeFuture;
    private final Hooks hooks = new Hooks();
    private Watch watch;
    private volatile boolean closed;

    private UdpSocket(EventLoop loop, DatagramChannel channel, DatagramHandler handler)
            throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.handler = handler;
        this.localAddress = channel.getLocalAddress();
        this.closeFuture = new NetFuture<>(loop);
    }

    /**
     * Binds a UDP socket to {@code address} (port 0 picks a free port) and starts receiving.
     *
     * @throws BindException if the address is in use or cannot be assigned, naming it
     * @throws IOException for other failures to open the socket
     */
    public static UdpSocket bind(EventLoop loop, SocketAddress address, NetOptions options,
            DatagramHandler handler) throws IOException {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        DatagramChannel channel = BoundSockets.bind(open(address), address, options, false,
                "cannot bind UDP to", c -> c.bind(address));
        try {
            UdpSocket socket = new UdpSocket(loop, channel, handler);
            socket.watch = loop.watch(channel, Interest.READ, socket.hooks);
            OpenSockets.register(loop, socket.hooks);
            return socket;
        } catch (IOException | RuntimeException e) {
            TcpConnection.closeQuietly(channel);
            throw e;
        }
    }

    private static DatagramChannel open(SocketAddress address) throws IOException {
        boolean v4 = address instanceof InetSocketAddress
                && ((InetSocketAddress) address).getAddress() instanceof Inet4Address;
        return v4 ? DatagramChannel.open(StandardProtocolFamily.INET) : DatagramChannel.open();
    }

    /** The bound address, with the port the system chose for port 0. */
    public SocketAddress localAddress() {
        return localAddress;
    }

    /** The loop that serves this socket. */
    public EventLoop loop() {
        return loop;
    }

    /** Whether {@link #close()} has not run yet. */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Sends the remaining bytes of {@code data} as one datagram to {@code target}. The buffer
     * may be reused when this method returns. The future fails if the socket is closed first,
     * or with the system's error for this datagram (too large, unreachable).
     */
    public CompletableFuture<Void> send(ByteBuffer data, SocketAddress target) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(target, "target");
        NetFuture<Void> future = new NetFuture<>(loop);
        if (loop.inEventLoop()) {
            enqueue(data, false, target, future);
            return future;
        }
        ByteBuffer copy = ReadBuffer.copyOf(data);
        try {
            loop.execute(() -> enqueue(copy, true, target, future));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    private void enqueue(ByteBuffer data, boolean owned, SocketAddress target,
            NetFuture<Void> future) {
        if (closed) {
            future.completeExceptionally(new IOException("cannot send to " + target + ": "
                    + this + " is closed"));
            return;
        }
        if (queue.isEmpty() && sendNow(data, target, future)) {
            return;
        }
        queue.add(new PendingWrite(owned ? data : ReadBuffer.copyOf(data), future, target));
        watch.interest(Interest.READ_WRITE);
    }

    /** Tries one datagram; true when it is done (sent or failed), false when it must wait. */
    private boolean sendNow(ByteBuffer data, SocketAddress target, NetFuture<Void> future) {
        try {
            if (channel.send(data, target) == 0 && data.hasRemaining()) {
                return false;
            }
            future.complete(null);
        } catch (IOException | RuntimeException e) {
            future.completeExceptionally(e);
        }
        return true;
    }

    private void onReady(int ready) {
        if ((ready & Watch.WRITABLE) != 0) {
            flush();
        }
        if ((ready & Watch.READABLE) != 0) {
            receive();
        }
    }

    private void flush() {
        PendingWrite head;
        while (!closed && (head = queue.peek()) != null) {
            queue.poll();
            if (!sendNow(head.data, head.target, head.future)) {
                queue.addFirst(head);
                return;
            }
        }
        if (!closed) {
            watch.interest(Interest.READ);
        }
    }

    private void receive() {
        for (int i = 0; i < RECEIVES_PER_WAKEUP && !closed; i++) {
            ByteBuffer buffer = ReadBuffer.take();
            SocketAddress sender;
            try {
                sender = channel.receive(buffer);
            } catch (IOException e) {
                Failures.report(loop, "receiving on " + this, e);
                return;
            }
            if (sender == null) {
                return;
            }
            buffer.flip();
            try {
                handler.onDatagram(this, buffer, sender);
            } catch (Throwable t) {
                Failures.report(loop, "handler " + handler + " of " + this, t);
            }
        }
    }

    /**
     * Closes the socket on its loop; datagrams still waiting fail. The future completes when
     * the socket is closed. Closing twice is harmless.
     */
    public CompletableFuture<Void> close() {
        BoundSockets.closeOnLoop(loop, channel, this::closeNow, closeFuture);
        return closeFuture;
    }

    private void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        OpenSockets.remove(loop, hooks);
        watch.cancel();
        TcpConnection.closeQuietly(channel);
        IOException cause = new IOException(this + " closed before the datagram was sent");
        PendingWrite w;
        while ((w = queue.poll()) != null) {
            w.future.completeExceptionally(cause);
        }
        closeFuture.complete(null);
    }

    @Override
    public String toString() {
        return "UDP socket on " + localAddress;
    }

    /** What the loop calls: readiness, and its termination (the socket closes with it). */
    private final class Hooks implements WatchCallback, OpenSockets.Member {
        @Override
        public void onReady(Watch w, int ready) {
            UdpSocket.this.onReady(ready);
        }

        @Override
        public void loopTerminating() {
            closeNow();
        }

        @Override
        public String toString() {
            return UdpSocket.this.toString();
        }
    }
}
