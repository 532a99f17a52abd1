package io.evloop.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * Lets the benchmark thread wait, without allocating, until a loop thread says an operation is
 * done. One waiter serves one benchmark thread; {@link #arm()} and {@link #await()} run on it.
 */
final class Waiter {
    private volatile Thread thread;
    private volatile boolean done;

    /** Prepares for the next operation; call before starting it. */
    void arm() {
        done = false;
        thread = Thread.currentThread();
    }

    /** Called by the loop thread when the operation is done. */
    void signal() {
        done = true;
        LockSupport.unpark(thread);
    }

    /** Parks until {@link #signal()}. */
    void await() {
        while (!done) {
            LockSupport.park(this);
        }
    }
}
