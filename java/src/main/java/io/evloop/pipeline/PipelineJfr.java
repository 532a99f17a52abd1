package io.evloop.pipeline;

import io.evloop.internal.PipelineEvents;
import jdk.jfr.FlightRecorder;

/**
 * Emits the pipelines' JFR events ({@link PipelineEvents}). Loaded only after
 * {@code JfrSwitch.active()} said that JFR runs: callers check that first, since loading this
 * class loads JFR's. Events travel as {@code Object} outside this class for the same reason.
 */
final class PipelineJfr {
    private static final int RECEIVED = 0;
    private static final int EMITTED = 1;
    private static final int FAILURES = 2;
    private static final int DROPPED = 3;
    private static final int BUSY = 4;
    private static final int FILL_SUM = 5;
    private static final int FILL_SAMPLES = 6;
    private static final int AT = 7;

    private PipelineJfr() {}

    /**
     * Lets JFR ask for the stage summaries at the period a recording sets: each pipeline
     * emits its own on its loop, where its counters live.
     */
    static void install() {
        FlightRecorder.addPeriodicEvent(PipelineEvents.Stage.class, () -> {
            for (Engine engine : LivePipelines.snapshot()) {
                engine.onLoop(engine.jfrSummary);
            }
        });
    }

    /** A begun task event, or null when no recording wants one. */
    static Object beginTask() {
        if (!PipelineEvents.TASK.isEnabled()) {
            return null;
        }
        PipelineEvents.Task event = new PipelineEvents.Task();
        event.begin();
        return event;
    }

    static void endTask(Object begun, Node node, long position, String outcome) {
        PipelineEvents.Task event = (PipelineEvents.Task) begun;
        event.end();
        if (event.shouldCommit()) {
            event.pipeline = node.engine.name;
            event.stage = node.name;
            event.item = position;
            event.outcome = outcome;
            event.commit();
        }
    }

    /** A begun run event, or null when no recording wants one. */
    static Object beginRun() {
        if (!PipelineEvents.RUN.isEnabled()) {
            return null;
        }
        PipelineEvents.Run event = new PipelineEvents.Run();
        event.begin();
        return event;
    }

    /**
     * At the end of a run, on the loop: the run event (a new one, of no length, when the
     * recording began after the run), and the last stage summaries.
     */
    static void stopped(Engine engine, Object begun, PipelineStats stats) {
        if (PipelineEvents.RUN.isEnabled()) {
            PipelineEvents.Run event = begun != null ? (PipelineEvents.Run) begun
                    : new PipelineEvents.Run();
            if (begun == null) {
                event.begin();
            }
            event.end();
            if (event.shouldCommit()) {
                event.pipeline = engine.name;
                event.loop = engine.loop.name();
                event.state = stats.state();
                event.sourceItems = stats.stages().get(0).items();
                event.consumed = stats.consumed();
                event.bottleneck = stats.bottleneck();
                event.elapsed = stats.elapsed().toNanos();
                event.commit();
            }
        }
        stages(engine);
    }

    /** One summary per stage and one for the sink, of what changed since the last ones. */
    static void stages(Engine engine) {
        if (!PipelineEvents.STAGE.isEnabled()) {
            return;
        }
        long now = System.nanoTime();
        for (Node node : engine.nodes) {
            Histogram times = node.times();
            long[] current = {node.received, node.emitted, node.failures, node.dropped,
                times == null ? 0 : times.sum(), node.fillSum, node.fillSamples, now};
            long[] last = node.reported != null ? node.reported : start(engine);
            node.reported = current;
            PipelineEvents.Stage event = new PipelineEvents.Stage();
            event.stage = node.name;
            event.kind = node.kind;
            event.concurrency = node.concurrency();
            event.inFlight = node.inFlight();
            event.queued = node.out.size();
            event.queueCapacity = node.queueLimit();
            commit(event, engine, current, last);
        }
        Sink sink = engine.sink;
        long[] current = {sink.added, sink.consumed, 0, 0, 0, sink.fillSum, sink.fillSamples,
            now};
        long[] last = sink.reported != null ? sink.reported : start(engine);
        sink.reported = current;
        PipelineEvents.Stage event = new PipelineEvents.Stage();
        event.stage = "sink";
        event.kind = "sink";
        event.concurrency = 1;
        event.queued = sink.queue.size();
        event.queueCapacity = sink.capacity;
        commit(event, engine, current, last);
    }

    /** The counters before the first summary: all zero, at the start of the run. */
    private static long[] start(Engine engine) {
        long[] zero = new long[AT + 1];
        zero[AT] = engine.startNanos();
        return zero;
    }

    private static void commit(PipelineEvents.Stage event, Engine engine, long[] current,
            long[] last) {
        event.pipeline = engine.name;
        event.interval = current[AT] - last[AT];
        event.itemsIn = current[RECEIVED] - last[RECEIVED];
        event.itemsOut = current[EMITTED] - last[EMITTED];
        event.failures = current[FAILURES] - last[FAILURES];
        event.dropped = current[DROPPED] - last[DROPPED];
        event.busy = current[BUSY] - last[BUSY];
        long samples = current[FILL_SAMPLES] - last[FILL_SAMPLES];
        event.meanQueueFill = samples == 0 ? event.queued
                : (double) (current[FILL_SUM] - last[FILL_SUM]) / samples;
        event.commit();
    }
}
