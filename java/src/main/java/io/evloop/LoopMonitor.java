package io.evloop;

import io.evloop.internal.JfrSwitch;
import io.evloop.internal.LoopAccess;
import io.evloop.internal.LoopEvents;
import io.evloop.internal.PollObserver;
import io.evloop.internal.StackNames;
import io.evloop.internal.TraceBuffer;
import io.evloop.internal.Watchdog;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What a loop tells about itself: counters and times for {@link LoopStats}, what runs now for
 * the {@link Watchdog}, slow-iteration reports, trace records and JFR events. Written by the
 * loop thread; read from any thread.
 *
 * <p>Cost per task: nothing beyond what an unmonitored loop does (the counter it keeps
 * anyway); a task sampled for latency runs in a task loop of its own (see
 * {@code LoopCore.runLocalTasks}). The watchdog names a callback from a sample of the loop
 * thread's stack, and only after it has run for a sampling period; publishing every task
 * instead (one reference store) cost about 5% of the cheapest dispatch. A task the user named
 * publishes itself as it starts (see {@link #namedTaskStarts}), since the stack shows no such
 * name. While a trace records, each callback also costs two clock reads. Cost per iteration:
 * one clock read, two ordered stores around the poll, and two clock reads around a poll that
 * may block.
 */
final class LoopMonitor implements Watchdog.Monitored, PollObserver, LoopAccess.TraceTarget {
    private static final VarHandle PUBLISHED;
    private static final VarHandle POLLING;
    private static final VarHandle TRACING;
    private static final int SAMPLE_MASK = LoopStats.LATENCY_SAMPLE_EVERY - 1;
    private static final long HIGHEST_LATENCY = 3_600_000_000_000L;
    /** The loop that the current thread runs now, if any: named tasks publish themselves to it. */
    private static final ThreadLocal<LoopMonitor> RUNNING_ON_THIS_THREAD = new ThreadLocal<>();

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PUBLISHED = lookup.findVarHandle(LoopMonitor.class, "published", Object.class);
            POLLING = lookup.findVarHandle(LoopMonitor.class, "polling", boolean.class);
            TRACING = lookup.findVarHandle(LoopMonitor.class, "tracing", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EventLoop loop;
    private final long slowNanos;
    /** False when the builder switched monitoring off: every hook returns at once. */
    private final boolean on;
    private volatile boolean terminated;
    /** Set once by the core before the watchdog sees this monitor. */
    private LoopCore core;

    /** A callback whose name the stack would not show, and the sequence while it runs. */
    private Object published;
    private long publishedAt;
    /** True from just before the poll waits until the wait ends; written with opaque access. */
    private boolean polling;
    private long pollStart;

    private long iterations;
    private long tasksRun;
    private long ioEvents;
    private long timersFired;
    private long blockedNanos;
    private long runningNanos;

    private long iterationStart;
    private long iterationBlocked;
    private long tasksBefore;
    private long timersBefore;
    private long eventsBefore;
    private LoopEvents.Iteration jfrIteration;

    /** Set before {@link #tracing} is switched on, so the loop sees it once it sees the flag. */
    private volatile TraceBuffer trace;
    /**
     * Read on the loop thread with opaque access: about the cost of a plain load, and a change
     * from another thread is still seen within an iteration or so.
     */
    private boolean tracing;
    private long callbackStart;

    /** Tasks sampled for latency that were drained to the loop's queue and have not run. */
    private int sampledQueued;

    private final SingleWriterRecorder latency = new SingleWriterRecorder(HIGHEST_LATENCY, 2);
    private final Histogram latencyTotal = new Histogram(HIGHEST_LATENCY, 2);
    private Histogram latencyInterval;

    LoopMonitor(EventLoop loop, long slowNanos, boolean on) {
        this.loop = loop;
        this.slowNanos = slowNanos;
        this.on = on;
        this.iterationStart = System.nanoTime();
    }

    // ------------------------------------------------------------ submissions (any thread)

    /**
     * Wraps a task submitted from another thread when it is sampled for latency or a trace
     * records; otherwise returns it as it is.
     */
    Runnable onRemoteSubmit(Runnable task) {
        if (!on) {
            return task;
        }
        if ((boolean) TRACING.getAcquire(this)) {
            return new TimedTask(task, System.nanoTime(), Thread.currentThread().getName());
        }
        if ((ThreadLocalRandom.current().nextInt() & SAMPLE_MASK) == 0) {
            return new TimedTask(task, System.nanoTime(), null);
        }
        return task;
    }

    /** A task moved from the cross-thread queue to the loop's own queue (loop thread). */
    void drained(Runnable task) {
        if (task instanceof TimedTask) {
            sampledQueued++;
        }
    }

    /** Whether a task sampled for latency may wait in the loop's queue (loop thread). */
    boolean sampledTasksQueued() {
        return sampledQueued > 0;
    }

    /** Called on the loop thread before a task runs; returns the task to run. */
    Runnable unwrap(Runnable task) {
        if (!(task instanceof TimedTask)) {
            return task;
        }
        sampledQueued--;
        TimedTask timed = (TimedTask) task;
        latency.recordValue(Math.min(HIGHEST_LATENCY,
                Math.max(0, System.nanoTime() - timed.submitted)));
        TraceBuffer buffer = trace;
        if (timed.from != null && buffer != null && tracingNow()) {
            buffer.instant("submitted from " + timed.from, timed.submitted);
        }
        return timed.task;
    }

    static Runnable original(Runnable task) {
        return task instanceof TimedTask ? ((TimedTask) task).task : task;
    }

    // ------------------------------------------------------------ loop thread

    /** Starts an iteration; returns the time, which the loop also uses for timers. */
    long beginIteration() {
        if (!on) {
            return 0;
        }
        long now = System.nanoTime();
        long ran = now - iterationStart - iterationBlocked;
        runningNanos += ran;
        if (ran > slowNanos && iterations > 0) {
            reportSlowIteration(ran);
        }
        LoopEvents.Iteration event = jfrIteration;
        if (event != null) {
            commit(event);
            jfrIteration = null;
        }
        if (JfrSwitch.active() && LoopEvents.ITERATION.isEnabled()) {
            jfrIteration = new LoopEvents.Iteration();
            jfrIteration.begin();
        }
        iterations++;
        iterationStart = now;
        iterationBlocked = 0;
        tasksBefore = tasksRun;
        timersBefore = timersFired;
        eventsBefore = ioEvents;
        return now;
    }

    private void commit(LoopEvents.Iteration event) {
        event.end();
        if (event.shouldCommit()) {
            event.loop = loop.name();
            event.tasks = (int) (tasksRun - tasksBefore);
            event.timers = (int) (timersFired - timersBefore);
            event.ioEvents = (int) (ioEvents - eventsBefore);
            event.blocked = iterationBlocked;
            event.commit();
        }
    }

    private void reportSlowIteration(long nanos) {
        long callbacks = (tasksRun - tasksBefore) + (timersFired - timersBefore)
                + (ioEvents - eventsBefore);
        ErrorHandlers.LOG.log(Level.WARNING, () -> loop + ": one iteration ran " + callbacks
                + " callbacks for " + nanos / 1_000_000 + " ms (threshold "
                + slowNanos / 1_000_000 + " ms)");
    }

    /** Called just before a poll; {@code timeoutNanos} zero means the poll will not block. */
    void beforePoll(long timeoutNanos) {
        if (!on) {
            return;
        }
        POLLING.setOpaque(this, true);
        pollStart = timeoutNanos == 0 && !tracingNow() ? 0 : System.nanoTime();
    }

    /**
     * The poll's wait ended: what the poller does now (dispatching I/O) is running time, not
     * blocked time. Called by the poller before it dispatches and by the loop after the poll;
     * only the first call of a poll counts.
     */
    @Override
    public void waitEnded() {
        if (!polling) {
            return;
        }
        POLLING.setOpaque(this, false);
        long start = pollStart;
        if (start == 0) {
            return;
        }
        long end = System.nanoTime();
        long waited = end - start;
        iterationBlocked += waited;
        blockedNanos += waited;
        TraceBuffer buffer = trace;
        if (buffer != null && tracingNow()) {
            buffer.span("poll", start, end);
        }
    }

    @Override
    public void completionDispatched() {
        ioEvents++;
    }

    /**
     * Marks the calling thread as the one that runs this loop from now on; returns the monitor
     * it marked before (a loop run from a callback of another), for {@link #leave}.
     */
    LoopMonitor enter() {
        LoopMonitor previous = RUNNING_ON_THIS_THREAD.get();
        RUNNING_ON_THIS_THREAD.set(this);
        return previous;
    }

    static void leave(LoopMonitor previous) {
        if (previous == null) {
            RUNNING_ON_THIS_THREAD.remove();
        } else {
            RUNNING_ON_THIS_THREAD.set(previous);
        }
    }

    /**
     * A task made by {@link EventLoop#named} starts, on whatever thread runs it: if that thread
     * runs a monitored loop, the task is published, so the watchdog reports it by its name.
     */
    static void namedTaskStarts(Object task) {
        LoopMonitor monitor = RUNNING_ON_THIS_THREAD.get();
        if (monitor != null && monitor.on) {
            monitor.publish(task);
        }
    }

    /** Publishes a callback for the watchdog: valid while the callback sequence stays. */
    private void publish(Object callback) {
        publishedAt = callbackSequence();
        PUBLISHED.setRelease(this, callback);
    }

    /** For timers and watch callbacks: ends the poll's wait, and notes the start if tracing. */
    void beginTimerOrIo() {
        if (!on) {
            return;
        }
        waitEnded();
        if (tracingNow()) {
            callbackStart = System.nanoTime();
        }
    }

    /** A task starts while a trace records: notes the start time. */
    void beginTracedTask() {
        callbackStart = System.nanoTime();
    }

    void endTask() {
        tasksRun++;
    }

    void endTimer(Object callback) {
        timersFired++;
        traceEnd(callback);
    }

    void endIo(Object callback) {
        ioEvents++;
        traceEnd(callback);
    }

    /** Ends a task while a trace records. */
    void endTracedTask(Object callback) {
        tasksRun++;
        traceEnd(callback);
    }

    private void traceEnd(Object callback) {
        if (!on || !tracingNow()) {
            return;
        }
        TraceBuffer buffer = trace;
        if (buffer != null) {
            buffer.span(new CallbackName(callback), callbackStart, System.nanoTime());
        }
    }

    void attach(LoopCore loopCore) {
        this.core = loopCore;
    }

    void markTerminated() {
        terminated = true;
    }

    // ------------------------------------------------------------ tracing and stats

    boolean tracingNow() {
        return (boolean) TRACING.getOpaque(this);
    }

    /** Whether this loop monitors itself (the watchdog needs to look at it). */
    boolean isOn() {
        return on;
    }

    @Override
    public TraceBuffer recording() {
        return tracingNow() ? trace : null;
    }

    void trace(TraceBuffer buffer) {
        if (!on) {
            throw new IllegalStateException(loop + " was built with monitoring(false): it "
                    + "cannot record a trace");
        }
        trace = buffer;
        TRACING.setRelease(this, true);
    }

    void stopTrace() {
        TRACING.setRelease(this, false);
    }

    boolean isTracing() {
        return (boolean) TRACING.getAcquire(this);
    }

    TraceBuffer traceBuffer() {
        return trace;
    }

    long[] counters() {
        return new long[] {iterations, tasksRun, ioEvents, timersFired, blockedNanos,
            runningNanos};
    }

    /** Samples, p50, p99 and max of the submission latency, in nanoseconds. */
    synchronized long[] latency() {
        latencyInterval = latency.getIntervalHistogram(latencyInterval);
        latencyTotal.add(latencyInterval);
        return new long[] {latencyTotal.getTotalCount(),
            latencyTotal.getValueAtPercentile(50), latencyTotal.getValueAtPercentile(99),
            latencyTotal.getMaxValue()};
    }

    // ------------------------------------------------------------ watchdog (its thread)

    /**
     * Changes whenever a callback ends or an iteration begins. The counters are written by the
     * loop thread with plain stores and read here without synchronisation: a stale value only
     * delays a report by a sample.
     */
    @Override
    public long callbackSequence() {
        return tasksRun + timersFired + ioEvents + iterations;
    }

    @Override
    public boolean polling() {
        return (boolean) POLLING.getOpaque(this);
    }

    @Override
    public String describeRunning() {
        Object callback = PUBLISHED.getAcquire(this);
        if (callback != null && publishedAt == callbackSequence()) {
            return EventLoop.describe(callback);
        }
        Thread thread = core == null ? null : core.thread();
        return thread == null ? null : StackNames.callbackIn(thread.getStackTrace());
    }

    @Override
    public long slowThresholdNanos() {
        return slowNanos;
    }

    @Override
    public boolean terminated() {
        return terminated;
    }

    @Override
    public void reportSlow(String name, long nanos, boolean finished) {
        long millis = nanos / 1_000_000;
        ErrorHandlers.LOG.log(Level.WARNING, () -> loop + ": " + (finished
                ? "callback " + name + " ran for about " + millis + " ms"
                : "callback " + name + " has been running for about " + millis + " ms")
                + " (threshold " + slowNanos / 1_000_000 + " ms)");
        if (JfrSwitch.active()) {
            LoopEvents.SlowCallback event = new LoopEvents.SlowCallback();
            if (event.isEnabled()) {
                event.loop = loop.name();
                event.callback = name;
                event.approximateDuration = nanos;
                event.commit();
            }
        }
    }

    /** A task from another thread with the time (and, while tracing, the thread) it came. */
    private static final class TimedTask implements Runnable {
        final Runnable task;
        final long submitted;
        final String from;

        TimedTask(Runnable task, long submitted, String from) {
            this.task = task;
            this.submitted = submitted;
            this.from = from;
        }

        @Override
        public void run() {
            task.run();
        }

        @Override
        public String toString() {
            return task.toString();
        }
    }

    /** A callback's name, computed only when a trace is written. */
    private static final class CallbackName {
        private final Object callback;

        CallbackName(Object callback) {
            this.callback = callback;
        }

        @Override
        public String toString() {
            return EventLoop.describe(callback);
        }
    }
}
