package io.evloop.net;

import io.evloop.EventLoop;
import io.evloop.Interest;
import io.evloop.Watch;
import io.evloop.WatchCallback;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/** One listening socket of a {@link Server}, watched by one loop. Loop thread only. */
final class Listener implements WatchCallback, OpenSockets.Member {
    /** Accepts per readiness report, so one busy listener does not starve other I/O. */
    private static final int ACCEPTS_PER_WAKEUP = 64;
    /** After a failed accept (out of descriptors, say) the listener rests this long. */
    private static final long BACKOFF_MILLIS = 100;

    static {
        // Out of descriptors, a class loaded lazily from a directory class path fails to load
        // too, so what the failure path needs is loaded now.
        Failures.preload();
    }

    final EventLoop loop;
    final ServerSocketChannel channel;
    private final Server server;
    private final Runnable resume = this::resume;
    private Watch watch;
    private boolean closed;

    Listener(EventLoop loop, ServerSocketChannel channel, Server server) {
        this.loop = loop;
        this.channel = channel;
        this.server = server;
    }

    /** Starts watching; from any thread (the loop registers it). */
    void start() throws IOException {
        watch = loop.watch(channel, Interest.READ, this);
        // The backoff needs the loop's timer classes when no descriptor may be left to load
        // a class file with (a directory class path): one cancelled timer loads them now.
        loop.schedule(() -> { }, 1, TimeUnit.DAYS).cancel(false);
        OpenSockets.register(loop, this);
    }

    @Override
    public void loopTerminating() {
        close();
    }

    @Override
    public void onReady(Watch w, int ready) {
        for (int i = 0; i < ACCEPTS_PER_WAKEUP && !closed; i++) {
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (IOException e) {
                // Rest first: even if the report fails, the listener must not spin.
                rest();
                Failures.report(loop, "accepting on " + server, e);
                return;
            }
            if (accepted == null) {
                return;
            }
            server.dispatch(loop, accepted);
        }
    }

    /**
     * Level-triggered readiness would report a failing accept (EMFILE) again at once and spin
     * the loop, so the listener stops watching for a moment.
     */
    private void rest() {
        watch.interest(Interest.NONE);
        try {
            loop.schedule(resume, BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException | Error e) {
            // Without the timer nothing would resume: keep accepting rather than go deaf.
            watch.interest(Interest.READ);
            throw e;
        }
    }

    private void resume() {
        if (!closed) {
            watch.interest(Interest.READ);
        }
    }

    /** Stops accepting and closes the socket; on the loop thread. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (loop.inEventLoop()) {
            OpenSockets.remove(loop, this);
        }
        if (watch != null) {
            watch.cancel();
        }
        TcpConnection.closeQuietly(channel);
    }
}
