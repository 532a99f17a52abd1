package io.evloop.pipeline;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One stage as it runs, with the bounded queue of its output that the next stage (or the sink)
 * takes from. Everything here runs on the loop thread.
 *
 * <p>A stage never holds more than its concurrency plus its queue capacity in items (an
 * aggregating stage: one partial batch more), which is what bounds the memory of a pipeline.
 */
abstract class Node {
    final Engine engine;
    final String name;
    final String kind;
    /** What traces call the stage: pipeline and stage name. */
    final String traceName;
    final int capacity;
    final ArrayDeque<Envelope> out = new ArrayDeque<>();
    private final long allowedFailures;
    private final double allowedFailureRate;
    Node upstream;
    /** Set once the stage will add nothing more to {@link #out}. */
    boolean finished;

    long items;
    long failures;
    long dropped;
    /** Items taken from the stage before (pulled, for a source). */
    long received;
    /** Items put into {@link #out}. */
    long emitted;
    long fillSum;
    long fillSamples;
    private int fillMax;
    /** The counters at the previous JFR summary, or null before the first one. */
    long[] reported;

    Node(Engine engine, StageSpec spec) {
        this.engine = engine;
        this.name = spec.name;
        this.kind = spec.kind;
        this.traceName = engine.name + "/" + spec.name;
        this.capacity = spec.effectiveBuffer();
        this.allowedFailures = spec.allowedFailures;
        this.allowedFailureRate = spec.allowedFailureRate;
    }

    /** Takes input, starts work, emits output as far as the bounds allow; true if it moved. */
    abstract boolean pump();

    /** Puts an item into the output queue. */
    final void emit(Envelope envelope) {
        out.add(envelope);
        emitted++;
    }

    /** Stops all work of the stage and drops what it holds; the pipeline is stopping. */
    void cancel() {
        out.clear();
    }

    /** True when nothing more will come out of this stage. */
    final boolean exhausted() {
        return finished && out.isEmpty();
    }

    int concurrency() {
        return 1;
    }

    int inFlight() {
        return 0;
    }

    /** The most items {@link #out} can hold. */
    int queueLimit() {
        return capacity;
    }

    /** Task times, or null for stages without tasks. */
    Histogram times() {
        return null;
    }

    /**
     * Counts a failed item and reports it; returns whether the pipeline still runs, that is
     * whether the failure stayed within what the stage allows.
     */
    final boolean failed(long position, Throwable error) {
        failures++;
        return engine.itemFailed(this, position, error);
    }

    /** Whether the failures so far exceed the stage's allowance. */
    final boolean overLimit() {
        double allowed = allowedFailures + allowedFailureRate * (items + failures);
        return failures > allowed;
    }

    String allowance() {
        return allowedFailureRate == 0 ? String.valueOf(allowedFailures)
                : allowedFailures + " + " + allowedFailureRate + " per item";
    }

    final void sampleFill() {
        int size = out.size();
        fillSum += size;
        fillSamples++;
        if (size > fillMax) {
            fillMax = size;
        }
    }

    final StageStats snapshot() {
        Histogram times = times();
        Duration mean = Duration.ZERO;
        Duration p50 = Duration.ZERO;
        Duration p99 = Duration.ZERO;
        Duration max = Duration.ZERO;
        Duration busy = Duration.ZERO;
        if (times != null) {
            busy = Duration.ofNanos(times.sum());
            mean = Duration.ofNanos(times.mean());
            p50 = Duration.ofNanos(times.percentile(0.5));
            p99 = Duration.ofNanos(times.percentile(0.99));
            max = Duration.ofNanos(times.max());
        }
        double meanFill = fillSamples == 0 ? 0 : (double) fillSum / fillSamples;
        return new StageStats(name, kind, concurrency(), received, emitted, items, failures,
                dropped, inFlight(), busy, mean, p50, p99, max, queueLimit(), meanFill, fillMax);
    }
}
