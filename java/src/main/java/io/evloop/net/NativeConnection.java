package io.evloop.net;

import io.evloop.EventLoop;
import io.evloop.internal.IoRegistration;
import io.evloop.internal.LoopAccess;
import io.evloop.internal.SocketIo;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link Connection} whose bytes the C core moves (EPOLL backends): reads land in the loop's
 * arena and come back as completions, writes are copied into native chunks and queued in the
 * core, which sends them with one vectored call when the socket takes them. Requests travel
 * with the loop's one native call per iteration, so the JNA binding, too, pays one crossing
 * per iteration and not one per read or write. The JDK channel keeps owning the descriptor
 * (options, addresses, the final close). All state but the volatile fields belongs to the loop
 * thread.
 */
final class NativeConnection implements Connection, OpenSockets.Member {
    private final EventLoop loop;
    private final SocketIo io;
    private final CoreSocket socket;
    private final SocketChannel channel;
    private final NetOptions options;
    private final ConnectionHandler handler;
    private final NetFuture<Void> closeFuture;
    private final ArrayDeque<Sent> sent = new ArrayDeque<>();
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;

    private boolean inputDone;
    private boolean shutdownRequested;
    private boolean outputDone;
    private boolean closeRequested;
    private volatile boolean closed;
    private volatile boolean writable = true;
    private volatile long pending;

    private NativeConnection(EventLoop loop, SocketIo io, SocketChannel channel, int fd,
            ConnectionHandler handler, NetOptions options) throws IOException {
        this.loop = loop;
        this.io = io;
        this.socket = new CoreSocket(fd, channel);
        this.channel = channel;
        this.handler = handler;
        this.options = options;
        this.closeFuture = new NetFuture<>(loop);
        this.localAddress = channel.getLocalAddress();
        this.remoteAddress = channel.getRemoteAddress();
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
        try {
            handler.onOpen(c);
        } catch (Throwable t) {
            c.handlerFailed(t);
        }
        return c;
    }

    // ---------------------------------------------------------------- completions

    private void onCompletion(int kind, int result, long aux) {
        if (closed) {
            return;
        }
        switch (kind) {
            case SocketIo.DATA:
                data(io.slice(aux, result));
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

    private void onFailure(Exception failure) {
        finish(failure, false);
    }

    private void data(ByteBuffer bytes) {
        try {
            handler.onData(this, bytes);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    private void peerClosed() {
        inputDone = true;
        try {
            handler.onPeerClosed(this);
        } catch (Throwable t) {
            handlerFailed(t);
            return;
        }
        if (outputDone && !closed) {
            finish(null, false);
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
        if (!writable && pending <= options.lowWatermark) {
            writabilityChanged(true);
        }
    }

    private void shutDone(int result) {
        if (result < 0) {
            finish(ioError(result), false);
            return;
        }
        outputDone = true;
        if (inputDone) {
            finish(null, false);
        }
    }

    private IOException ioError(int result) {
        int errno = -result;
        return new SocketException(io.errorText(errno) + " (errno " + errno + ") on " + this);
    }

    // ---------------------------------------------------------------- writing

    @Override
    public CompletableFuture<Void> write(ByteBuffer data) {
        NetFuture<Void> future = new NetFuture<>(loop);
        if (loop.inEventLoop()) {
            enqueue(data, future);
        } else {
            ByteBuffer copy = ReadBuffer.copyOf(data);
            onLoop(() -> enqueue(copy, future), future);
        }
        return future;
    }

    @Override
    public CompletableFuture<Void> write(byte[] data) {
        return write(ByteBuffer.wrap(data));
    }

    private void enqueue(ByteBuffer data, NetFuture<Void> future) {
        if (closed || shutdownRequested || closeRequested) {
            future.completeExceptionally(new IOException("cannot write " + data.remaining()
                    + " bytes: " + this + (closed ? " is closed" : " is shutting down output")));
            return;
        }
        if (!data.hasRemaining()) {
            future.complete(null);
            return;
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
        if (writable && pending > options.highWatermark) {
            writabilityChanged(false);
        }
    }

    private void writabilityChanged(boolean now) {
        writable = now;
        try {
            handler.onWritabilityChanged(this, now);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    // ---------------------------------------------------------------- control

    @Override
    public void pauseReading() {
        onLoop(() -> setReading(false), null);
    }

    @Override
    public void resumeReading() {
        onLoop(() -> setReading(true), null);
    }

    /** The core stops reading at end of stream by itself; a resume then changes nothing. */
    private void setReading(boolean on) {
        if (closed || closeRequested) {
            return;
        }
        io.request(socket, SocketIo.OP_MOD, on ? 1 : 0, 0, 0);
    }

    @Override
    public void shutdownOutput() {
        onLoop(() -> {
            if (closed || shutdownRequested || closeRequested) {
                return;
            }
            shutdownRequested = true;
            io.request(socket, SocketIo.OP_SHUTDOWN, 0, 0, 0);
        }, null);
    }

    @Override
    public CompletableFuture<Void> close() {
        onLoop(() -> {
            if (closed || closeRequested) {
                return;
            }
            closeRequested = true;
            if (sent.isEmpty()) {
                finish(null, false);
            } else {
                io.request(socket, SocketIo.OP_MOD, 0, 0, 0);
            }
        }, null);
        return closeFuture;
    }

    @Override
    public void abort() {
        onLoop(() -> finish(null, true), null);
    }

    private void handlerFailed(Throwable t) {
        finish(t, true);
        Failures.report(loop, "handler " + handler + " of " + this, t);
    }

    /**
     * Ends the connection once: the core forgets the socket (the channel closes after the
     * core let go of it), pending writes fail, the handler hears onClose.
     */
    private void finish(Throwable cause, boolean reset) {
        if (closed) {
            return;
        }
        closed = true;
        OpenSockets.remove(loop, this);
        if (reset) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException e) {
                // The socket closes next either way; a reset only tells the peer sooner.
            }
        }
        io.forget(socket, channel);
        Throwable failure = cause != null ? cause : new IOException(this + " closed ("
                + (reset ? "aborted" : "closed") + ") before these bytes were sent");
        Sent s;
        pending = 0;
        while ((s = sent.poll()) != null) {
            io.releaseChunk(s.chunk);
            if (s.future != null) {
                s.future.completeExceptionally(failure);
            }
        }
        try {
            handler.onClose(this, cause);
        } catch (Throwable t) {
            Failures.report(loop, "handler " + handler + " of " + this, t);
        }
        closeFuture.complete(null);
    }

    @Override
    public void loopTerminating() {
        finish(new IOException(loop + " closed with " + this + " open"), false);
    }

    private void onLoop(Runnable action, NetFuture<?> failIfRejected) {
        if (loop.inEventLoop()) {
            action.run();
            return;
        }
        try {
            loop.execute(action);
        } catch (RejectedExecutionException e) {
            if (failIfRejected != null) {
                failIfRejected.completeExceptionally(e);
            }
        }
    }

    // ---------------------------------------------------------------- queries

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public long pendingBytes() {
        return pending;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        return "connection " + localAddress + " -> " + remoteAddress;
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
            NativeConnection.this.onFailure(failure);
        }
    }
}
