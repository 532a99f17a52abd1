package io.evloop.bench;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor for task dispatch: a thread that runs a plain {@link ArrayDeque} of tasks, with no
 * I/O, no timers and no error handling. Tasks from other threads arrive through a concurrent
 * queue and an unpark; tasks from the loop thread go straight into the deque.
 */
final class ArrayDequeLoop implements Executor, AutoCloseable {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    ArrayDequeLoop() {
        thread = new Thread(this::loop, "bench-arraydeque");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread() == thread) {
            tasks.add(task);
        } else {
            inbox.add(task);
            LockSupport.unpark(thread);
        }
    }

    private void loop() {
        while (running) {
            Runnable task;
            while ((task = inbox.poll()) != null) {
                tasks.add(task);
            }
            while ((task = tasks.poll()) != null) {
                task.run();
            }
            if (inbox.isEmpty()) {
                LockSupport.park(this);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join();
    }
}
