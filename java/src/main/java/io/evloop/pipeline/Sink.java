package io.evloop.pipeline;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bounded buffer between the loop and the consumer. The loop offers results without ever
 * blocking; when the buffer is full it raises {@link #blocked}, and the consumer, once it has
 * taken the buffer down to half, lowers the flag and asks the loop to go on. So a slow consumer
 * costs one hand-off per half buffer, not one per item.
 */
final class Sink {
    /** The terminal value of a pipeline that ran to its end. */
    static final Object END = new Object();
    /** Put into the queue to wake a waiting consumer; not an item. */
    static final Object WAKE = new Object();

    final int capacity;
    final ArrayBlockingQueue<Object> queue;
    private final AtomicBoolean blocked = new AtomicBoolean();
    private final int lowWater;
    /** Null while running; then {@link #END} or the exception the consumer gets. */
    volatile Object terminal;
    volatile long consumed;
    private long fillSum;
    private long fillSamples;

    Sink(int capacity) {
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.lowWater = capacity / 2;
    }

    /** On the loop: true if the buffer took the item. */
    boolean offer(Object item) {
        if (queue.size() >= capacity) {
            return false;
        }
        return queue.offer(item);
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

    /** On the loop: ends the sink; a failure or a close drops the results not yet taken. */
    void terminate(Object value) {
        if (value != END) {
            queue.clear();
        }
        terminal = value;
        queue.offer(WAKE);
    }

    void sampleFill() {
        fillSum += queue.size();
        fillSamples++;
    }

    double meanFill() {
        return fillSamples == 0 ? 0 : (double) fillSum / fillSamples;
    }
}
