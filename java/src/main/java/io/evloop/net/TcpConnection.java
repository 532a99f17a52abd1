package io.evloop.net;

import io.evloop.EventLoop;
import io.evloop.Interest;
import io.evloop.Watch;
import io.evloop.WatchCallback;
import io.evloop.internal.LoopAccess;
import io.evloop.internal.SocketIo;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Connection} over a non-blocking {@link SocketChannel} watched by its loop. Reads go
 * into the loop thread's {@link ReadBuffer}; writes go straight to the socket when nothing is
 * queued, and what does not fit waits in a {@link WriteQueue}, with write interest only while
 * something waits. All state but the volatile fields belongs to the loop thread.
 */
final class TcpConnection implements Connection, WatchCallback, OpenSockets.Member {
    private final EventLoop loop;
    private final SocketChannel channel;
    private final NetOptions options;
    private final ConnectionHandler handler;
    private final WriteQueue writes = new WriteQueue();
    private final NetFuture<Void> closeFuture;

    private Watch watch;
    private int interestBits;
    private SocketAddress localAddress;
    private SocketAddress remoteAddress;
    private boolean opened;
    private boolean readPaused;
    private boolean inputDone;
    private boolean shutdownRequested;
    private boolean outputDone;
    private boolean closeRequested;
    private volatile boolean closed;
    private volatile boolean writable = true;

    private SocketAddress connectTarget;
    private NetFuture<Connection> connectFuture;
    private ScheduledFuture<?> connectTimer;

    private TcpConnection(EventLoop loop, SocketChannel channel, ConnectionHandler handler,
            NetOptions options) {
        this.loop = loop;
        this.channel = channel;
        this.handler = handler;
        this.options = options;
        this.closeFuture = new NetFuture<>(loop);
    }

    /** Serves an accepted channel; on the loop thread. The channel is closed on failure. */
    static void accepted(EventLoop loop, SocketChannel channel, ConnectionHandler handler,
            NetOptions options) {
        SocketIo io = LoopAccess.socketIo(loop);
        if (io != null) {
            try {
                SocketSetup.applyStream(channel, options);
                NativeConnection.open(loop, io, channel, handler, options);
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
                Failures.report(loop, "accepting " + channel, e);
            }
            return;
        }
        TcpConnection c = new TcpConnection(loop, channel, handler, options);
        try {
            channel.configureBlocking(false);
            SocketSetup.applyStream(channel, options);
            c.interestBits = Watch.READABLE;
            c.watch = loop.watch(channel, Interest.READ, c);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            Failures.report(loop, "accepting " + channel, e);
            return;
        }
        OpenSockets.add(loop, c);
        c.open();
    }

    /** Connects on the loop; the future completes once connected and opened. */
    static CompletableFuture<Connection> connect(EventLoop loop, SocketAddress address,
            ConnectionHandler handler, NetOptions options) {
        NetFuture<Connection> future = new NetFuture<>(loop);
        Runnable start = () -> begin(loop, address, handler, options, future);
        if (loop.inEventLoop()) {
            start.run();
        } else {
            try {
                loop.execute(start);
            } catch (RejectedExecutionException e) {
                future.completeExceptionally(e);
            }
        }
        return future;
    }

    private static void begin(EventLoop loop, SocketAddress address, ConnectionHandler handler,
            NetOptions options, NetFuture<Connection> future) {
        SocketChannel channel = null;
        try {
            channel = SocketSetup.openStream(address);
            channel.configureBlocking(false);
            SocketSetup.applyStream(channel, options);
            TcpConnection c = new TcpConnection(loop, channel, handler, options);
            c.connectTarget = address;
            c.connectFuture = future;
            boolean done = channel.connect(address);
            c.interestBits = done ? Watch.READABLE : Watch.WRITABLE;
            c.watch = loop.watch(channel, done ? Interest.READ : Interest.WRITE, c);
            OpenSockets.add(loop, c);
            if (done) {
                c.connected();
            } else {
                long nanos = options.connectTimeout.toNanos();
                c.connectTimer = loop.schedule(c::connectTimedOut, nanos, TimeUnit.NANOSECONDS);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            future.completeExceptionally(connectFailure(address, e));
        }
    }

    private static Throwable connectFailure(SocketAddress address, Throwable e) {
        if (e instanceof ConnectException) {
            ConnectException c = new ConnectException("connect to " + address + " failed: "
                    + e.getMessage());
            c.initCause(e);
            return c;
        }
        return e;
    }

    private void connectTimedOut() {
        if (!opened && !closed) {
            finish(new SocketTimeoutException("connect to " + connectTarget + " timed out after "
                    + options.connectTimeout), false);
        }
    }

    private void finishConnect() {
        try {
            if (!channel.finishConnect()) {
                return;
            }
        } catch (IOException e) {
            finish(connectFailure(connectTarget, e), false);
            return;
        }
        connected();
    }

    /**
     * The connect finished. Where the core does socket I/O (EPOLL), a {@link NativeConnection}
     * takes the channel over; else this object serves it.
     */
    private void connected() {
        if (connectTimer != null) {
            connectTimer.cancel(false);
        }
        SocketIo io = LoopAccess.socketIo(loop);
        if (io == null) {
            open();
            return;
        }
        closed = true;
        watch.cancel();
        OpenSockets.remove(loop, this);
        try {
            NativeConnection c = NativeConnection.open(loop, io, channel, handler, options);
            if (c.isOpen()) {
                connectFuture.complete(c);
            } else {
                connectFuture.completeExceptionally(new IOException("connection to "
                        + connectTarget + " closed while it opened"));
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            connectFuture.completeExceptionally(e);
        }
    }

    private void open() {
        try {
            localAddress = channel.getLocalAddress();
            remoteAddress = channel.getRemoteAddress();
        } catch (IOException e) {
            finish(e, false);
            return;
        }
        opened = true;
        updateInterest();
        try {
            handler.onOpen(this);
        } catch (Throwable t) {
            handlerFailed(t);
        }
        if (connectFuture != null) {
            if (closed) {
                connectFuture.completeExceptionally(new IOException("connection to "
                        + connectTarget + " closed while it opened"));
            } else {
                connectFuture.complete(this);
            }
        }
    }

    // ---------------------------------------------------------------- readiness

    @Override
    public void onReady(Watch w, int ready) {
        if (closed) {
            return;
        }
        if (!opened) {
            finishConnect();
            return;
        }
        if ((ready & Watch.WRITABLE) != 0 && !writes.isEmpty()) {
            flush();
        }
        if ((ready & Watch.READABLE) != 0 && !closed && (interestBits & Watch.READABLE) != 0) {
            read();
        }
    }

    private void read() {
        ByteBuffer buffer = ReadBuffer.take();
        int n;
        try {
            n = channel.read(buffer);
        } catch (IOException e) {
            finish(e, false);
            return;
        }
        if (n > 0) {
            buffer.flip();
            try {
                handler.onData(this, buffer);
            } catch (Throwable t) {
                handlerFailed(t);
            }
        } else if (n < 0) {
            peerClosed();
        }
    }

    private void peerClosed() {
        inputDone = true;
        updateInterest();
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

    // ---------------------------------------------------------------- writing

    @Override
    public CompletableFuture<Void> write(ByteBuffer data) {
        NetFuture<Void> future = new NetFuture<>(loop);
        if (loop.inEventLoop()) {
            enqueue(data, false, future);
        } else {
            ByteBuffer copy = ReadBuffer.copyOf(data);
            onLoop(() -> enqueue(copy, true, future), future);
        }
        return future;
    }

    @Override
    public CompletableFuture<Void> write(byte[] data) {
        return write(ByteBuffer.wrap(data));
    }

    private void enqueue(ByteBuffer data, boolean owned, NetFuture<Void> future) {
        if (closed || shutdownRequested || closeRequested) {
            future.completeExceptionally(new IOException("cannot write " + data.remaining()
                    + " bytes: " + this + (closed ? " is closed" : " is shutting down output")));
            return;
        }
        if (writes.isEmpty()) {
            try {
                channel.write(data);
            } catch (IOException e) {
                future.completeExceptionally(e);
                finish(e, false);
                return;
            }
            if (!data.hasRemaining()) {
                future.complete(null);
                return;
            }
        }
        writes.add(owned ? data : ReadBuffer.copyOf(data), future);
        updateInterest();
        if (writable && writes.pendingBytes() > options.highWatermark) {
            writabilityChanged(false);
        }
    }

    private void flush() {
        try {
            writes.writeTo(channel);
        } catch (IOException e) {
            finish(e, false);
            return;
        }
        PendingWrite done;
        while ((done = writes.pollDone()) != null) {
            done.future.complete(null);
            if (closed) {
                return;
            }
        }
        if (writes.isEmpty()) {
            drained();
        }
        if (!closed) {
            updateInterest();
            if (!writable && writes.pendingBytes() <= options.lowWatermark) {
                writabilityChanged(true);
            }
        }
    }

    /** The queue emptied: a requested shutdown or close can proceed now. */
    private void drained() {
        if (closeRequested) {
            finish(null, false);
        } else if (shutdownRequested && !outputDone) {
            shutdownNow();
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

    private void shutdownNow() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            finish(e, false);
            return;
        }
        outputDone = true;
        if (inputDone) {
            finish(null, false);
        }
    }

    // ---------------------------------------------------------------- control

    @Override
    public void pauseReading() {
        onLoop(() -> {
            readPaused = true;
            updateInterest();
        }, null);
    }

    @Override
    public void resumeReading() {
        onLoop(() -> {
            readPaused = false;
            updateInterest();
        }, null);
    }

    @Override
    public void shutdownOutput() {
        onLoop(() -> {
            if (closed || shutdownRequested || closeRequested) {
                return;
            }
            shutdownRequested = true;
            if (writes.isEmpty() && opened) {
                shutdownNow();
            }
        }, null);
    }

    @Override
    public CompletableFuture<Void> close() {
        onLoop(() -> {
            if (closed) {
                return;
            }
            closeRequested = true;
            if (writes.isEmpty() || !opened) {
                finish(null, false);
            } else {
                updateInterest();
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
     * Closes the channel and tells everyone once: pending writes fail, the handler hears
     * onClose, the futures complete. {@code reset} makes a TCP peer see a reset.
     */
    private void finish(Throwable cause, boolean reset) {
        if (closed) {
            return;
        }
        closed = true;
        OpenSockets.remove(loop, this);
        if (connectTimer != null) {
            connectTimer.cancel(false);
        }
        if (watch != null) {
            watch.cancel();
        }
        if (reset) {
            lingerZero();
        }
        closeQuietly(channel);
        writes.failAll(cause != null ? cause : new IOException(this + " closed ("
                + (reset ? "aborted" : "closed") + ") before these bytes were sent"));
        if (opened) {
            try {
                handler.onClose(this, cause);
            } catch (Throwable t) {
                Failures.report(loop, "handler " + handler + " of " + this, t);
            }
        } else if (connectFuture != null) {
            connectFuture.completeExceptionally(cause != null ? cause
                    : new ConnectException("connect to " + connectTarget + " was cancelled"));
        }
        closeFuture.complete(null);
    }

    @Override
    public void loopTerminating() {
        finish(new IOException(loop + " closed with " + this + " open"), false);
    }

    private void lingerZero() {
        try {
            if (channel.isOpen()
                    && channel.supportedOptions().contains(StandardSocketOptions.SO_LINGER)) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException e) {
            // The socket is closed next either way; a reset only tells the peer sooner.
        }
    }

    private void updateInterest() {
        if (closed || !opened) {
            return;
        }
        int bits = (readPaused || inputDone || closeRequested ? 0 : Watch.READABLE)
                | (writes.isEmpty() ? 0 : Watch.WRITABLE);
        if (bits != interestBits) {
            interestBits = bits;
            watch.interest(toInterest(bits));
        }
    }

    private static Interest toInterest(int bits) {
        switch (bits) {
            case Watch.READABLE:
                return Interest.READ;
            case Watch.WRITABLE:
                return Interest.WRITE;
            case Watch.READABLE | Watch.WRITABLE:
                return Interest.READ_WRITE;
            default:
                return Interest.NONE;
        }
    }

    /**
     * Runs an action on the loop thread. If the loop no longer runs tasks it has closed, and
     * with it this connection's watch; a write's future then fails instead of waiting forever.
     */
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

    static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a socket fails only for a socket that is gone already.
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
        return writes.pendingBytes();
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
        return "connection " + localAddress + " -> "
                + (remoteAddress != null ? remoteAddress : connectTarget);
    }
}
