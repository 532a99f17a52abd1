package io.evloop.net;

import io.evloop.EventLoop;
import io.evloop.internal.IoRegistration;
import io.evloop.internal.LoopAccess;
import io.evloop.internal.SocketIo;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * A {@link Connection} whose bytes the C core moves (EPOLL backends): reads land in the loop's
 * arena and come back as completions, writes are copied into native chunks and queued in the
 * core, which sends them with one vectored call when the socket takes them. Requests travel
 * with the loop's one native call per iteration, so the JNA binding, too, pays one crossing
 * per iteration and not one per read or write. The JDK channel keeps owning the descriptor
 * (options, addresses, the final close). All state but the volatile fields belongs to the loop
 * thread.
 */
final class NativeConnection extends StreamConnection {
    private final SocketIo io;
    private final CoreSocket socket;
    private final ArrayDeque<Sent> sent = new ArrayDeque<>();
    private volatile long pending;

    private NativeConnection(EventLoop loop, SocketIo io, SocketChannel channel, int fd,
            ConnectionHandler handler, NetOptions options) throws IOException {
        super(loop, channel, handler, options);
        this.io = io;
        this.socket = new CoreSocket(fd, channel);
        this.localAddress = channel.getLocalAddress();
        this.remoteAddress = channel.getRemoteAddress();
        this.opened = true;
    }

    /**
     * Serves a connected channel through the core; on the loop thread. Returns the connection
     * after its handler heard onOpen, or throws (the caller closes the channel).
     */
    static NativeConnection open(EventLoop loop, SocketIo io, SocketChannel channel,
            ConnectionHandler handler, NetOptions options) throws IOException {
        channel.configureBlocking(false);
        NativeConnection c = new NativeConnection(loop, io, channel, LoopAccess.fd(channel),
                handler, options);
        io.add(c.socket, true);
        OpenSockets.add(loop, c);
        c.tellOpened();
        return c;
    }

    // ---------------------------------------------------------------- completions

    private void onCompletion(int kind, int result, long aux) {
        if (closed) {
            return;
        }
        switch (kind) {
            case SocketIo.DATA:
                received(io.slice(aux, result));
                break;
            case SocketIo.EOF:
                peerClosed();
                break;
            case SocketIo.WRITTEN:
                written(result);
                break;
            case SocketIo.SHUT:
                shutDone(result);
                break;
            default:
                finish(ioError(result), false);
                break;
        }
    }

    private void written(int count) {
        pending -= count;
        int left = count;
        while (left > 0 && !closed) {
            Sent head = sent.peek();
            if (head == null) {
                break;
            }
            int taken = Math.min(left, head.remaining);
            head.remaining -= taken;
            left -= taken;
            if (head.remaining == 0) {
                sent.poll();
                io.releaseChunk(head.chunk);
                if (head.future != null) {
                    head.future.complete(null);
                }
            }
        }
        if (closed) {
            return;
        }
        if (sent.isEmpty() && closeRequested) {
            finish(null, false);
            return;
        }
        checkLowWatermark();
    }

    private void shutDone(int result) {
        if (result < 0) {
            finish(ioError(result), false);
            return;
        }
        outputShutDown();
    }

    private IOException ioError(int result) {
        int errno = -result;
        return new SocketException(io.errorText(errno) + " (errno " + errno + ") on " + this);
    }

    // ---------------------------------------------------------------- the byte path

    /** Copies the bytes into native chunks, so {@code owned} makes no difference here. */
    @Override
    boolean startWrite(ByteBuffer data, boolean owned, NetFuture<Void> future) {
        if (!data.hasRemaining()) {
            future.complete(null);
            return false;
        }
        long total = data.remaining();
        while (data.hasRemaining()) {
            int chunk = io.takeChunk();
            ByteBuffer target = io.chunkBuffer(chunk);
            target.clear();
            int n = Math.min(data.remaining(), target.capacity());
            int limit = data.limit();
            data.limit(data.position() + n);
            target.put(data);
            data.limit(limit);
            io.request(socket, SocketIo.OP_WRITE, 0, io.chunkAddress(chunk), n);
            sent.add(new Sent(chunk, n, data.hasRemaining() ? null : future));
        }
        pending += total;
        return true;
    }

    @Override
    boolean writesWaiting() {
        return !sent.isEmpty();
    }

    /** The core stops reading at end of stream by itself; a resume then changes nothing. */
    @Override
    void setReading(boolean on) {
        io.request(socket, SocketIo.OP_MOD, on ? 1 : 0, 0, 0);
    }

    /** The core shuts the socket down once its write queue is empty. */
    @Override
    void startShutdown() {
        io.request(socket, SocketIo.OP_SHUTDOWN, 0, 0, 0);
    }

    /** The core forgets the socket; the channel closes after the core let go of it. */
    @Override
    void releaseSocket() {
        io.forget(socket, channel);
    }

    @Override
    void failWrites(Throwable failure) {
        Sent s;
        pending = 0;
        while ((s = sent.poll()) != null) {
            io.releaseChunk(s.chunk);
            if (s.future != null) {
                s.future.completeExceptionally(failure);
            }
        }
    }

    @Override
    public long pendingBytes() {
        return pending;
    }

    /** A chunk of written bytes in the core's queue; the last one of a write has its future. */
    private static final class Sent {
        final int chunk;
        int remaining;
        final NetFuture<Void> future;

        Sent(int chunk, int remaining, NetFuture<Void> future) {
            this.chunk = chunk;
            this.remaining = remaining;
            this.future = future;
        }
    }

    /**
     * The socket as the core's poller knows it. A nested object rather than a superclass, so
     * that this class can share its state machine with {@link TcpConnection}.
     */
    private final class CoreSocket extends IoRegistration {
        CoreSocket(int fd, SocketChannel channel) {
            super(fd, channel);
        }

        @Override
        protected void onCompletion(int kind, int result, long aux) {
            NativeConnection.this.onCompletion(kind, result, aux);
        }

        @Override
        protected void onFailure(Exception failure) {
            finish(failure, false);
        }
    }
}
