package io.evloop;

import io.evloop.internal.Registration;
import java.nio.channels.SelectableChannel;

/** The loop's side of a {@link Watch}: a poller registration plus the user's callback. */
final class WatchImpl extends Registration implements Watch {
    private final EventLoop loop;
    private final WatchCallback callback;
    private volatile Interest current;
    private volatile boolean cancelled;

    WatchImpl(EventLoop loop, int fd, SelectableChannel channel, Interest interest,
            WatchCallback callback) {
        super(fd, channel, interest.bits());
        this.loop = loop;
        this.callback = callback;
        this.current = interest;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public Interest interest() {
        return current;
    }

    @Override
    public void interest(Interest interest) {
        if (interest == null) {
            throw new NullPointerException("interest");
        }
        if (cancelled) {
            throw new IllegalStateException("cannot change the interest of a cancelled watch "
                    + "on " + describe());
        }
        current = interest;
        loop.onLoop(() -> loop.updateWatch(this, interest), true);
    }

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        loop.onLoop(() -> loop.deregisterWatch(this), false);
    }

    /** Marks the watch cancelled without touching the poller, which is closing. */
    void markCancelled() {
        cancelled = true;
    }

    @Override
    public boolean isActive() {
        return !cancelled;
    }

    @Override
    protected void onReady(int ready) {
        if (!cancelled) {
            loop.dispatchWatch(this, callback, ready);
        }
    }

    @Override
    protected void onFailure(Exception failure) {
        loop.reportError(this, failure);
    }

    String describe() {
        return channel() != null && fd() < 0 ? channel().toString() : "fd " + fd();
    }

    @Override
    public String toString() {
        return "watch on " + describe() + " (" + current + (cancelled ? ", cancelled)" : ")");
    }
}
