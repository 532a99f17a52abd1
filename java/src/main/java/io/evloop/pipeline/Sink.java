package io.evloop.pipeline;

import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.SpscArrayQueue;

/**
 * The bounded buffer between the loop and the consumer: a single-producer single-consumer
 * queue, with the loop as its producer and the consumer's thread (or, for a publisher, the
 * loop again) as its consumer.
 *
 * <p>Hand-offs are batched both ways. A consumer that finds the buffer empty spins briefly,
 * then parks; the loop wakes it once per step that added results, not once per result. When
 * the buffer is full the loop raises {@link #blocked}, and the consumer, once it has taken the
 * buffer down to half, lowers the flag and asks the loop to go on.
 */
final class Sink {
    /** The terminal value of a pipeline that ran to its end. */
    static final Object END = new Object();
    private static final int SPINS = 64;
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    final int capacity;
    final SpscArrayQueue<Object> queue;
    private final AtomicBoolean blocked = new AtomicBoolean();
    private final int lowWater;
    /** Null while running; then {@link #END} or the exception the consumer gets. */
    volatile Object terminal;
    volatile long consumed;
    private volatile Thread waiter;
    /** Results the loop put into the buffer. */
    long added;
    long fillSum;
    long fillSamples;
    /** The counters at the previous JFR summary, or null before the first one. */
    long[] reported;

    Sink(int capacity) {
        this.capacity = capacity;
        this.queue = new SpscArrayQueue<>(Math.max(4, capacity));
        this.lowWater = capacity / 2;
    }

    /** On the loop: true if the buffer took the item. */
    boolean offer(Object item) {
        if (queue.size() < capacity && queue.offer(item)) {
            added++;
            return true;
        }
        return false;
    }

    /**
     * On the loop, after an offer failed: raises the flag, and returns false if the consumer
     * made room meanwhile (then the loop retries instead of waiting for a signal).
     */
    boolean markBlocked() {
        blocked.set(true);
        return !(queue.size() < capacity && blocked.compareAndSet(true, false));
    }

    /** On the consumer: whether the loop waits for room and now should go on. */
    boolean shouldResume() {
        return blocked.get() && queue.size() <= lowWater && blocked.compareAndSet(true, false);
    }

    /**
     * On the loop: ends the sink. The consumer checks the terminal before taking, so after a
     * failure or a close the results it has not taken never reach it.
     */
    void terminate(Object value) {
        terminal = value;
        signal();
    }

    /** On the loop, after adding results or ending: wakes a parked consumer. */
    void signal() {
        // Pairs with the consumer's write of waiter before it checks the queue once more: one
        // of the two sees the other's write, so a consumer never parks over a result.
        VarHandle.fullFence();
        Thread thread = waiter;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * On the consumer: waits a little for a result or the end, then returns, so that the
     * caller checks the loop it waits for.
     *
     * @throws InterruptedException if the consumer's thread was interrupted
     */
    void await() throws InterruptedException {
        for (int i = 0; i < SPINS; i++) {
            if (!queue.isEmpty() || terminal != null) {
                return;
            }
            Thread.onSpinWait();
        }
        waiter = Thread.currentThread();
        try {
            if (queue.isEmpty() && terminal == null) {
                LockSupport.parkNanos(this, PARK_NANOS);
            }
        } finally {
            waiter = null;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    void sampleFill() {
        fillSum += queue.size();
        fillSamples++;
    }

    double meanFill() {
        return fillSamples == 0 ? 0 : (double) fillSum / fillSamples;
    }
}
