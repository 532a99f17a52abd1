package io.evloop;

import java.time.Duration;

/**
 * A snapshot of what a loop has done since it opened, from {@link EventLoop#stats()}. Counters
 * are read without stopping the loop, so a snapshot taken while it runs may mix values from
 * neighbouring iterations. Immutable and thread-safe.
 *
 * <p>Submission latency, the time from {@code execute} (or any submission) to the start of the
 * task, is sampled: one task in {@value #LATENCY_SAMPLE_EVERY} carries a timestamp.
 *
 * <p>The native memory of a native backend is reported in two parts, by who allocated it:
 * {@link #nativeCoreBytes()} and {@link #nativeBufferBytes()}. Both are 0 on NIO, and after the
 * loop closed. The arrays behind them grow with the load and do not shrink while the loop
 * lives, so under a steady load both stop growing; a figure that keeps growing is a leak.
 */
public final class LoopStats {
    /** One task in this many records its submission latency. */
    public static final int LATENCY_SAMPLE_EVERY = 64;

    private final long iterations;
    private final long tasksRun;
    private final long ioEvents;
    private final long timersFired;
    private final long blockedNanos;
    private final long runningNanos;
    private final int queuedTasks;
    private final int pendingTimers;
    private final int watches;
    private final long latencySamples;
    private final long latencyP50;
    private final long latencyP99;
    private final long latencyMax;
    private final long nativeCoreBytes;
    private final long nativeBufferBytes;

    LoopStats(long[] counters, int queuedTasks, int pendingTimers, int watches,
            long[] latency, long[] nativeBytes) {
        this.iterations = counters[0];
        this.tasksRun = counters[1];
        this.ioEvents = counters[2];
        this.timersFired = counters[3];
        this.blockedNanos = counters[4];
        this.runningNanos = counters[5];
        this.queuedTasks = queuedTasks;
        this.pendingTimers = pendingTimers;
        this.watches = watches;
        this.latencySamples = latency[0];
        this.latencyP50 = latency[1];
        this.latencyP99 = latency[2];
        this.latencyMax = latency[3];
        this.nativeCoreBytes = nativeBytes[0];
        this.nativeBufferBytes = nativeBytes[1];
    }

    /** Iterations run (one iteration: tasks, due timers, one poll). */
    public long iterations() {
        return iterations;
    }

    /** Tasks run (from {@code execute}, {@code submit}, completions of offloaded work). */
    public long tasksRun() {
        return tasksRun;
    }

    /** Readiness callbacks dispatched to watches. */
    public long ioEvents() {
        return ioEvents;
    }

    /** Timer runs (each run of a periodic timer counts). */
    public long timersFired() {
        return timersFired;
    }

    /** Time spent blocked in the poller, waiting for something to do. */
    public Duration blocked() {
        return Duration.ofNanos(blockedNanos);
    }

    /** Time spent running: callbacks, and polls that did not wait. */
    public Duration running() {
        return Duration.ofNanos(runningNanos);
    }

    /** Tasks queued and not yet started, from all threads. */
    public int queuedTasks() {
        return queuedTasks;
    }

    /** Timers scheduled and not yet fired. */
    public int pendingTimers() {
        return pendingTimers;
    }

    /** Watches registered. */
    public int watches() {
        return watches;
    }

    /** How many submissions were sampled for latency. */
    public long latencySamples() {
        return latencySamples;
    }

    /** The median submission-to-start latency of the samples (zero when none). */
    public Duration latencyP50() {
        return Duration.ofNanos(latencyP50);
    }

    /** The 99th percentile submission-to-start latency of the samples. */
    public Duration latencyP99() {
        return Duration.ofNanos(latencyP99);
    }

    /** The largest submission-to-start latency sampled. */
    public Duration latencyMax() {
        return Duration.ofNanos(latencyMax);
    }

    /**
     * Native bytes held by the C core for this loop, as it counts them itself
     * ({@code evl_held_bytes} in {@code evl.h}): the loop, its event array and, where the core
     * does the socket I/O, its socket table, one record per socket and the write queues. These
     * are the sizes the core asked {@code malloc} for; the allocator's own overhead per block is
     * not included. Reported whether or not monitoring is on.
     */
    public long nativeCoreBytes() {
        return nativeCoreBytes;
    }

    /**
     * Native bytes the Java side of a native backend allocated for this loop and holds: the
     * request and event arrays it hands the core each iteration, the read arena the core reads
     * into (256 KiB, allocated at the first connection), and the blocks of write chunks (1 MiB
     * each, taken as writes queue up and kept for reuse). Reported whether or not monitoring is
     * on.
     */
    public long nativeBufferBytes() {
        return nativeBufferBytes;
    }

    @Override
    public String toString() {
        return "iterations=" + iterations + " tasks=" + tasksRun + " ioEvents=" + ioEvents
                + " timers=" + timersFired + " blocked=" + blocked().toMillis() + "ms running="
                + running().toMillis() + "ms queued=" + queuedTasks + " pendingTimers="
                + pendingTimers + " watches=" + watches + " latency(p50/p99/max)="
                + latencyP50 / 1000 + "/" + latencyP99 / 1000 + "/" + latencyMax / 1000 + "us"
                + " nativeCore=" + nativeCoreBytes + "B nativeBuffers=" + nativeBufferBytes + "B";
    }
}
