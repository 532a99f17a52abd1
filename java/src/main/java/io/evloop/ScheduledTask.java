package io.evloop;

import io.evloop.internal.TimerHeap;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A timer of a loop: one-shot, fixed-rate or fixed-delay. It is the future the scheduling
 * methods return. Its fields are touched by the loop thread only; cancellation from another
 * thread completes the future at once and hands the removal from the heap to the loop.
 */
final class ScheduledTask<V> extends LoopFuture<V>
        implements RunnableScheduledFuture<V>, TimerHeap.Node {
    private final Callable<V> callable;
    private final Object source;
    /** Zero for one-shot; positive for fixed-rate; negative (minus the delay) for fixed-delay. */
    private final long period;
    private long deadline;
    private long sequence;
    private int heapIndex = -1;

    ScheduledTask(EventLoop loop, Callable<V> callable, Object source, long deadline,
            long period) {
        super(loop);
        this.callable = callable;
        this.source = source;
        this.deadline = deadline;
        this.period = period;
    }

    /** The task or callable the user gave, for error reports. */
    Object source() {
        return source;
    }

    void sequence(long sequence) {
        this.sequence = sequence;
    }

    @Override
    public long deadline() {
        return deadline;
    }

    @Override
    public long sequence() {
        return sequence;
    }

    @Override
    public int heapIndex() {
        return heapIndex;
    }

    @Override
    public void heapIndex(int index) {
        heapIndex = index;
    }

    @Override
    public boolean isPeriodic() {
        return period != 0;
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
        if (other == this) {
            return 0;
        }
        if (other instanceof ScheduledTask) {
            ScheduledTask<?> task = (ScheduledTask<?>) other;
            long diff = deadline - task.deadline;
            if (diff != 0) {
                return diff < 0 ? -1 : 1;
            }
            return Long.compare(sequence, task.sequence);
        }
        return Long.compare(getDelay(TimeUnit.NANOSECONDS),
                other.getDelay(TimeUnit.NANOSECONDS));
    }

    /**
     * Runs the task once, on the loop thread. A one-shot task completes its future; a periodic
     * one computes its next deadline and returns true when it must be scheduled again. A
     * periodic task that throws completes its future with the exception, is reported to the
     * error handler, and stops.
     */
    boolean runOnLoop() {
        if (isDone()) {
            return false;
        }
        try {
            V value = callable.call();
            if (period == 0) {
                complete(value);
                return false;
            }
        } catch (Throwable t) {
            completeExceptionally(t);
            if (period != 0) {
                // A periodic task stops here for good; say so even if nobody reads its future.
                loop.reportError(this, t);
            }
            return false;
        }
        deadline = period > 0 ? deadline + period : System.nanoTime() - period;
        return !isDone();
    }

    @Override
    public void run() {
        if (loop.inEventLoop()) {
            if (runOnLoop()) {
                loop.reschedule(this);
            }
        } else {
            loop.execute(this);
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            loop.unschedule(this);
        }
        return cancelled;
    }

    @Override
    public String toString() {
        return "timer " + source + (period == 0 ? "" : period > 0 ? " (fixed rate)"
                : " (fixed delay)");
    }
}
