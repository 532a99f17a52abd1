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
final class TcpConnection extends StreamConnection implements WatchCallback {
    private final WriteQueue writes = new WriteQueue();

    private Watch watch;
    private int interestBits;
    private boolean readPaused;

    private SocketAddress connectTarget;
    private NetFuture<Connection> connectFuture;
    private ScheduledFuture<?> connectTimer;

    private TcpConnection(EventLoop loop, SocketChannel channel, ConnectionHandler handler,
            NetOptions options) {
        super(loop, channel, handler, options);
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
        tellOpened();
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
            received(buffer);
        } else if (n < 0) {
            peerClosed();
        }
    }

    @Override
    void inputEnded() {
        updateInterest();
    }

    // ---------------------------------------------------------------- writing

    /** Writes at once when nothing is queued; what the socket does not take waits. */
    @Override
    boolean startWrite(ByteBuffer data, boolean owned, NetFuture<Void> future) {
        if (writes.isEmpty()) {
            try {
                channel.write(data);
            } catch (IOException e) {
                future.completeExceptionally(e);
                finish(e, false);
                return false;
            }
            if (!data.hasRemaining()) {
                future.complete(null);
                return false;
            }
        }
        writes.add(owned ? data : ReadBuffer.copyOf(data), future);
        updateInterest();
        return true;
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
            checkLowWatermark();
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

    private void shutdownNow() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            finish(e, false);
            return;
        }
        outputShutDown();
    }

    // ---------------------------------------------------------------- control

    @Override
    boolean writesWaiting() {
        return opened && !writes.isEmpty();
    }

    @Override
    void setReading(boolean on) {
        readPaused = !on;
        updateInterest();
    }

    /** Output shuts down here once the queue is empty; {@link #drained} waits for that. */
    @Override
    void startShutdown() {
        if (writes.isEmpty() && opened) {
            shutdownNow();
        }
    }

    @Override
    void releaseSocket() {
        if (connectTimer != null) {
            connectTimer.cancel(false);
        }
        if (watch != null) {
            watch.cancel();
        }
        closeQuietly(channel);
    }

    @Override
    void failWrites(Throwable failure) {
        writes.failAll(failure);
    }

    @Override
    void closedBeforeOpen(Throwable cause) {
        if (connectFuture != null) {
            connectFuture.completeExceptionally(cause != null ? cause
                    : new ConnectException("connect to " + connectTarget + " was cancelled"));
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

    @Override
    public long pendingBytes() {
        return writes.pendingBytes();
    }

    /** Names the address it connects to while the peer's address is not known yet. */
    @Override
    public String toString() {
        return "connection " + localAddress + " -> "
                + (remoteAddress != null ? remoteAddress : connectTarget);
    }
}
