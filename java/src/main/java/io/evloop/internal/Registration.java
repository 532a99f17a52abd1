package io.evloop.internal;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * The engine's record of one watched descriptor or channel, as a poller sees it. The public
 * watch extends it; a poller keeps its own bookkeeping in the fields below and calls
 * {@link #onReady} on the loop thread. Not thread-safe: only the loop thread touches it.
 */
public abstract class Registration {
    /** Readiness and interest bits; the same values as {@code EVL_READ} and friends in C. */
    public static final int READ = Abi.READ;
    public static final int WRITE = Abi.WRITE;
    public static final int ERROR = Abi.ERROR;
    public static final int HUP = Abi.HUP;

    final int fd;
    final SelectableChannel channel;
    int interest;

    /** Native pollers: the token (slot and generation) and whether a change is queued. */
    long token;
    boolean changeQueued;
    /** NIO poller: the selection key. */
    SelectionKey key;

    protected Registration(int fd, SelectableChannel channel, int interest) {
        this.fd = fd;
        this.channel = channel;
        this.interest = interest;
    }

    /** The descriptor, or -1 for a channel watched by the NIO poller. */
    public final int fd() {
        return fd;
    }

    /** The channel, or null for a raw descriptor. */
    public final SelectableChannel channel() {
        return channel;
    }

    /** The current interest bits ({@link #READ}, {@link #WRITE}). */
    public final int interestBits() {
        return interest;
    }

    /** Called by the poller on the loop thread with the readiness bits that were reported. */
    protected abstract void onReady(int ready);

    /** Called by the poller on the loop thread when a queued interest change failed. */
    protected abstract void onFailure(Exception failure);
}
