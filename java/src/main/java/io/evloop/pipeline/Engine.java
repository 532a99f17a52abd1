package io.evloop.pipeline;

import io.evloop.EventLoop;
import io.evloop.internal.JfrSwitch;
import io.evloop.internal.LoopAccess;
import io.evloop.internal.TraceBuffer;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * Runs a pipeline on its loop. All stage state is confined to the loop thread; the consumer
 * meets it only through the {@link Sink}, and other threads only through tasks they submit.
 *
 * <p>Every event (a task finished, the consumer made room, the source delivered) runs
 * {@link #pump()}, which lets every stage, from the last to the first, take input and start
 * work within its bounds, and repeats while anything moved. Stages are few, so a pass over all
 * of them costs less than finding out which ones could move.
 */
final class Engine {
    static final System.Logger LOG = System.getLogger("io.evloop.pipeline");
    /** How many causes of a failed stage the exception carries. */
    static final int KEPT_CAUSES = 16;

    static final int RUNNING = 0;
    static final int ENDED = 1;
    static final int FAILED = 2;
    static final int CLOSED = 3;
    private static final String[] STATE_NAMES = {"RUNNING", "ENDED", "FAILED", "CLOSED"};

    final EventLoop loop;
    final String name;
    final Node[] nodes;
    final Sink sink;
    final RunningCalls calls = new RunningCalls();
    /** Completes on the loop once the pipeline has stopped and released its stages. */
    final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final Duration reportEvery;
    private final List<List<Object>> failureRecords = new ArrayList<>();
    private final Runnable pumpTask;
    private final MpscUnboundedXaddArrayQueue<Task> completions =
            new MpscUnboundedXaddArrayQueue<>(256);
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainCompletions;
    /** Emits the periodic JFR stage summaries, on the loop. */
    final Runnable jfrSummary = this::jfrSummary;
    private final LoopAccess.TraceTarget trace;
    private final String sinkTraceName;
    private final String consumerTraceName;
    /** The JFR run event while a recording wants it, else null. */
    private Object jfrRun;

    private volatile int state = RUNNING;
    private volatile PipelineStats finalStats;
    private volatile Thread loopThread;
    private boolean started;
    private boolean pumping;
    private boolean again;
    /** Whether results went into the sink since the consumer was last signalled. */
    private boolean added;
    private long startNanos;
    private ScheduledFuture<?> reporter;
    /** The publisher's drain, or null when the consumer iterates on its own thread. */
    private BooleanSupplier drain;

    Engine(EventLoop loop, String name, List<StageSpec> specs,
            int sinkCapacity, Duration reportEvery) {
        this.loop = loop;
        this.name = name;
        this.reportEvery = reportEvery;
        this.sink = new Sink(sinkCapacity);
        this.trace = LoopAccess.trace(loop);
        this.sinkTraceName = name + "/sink";
        this.consumerTraceName = name + "/consumer waits";
        // Named, so that the loop's slow-callback reports and traces say whose tasks these are.
        this.pumpTask = EventLoop.named("pipeline " + name + ": pump", this::pump);
        this.drainCompletions = EventLoop.named("pipeline " + name + ": completions",
                this::drainCompletions);
        this.nodes = new Node[specs.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = create(specs.get(i));
            nodes[i].upstream = i == 0 ? null : nodes[i - 1];
            failureRecords.add(new ArrayList<>());
        }
    }

    private Node create(StageSpec spec) {
        switch (spec.kind) {
            case "source":
                return spec.publisher != null ? new PublisherSource(this, spec)
                        : new IteratorSource(this, spec);
            case "aggregate":
                return new AggregateNode(this, spec);
            case "disaggregate":
                return new DisaggregateNode(this, spec);
            default:
                return new TaskNode(this, spec);
        }
    }

    boolean running() {
        return state == RUNNING;
    }

    int state() {
        return state;
    }

    Thread loopThread() {
        return loopThread;
    }

    /**
     * The loop's trace buffer while it records, else null: about a plain load, so that the
     * stages pay one branch when no trace records. Any thread.
     */
    TraceBuffer tracing() {
        return trace.recording();
    }

    /** The name of the consumer's waits in a trace. */
    String consumerTraceName() {
        return consumerTraceName;
    }

    long startNanos() {
        return startNanos;
    }

    /** Starts pulling the source; from any thread, once. */
    void start(BooleanSupplier publisherDrain) {
        if (state != RUNNING) {
            // Closed before a consumer came: the consumer meets the terminal value at once.
            if (publisherDrain != null && loop.isTerminated()) {
                // Nothing runs on a terminated loop any more, so the caller may signal.
                publisherDrain.getAsBoolean();
            } else if (publisherDrain != null) {
                onLoop(publisherDrain::getAsBoolean);
            }
            return;
        }
        onLoopOrFail(EventLoop.named("pipeline " + name + ": start", () -> {
            if (started || state != RUNNING) {
                return;
            }
            started = true;
            drain = publisherDrain;
            loopThread = Thread.currentThread();
            startNanos = System.nanoTime();
            LivePipelines.add(this);
            if (JfrSwitch.active()) {
                jfrRun = PipelineJfr.beginRun();
            }
            if (reportEvery != null) {
                long nanos = Math.max(1, reportEvery.toNanos());
                reporter = loop.scheduleAtFixedRate(this::report, nanos, nanos,
                        TimeUnit.NANOSECONDS);
            }
            if (nodes[0] instanceof PublisherSource) {
                ((PublisherSource) nodes[0]).subscribe();
            }
            pump();
        }));
    }

    /** Runs an action on the loop: at once if this is the loop thread, else queued. */
    void onLoop(Runnable action) {
        if (loop.inEventLoop()) {
            action.run();
            return;
        }
        try {
            loop.execute(action);
        } catch (RejectedExecutionException closing) {
            // The loop is closing, and the pipeline with it; the action has nothing to do.
        }
    }

    private void onLoopOrFail(Runnable action) {
        if (loop.inEventLoop()) {
            action.run();
        } else {
            loop.execute(action);
        }
    }

    /**
     * Hands a task completed on another thread to the loop. Completions that arrive while the
     * loop is busy are taken together, by one loop task and one {@link #pump()}.
     */
    void completedElsewhere(Task task) {
        completions.offer(task);
        if (!drainScheduled.get() && !drainScheduled.getAndSet(true)) {
            try {
                loop.execute(drainCompletions);
            } catch (RejectedExecutionException closing) {
                // The loop closed under the pipeline, which then stopped; nobody takes results.
            }
        }
    }

    private void drainCompletions() {
        // Lowered first: a completion queued after the last poll below schedules a new drain.
        // poll(), unlike relaxedPoll(), waits for an element whose slot is already claimed,
        // so none that was offered before the flag went down is left behind.
        drainScheduled.set(false);
        boolean outer = pumping;
        pumping = true;
        try {
            Task task;
            while ((task = completions.poll()) != null) {
                task.node.complete(task);
            }
        } finally {
            pumping = outer;
        }
        pump();
    }

    /** From the consumer: the sink has room again. */
    void resume() {
        onLoop(pumpTask);
    }

    /** Moves everything as far as it can go; on the loop thread. */
    void pump() {
        if (pumping) {
            again = true;
            return;
        }
        if (state != RUNNING || !started) {
            return;
        }
        pumping = true;
        try {
            boolean moved;
            do {
                again = false;
                moved = false;
                for (int i = nodes.length - 1; i >= 0 && state == RUNNING; i--) {
                    moved |= nodes[i].pump();
                }
                moved |= fillSink();
                if (drain != null) {
                    moved |= drain.getAsBoolean();
                }
            } while ((moved || again) && state == RUNNING);
            if (added) {
                added = false;
                sink.signal();
            }
            if (state == RUNNING) {
                sampleFills();
                if (nodes[nodes.length - 1].exhausted()) {
                    stop(ENDED, Sink.END);
                }
            }
        } finally {
            pumping = false;
        }
    }

    private boolean fillSink() {
        Node last = nodes[nodes.length - 1];
        if (last.out.isEmpty()) {
            return false;
        }
        TraceBuffer buffer = tracing();
        long start = buffer != null ? System.nanoTime() : 0;
        long before = sink.added;
        boolean full = false;
        while (!last.out.isEmpty()) {
            if (sink.offer(last.out.peek().item)) {
                last.out.poll();
                added = true;
            } else if (sink.markBlocked()) {
                full = true;
                break;
            }
        }
        if (buffer != null) {
            traceSink(buffer, start, sink.added - before, full);
        }
        return sink.added != before;
    }

    /** A span for each step that handed results to the sink; an instant when it was full. */
    private void traceSink(TraceBuffer buffer, long start, long moved, boolean full) {
        long end = System.nanoTime();
        if (moved > 0) {
            buffer.span(sinkTraceName, start, end, null, new TraceArgs(name, "sink", -1,
                    "items", moved, null));
        }
        if (full) {
            buffer.instant(sinkTraceName + " full", end, new TraceArgs(name, "sink", -1,
                    "capacity", sink.capacity, null));
        }
    }

    private void sampleFills() {
        for (Node node : nodes) {
            node.sampleFill();
        }
        sink.sampleFill();
    }

    /** Reports a failed item; stops the pipeline if the stage is over its allowance. */
    boolean itemFailed(Node node, long position, Throwable error) {
        int index = indexOf(node);
        List<Object> records = failureRecords.get(index);
        if (records.size() < 2 * KEPT_CAUSES) {
            records.add(position);
            records.add(error);
        }
        LOG.log(Level.WARNING, () -> "pipeline " + name + ": stage '" + node.name
                + "' failed on the item at position " + position + " (failure "
                + node.failures + ", allowed " + node.allowance() + "): " + error);
        if (!node.overLimit()) {
            return true;
        }
        StringBuilder positions = new StringBuilder();
        for (int i = 0; i < records.size(); i += 2) {
            positions.append(i == 0 ? "" : ", ").append(records.get(i));
        }
        PipelineException failure = new PipelineException(node.name, "stage '" + node.name
                + "' failed " + node.failures + " times, more than it allows (" + node.allowance()
                + "), on the items at positions " + positions
                + (node.failures > KEPT_CAUSES ? ", ..." : "") + "; the causes are suppressed",
                null);
        for (int i = 1; i < records.size(); i += 2) {
            failure.addSuppressed((Throwable) records.get(i));
        }
        stop(FAILED, failure);
        return false;
    }

    void sourceFailed(long position, Throwable error) {
        if (state != RUNNING) {
            return;
        }
        stop(FAILED, new PipelineException("source", "the source failed at position "
                + position + ": " + error, error));
    }

    private int indexOf(Node node) {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] == node) {
                return i;
            }
        }
        throw new IllegalArgumentException(node.name);
    }

    /** Closes the pipeline on the loop: cancels all work unless it already stopped. */
    void closeOnLoop() {
        if (state == RUNNING) {
            stop(CLOSED, new CancellationException("pipeline " + name + " was closed"));
        }
        if (!stopped.isDone()) {
            stopped.complete(null);
        }
    }

    private void stop(int newState, Object terminal) {
        state = newState;
        if (newState != ENDED) {
            for (Node node : nodes) {
                node.cancel();
            }
        }
        if (reporter != null) {
            reporter.cancel(false);
        }
        finalStats = snapshot();
        LivePipelines.remove(this);
        if (started && JfrSwitch.active()) {
            PipelineJfr.stopped(this, jfrRun, finalStats);
        }
        sink.terminate(terminal);
        if (drain != null) {
            drain.getAsBoolean();
        }
        if (reportEvery != null) {
            LOG.log(Level.INFO, () -> "pipeline " + name + ": " + finalStats);
        }
        stopped.complete(null);
    }

    /** The periodic JFR summary: asked for by JFR, run on the loop. */
    private void jfrSummary() {
        if (state == RUNNING && started) {
            PipelineJfr.stages(this);
        }
    }

    private void report() {
        if (state == RUNNING) {
            PipelineStats stats = snapshot();
            LOG.log(Level.INFO, () -> "pipeline " + name + ": " + stats);
        }
    }

    PipelineStats snapshot() {
        List<StageStats> stages = new ArrayList<>(nodes.length);
        for (Node node : nodes) {
            stages.add(node.snapshot());
        }
        long elapsed = started ? System.nanoTime() - startNanos : 0;
        return new PipelineStats(STATE_NAMES[state], stages, sink.consumed, sink.capacity,
                sink.meanFill(), Duration.ofNanos(elapsed));
    }

    /** The stats now: taken on the loop, or the final ones once the pipeline stopped. */
    PipelineStats stats() {
        PipelineStats last = finalStats;
        if (last != null) {
            return withConsumed(last);
        }
        if (loop.inEventLoop()) {
            return snapshot();
        }
        try {
            return loop.submit(this::snapshot).get(10, TimeUnit.SECONDS);
        } catch (RejectedExecutionException | ExecutionException e) {
            last = finalStats;
            if (last != null) {
                return withConsumed(last);
            }
            throw new IllegalStateException("pipeline " + name + ": " + loop
                    + " closed before the pipeline stopped", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("pipeline " + name + ": " + loop + " did not answer "
                    + "within 10 s; is a thread running it?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the stats", e);
        }
    }

    /** The final stats with the consumer's count now, since it goes on taking buffered items. */
    private PipelineStats withConsumed(PipelineStats last) {
        return new PipelineStats(last.state(), last.stages(), sink.consumed, last.sinkCapacity(),
                last.meanSinkFill(), last.elapsed());
    }
}
