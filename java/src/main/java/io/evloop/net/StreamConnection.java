package io.evloop.net;

import io.evloop.EventLoop;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * What every stream {@link Connection} shares, whichever way its bytes move: calls handed to
 * the loop thread, the shutdown and close state machine, the write watermarks and the calls of
 * the handler. A subclass says only how bytes are written, how reading turns on and off, how
 * output shuts down and how the socket is let go. All state but the volatile fields belongs to
 * the loop thread.
 */
abstract class StreamConnection implements Connection, OpenSockets.Member {
    final EventLoop loop;
    final SocketChannel channel;
    final NetOptions options;
    final ConnectionHandler handler;
    private final NetFuture<Void> closeFuture;

    SocketAddress localAddress;
    SocketAddress remoteAddress;
    /** Whether the handler heard onOpen; one that did not hears no onClose either. */
    boolean opened;
    boolean inputDone;
    boolean shutdownRequested;
    boolean outputDone;
    boolean closeRequested;
    volatile boolean closed;
    private volatile boolean writable = true;

    StreamConnection(EventLoop loop, SocketChannel channel, ConnectionHandler handler,
            NetOptions options) {
        this.loop = loop;
        this.channel = channel;
        this.handler = handler;
        this.options = options;
        this.closeFuture = new NetFuture<>(loop);
    }

    // ---------------------------------------------------------------- what a byte path does

    /**
     * Sends or queues the remaining bytes of {@code data}, which the caller may reuse unless
     * {@code owned}; {@code future} completes once they are in the socket. Returns whether
     * bytes now wait, so that the high watermark is checked.
     */
    abstract boolean startWrite(ByteBuffer data, boolean owned, NetFuture<Void> future);

    /** Whether accepted writes still wait to reach the socket; a close waits for them. */
    abstract boolean writesWaiting();

    /** Turns reading on or off; off also when a close waits for its writes. */
    abstract void setReading(boolean on);

    /** Shuts output down once the accepted writes are out; {@link #outputShutDown} follows. */
    abstract void startShutdown();

    /** Stops watching the socket and closes the channel; the state says closed already. */
    abstract void releaseSocket();

    /** Fails every write that has not reached the socket. */
    abstract void failWrites(Throwable failure);

    /** The peer ended its output; a path that watches readiness stops watching reads. */
    void inputEnded() {}

    /** The connection closed before it opened; by default there is no one to tell. */
    void closedBeforeOpen(Throwable cause) {}

    // ---------------------------------------------------------------- events of the path

    /** Tells the handler the connection is open; {@link #opened} is set already. */
    final void tellOpened() {
        try {
            handler.onOpen(this);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    /** Bytes arrived; {@code data} is valid during the handler's call only. */
    final void received(ByteBuffer data) {
        try {
            handler.onData(this, data);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    /** End of stream: the connection ends here if output was shut down already. */
    final void peerClosed() {
        inputDone = true;
        inputEnded();
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

    /** Output is shut down: the connection ends here if input ended already. */
    final void outputShutDown() {
        outputDone = true;
        if (inputDone) {
            finish(null, false);
        }
    }

    /** Bytes left the queue: at or below the low watermark the connection is writable. */
    final void checkLowWatermark() {
        if (!writable && pendingBytes() <= options.lowWatermark) {
            writabilityChanged(true);
        }
    }

    // ---------------------------------------------------------------- writing

    @Override
    public final CompletableFuture<Void> write(ByteBuffer data) {
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
    public final CompletableFuture<Void> write(byte[] data) {
        return write(ByteBuffer.wrap(data));
    }

    private void enqueue(ByteBuffer data, boolean owned, NetFuture<Void> future) {
        if (closed || shutdownRequested || closeRequested) {
            future.completeExceptionally(new IOException("cannot write " + data.remaining()
                    + " bytes: " + this + (closed ? " is closed" : " is shutting down output")));
            return;
        }
        if (startWrite(data, owned, future) && writable
                && pendingBytes() > options.highWatermark) {
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
    public final void pauseReading() {
        onLoop(() -> changeReading(false), null);
    }

    @Override
    public final void resumeReading() {
        onLoop(() -> changeReading(true), null);
    }

    private void changeReading(boolean on) {
        if (!closed && !closeRequested) {
            setReading(on);
        }
    }

    @Override
    public final void shutdownOutput() {
        onLoop(() -> {
            if (closed || shutdownRequested || closeRequested) {
                return;
            }
            shutdownRequested = true;
            startShutdown();
        }, null);
    }

    @Override
    public final CompletableFuture<Void> close() {
        onLoop(() -> {
            if (closed || closeRequested) {
                return;
            }
            closeRequested = true;
            if (writesWaiting()) {
                setReading(false);
            } else {
                finish(null, false);
            }
        }, null);
        return closeFuture;
    }

    @Override
    public final void abort() {
        onLoop(() -> finish(null, true), null);
    }

    @Override
    public final void loopTerminating() {
        finish(new IOException(loop + " closed with " + this + " open"), false);
    }

    final void handlerFailed(Throwable t) {
        finish(t, true);
        Failures.report(loop, "handler " + handler + " of " + this, t);
    }

    /**
     * Ends the connection once: the socket is let go, pending writes fail, the handler hears
     * onClose, the close future completes. {@code reset} makes a TCP peer see a reset.
     */
    final void finish(Throwable cause, boolean reset) {
        if (closed) {
            return;
        }
        closed = true;
        OpenSockets.remove(loop, this);
        if (reset) {
            lingerZero();
        }
        releaseSocket();
        failWrites(cause != null ? cause : new IOException(this + " closed ("
                + (reset ? "aborted" : "closed") + ") before these bytes were sent"));
        if (opened) {
            try {
                handler.onClose(this, cause);
            } catch (Throwable t) {
                Failures.report(loop, "handler " + handler + " of " + this, t);
            }
        } else {
            closedBeforeOpen(cause);
        }
        closeFuture.complete(null);
    }

    private void lingerZero() {
        try {
            if (channel.isOpen()
                    && channel.supportedOptions().contains(StandardSocketOptions.SO_LINGER)) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException | RuntimeException e) {
            // The socket closes next either way; a reset only tells the peer sooner.
        }
    }

    /**
     * Runs an action on the loop thread. If the loop no longer runs tasks it has closed, and
     * with it this connection; a write's future then fails instead of waiting forever.
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

    // ---------------------------------------------------------------- queries

    @Override
    public final EventLoop loop() {
        return loop;
    }

    @Override
    public final boolean isWritable() {
        return writable;
    }

    @Override
    public final boolean isOpen() {
        return !closed;
    }

    @Override
    public final SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public final SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        return "connection " + localAddress + " -> " + remoteAddress;
    }
}
