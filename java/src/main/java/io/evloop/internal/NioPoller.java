package io.evloop.internal;

import java.io.IOException;
import java.util.ArrayDeque;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * The portable poller over {@link Selector}. It watches {@link SelectableChannel}s, not raw
 * descriptors. It uses {@code select(Consumer)} (JDK 11) so that no selected-key set is built
 * and cleared per poll.
 */
public final class NioPoller implements Poller {
    private final Selector selector;
    private final Consumer<SelectionKey> dispatcher = this::dispatch;
    private PollObserver observer = PollObserver.NONE;
    /**
     * Registrations of channels whose cancelled key is still in the selector, made while a
     * selection dispatches: the selector cannot select again until that one returns.
     */
    private final ArrayDeque<Registration> deferred = new ArrayDeque<>();
    private boolean dispatching;

    /** Opens a selector. */
    public NioPoller() throws IOException {
        selector = Selector.open();
    }

    @Override
    public String backend() {
        return "NIO";
    }

    @Override
    public String binding() {
        return null;
    }

    @Override
    public void register(Registration registration) throws IOException {
        SelectableChannel channel = registration.channel;
        if (channel == null) {
            throw new UnsupportedOperationException("the NIO backend watches SelectableChannels "
                    + "only; fd " + registration.fd + " needs the EPOLL or KQUEUE backend");
        }
        checkOpen();
        channel.configureBlocking(false);
        int ops = toOps(channel, registration.interest);
        try {
            registration.key = channel.register(selector, ops, registration);
        } catch (CancelledKeyException e) {
            // The channel's previous key is cancelled but still in the selector until the
            // next selection; one selection without waiting completes the removal. Inside a
            // callback (a watch cancelled and made again) that waits until poll returns.
            if (dispatching) {
                deferred.add(registration);
                return;
            }
            selector.selectNow(key -> { });
            registration.key = channel.register(selector, ops, registration);
        } catch (ClosedChannelException e) {
            throw new IOException("cannot watch " + channel + ": the channel is closed", e);
        }
    }

    @Override
    public void update(Registration registration, int interest) {
        registration.interest = interest;
        SelectionKey key = registration.key;
        if (key == null) {
            return;
        }
        try {
            key.interestOps(toOps(key.channel(), interest));
        } catch (CancelledKeyException e) {
            registration.onFailure(new ClosedChannelException());
        }
    }

    @Override
    public void deregister(Registration registration) {
        deferred.remove(registration);
        SelectionKey key = registration.key;
        if (key != null) {
            key.cancel();
            registration.key = null;
        }
    }

    @Override
    public int poll(long timeoutNanos) throws IOException {
        checkOpen();
        int count;
        dispatching = true;
        try {
            if (timeoutNanos == 0) {
                count = selector.selectNow(dispatcher);
            } else if (timeoutNanos < 0) {
                count = selector.select(dispatcher);
            } else {
                // Selector waits in whole milliseconds and treats 0 as "no limit": round up.
                long millis = Math.max(1, (timeoutNanos + 999_999) / 1_000_000);
                count = selector.select(dispatcher, millis);
            }
        } finally {
            dispatching = false;
        }
        registerDeferred();
        return count;
    }

    /** Completes the registrations made during dispatch; a failure goes to its watch. */
    private void registerDeferred() throws IOException {
        if (deferred.isEmpty()) {
            return;
        }
        // Completes the removal of the cancelled keys; readiness is reported again next poll.
        selector.selectNow(key -> { });
        Registration registration;
        while ((registration = deferred.poll()) != null) {
            SelectableChannel channel = registration.channel;
            try {
                registration.key = channel.register(selector,
                        toOps(channel, registration.interest), registration);
            } catch (ClosedChannelException | CancelledKeyException e) {
                registration.onFailure(new IOException("cannot watch " + channel
                        + ": the channel was closed", e));
            }
        }
    }

    private void dispatch(SelectionKey key) {
        observer.waitEnded();
        Registration registration = (Registration) key.attachment();
        int ops;
        try {
            ops = key.readyOps();
        } catch (CancelledKeyException e) {
            return;
        }
        int ready = 0;
        if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            ready |= Registration.READ;
        }
        if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            ready |= Registration.WRITE;
        }
        registration.onReady(ready);
    }

    private static int toOps(SelectableChannel channel, int interest) {
        int valid = channel.validOps();
        int ops = 0;
        if ((interest & Registration.READ) != 0) {
            ops |= valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if ((interest & Registration.WRITE) != 0) {
            ops |= valid & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
        }
        return ops;
    }

    private void checkOpen() {
        if (!selector.isOpen()) {
            throw new IllegalStateException("the NIO poller is closed");
        }
    }

    @Override
    public void observe(PollObserver observer) {
        this.observer = observer;
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // Closing a selector only releases its descriptors; nothing is left to undo.
        }
    }
}
