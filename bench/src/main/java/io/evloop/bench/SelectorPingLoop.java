package io.evloop.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The raw NIO baseline of the wake-up round trip: a thread blocked in {@link Selector#select()}
 * that {@link Selector#wakeup()} wakes to run one handed-over task. It holds one pending task
 * only, which is all a ping-pong with one ball needs; a second pending task is an error.
 */
final class SelectorPingLoop implements Executor, AutoCloseable {
    private final Selector selector;
    private final AtomicReference<Runnable> slot = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    SelectorPingLoop(String name) throws IOException {
        selector = Selector.open();
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void execute(Runnable task) {
        if (!slot.compareAndSet(null, task)) {
            throw new IllegalStateException("SelectorPingLoop holds one task at a time");
        }
        selector.wakeup();
    }

    private void loop() {
        try {
            while (running) {
                selector.select();
                Runnable task = slot.getAndSet(null);
                if (task != null) {
                    task.run();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        selector.wakeup();
        thread.join();
        selector.close();
    }
}
