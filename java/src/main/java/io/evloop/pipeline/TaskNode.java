package io.evloop.pipeline;

import io.evloop.internal.JfrSwitch;
import io.evloop.internal.TraceBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A {@code pipe} or {@code pipeAsync} stage: runs up to {@code concurrency} tasks at once and
 * emits their results in completion order, or in input order when asked.
 *
 * <p>In input order, a result that finishes early waits in a ring indexed by the item's
 * sequence number. Every sequence number between the next one to emit and the next one to
 * start belongs to a task that runs or a result that waits, and those are at most concurrency
 * plus queue capacity, so the ring never wraps onto a live entry.
 */
final class TaskNode extends Node {
    /** Marks a ring entry whose item was dropped or failed, so order moves past it. */
    private static final Envelope SKIPPED = new Envelope(-1, null);

    final StageSpec spec;
    final boolean async;
    private final int concurrency;
    private final Task[] running;
    private final int[] freeSlots;
    private int freeCount;
    private final Envelope[] ring;
    private long nextSeq;
    private long nextEmit;
    private int waiting;
    private final Histogram times = new Histogram();

    TaskNode(Engine engine, StageSpec spec) {
        super(engine, spec);
        this.spec = spec;
        this.async = spec.asyncFunction != null;
        this.concurrency = spec.concurrency;
        this.running = new Task[concurrency];
        this.freeSlots = new int[concurrency];
        for (int i = 0; i < concurrency; i++) {
            freeSlots[i] = concurrency - 1 - i;
        }
        this.freeCount = concurrency;
        this.ring = spec.ordered ? new Envelope[concurrency + capacity] : null;
    }

    @Override
    boolean pump() {
        boolean moved = false;
        Node up = upstream;
        while (freeCount > 0 && inFlight() + waiting + out.size() < concurrency + capacity
                && !up.out.isEmpty() && engine.running()) {
            start(up.out.poll());
            moved = true;
        }
        if (!finished && freeCount == concurrency && waiting == 0 && up.exhausted()) {
            finished = true;
            moved = true;
        }
        return moved;
    }

    private void start(Envelope envelope) {
        received++;
        int slot = freeSlots[--freeCount];
        Task task = new Task(this, envelope, nextSeq++, slot);
        running[slot] = task;
        if (async) {
            startAsync(task);
        } else {
            startBlocking(task);
        }
    }

    private void startBlocking(Task task) {
        RunningCalls calls = engine.calls;
        calls.add();
        try {
            if (spec.executor != null) {
                // The task itself runs on the executor and hands itself back: one object
                // per item per stage, where offload would add a future, its dependent and
                // two closures.
                spec.executor.execute(task);
            } else {
                engine.loop.offload(task).whenComplete(task);
            }
        } catch (RuntimeException e) {
            calls.done();
            task.finish(null, e, 0);
            complete(task);
        }
    }

    private void startAsync(Task task) {
        if (JfrSwitch.active()) {
            task.jfr = PipelineJfr.beginTask();
        }
        task.startNanos = System.nanoTime();
        CompletionStage<?> stage;
        try {
            stage = spec.asyncFunction.apply(task.envelope.item);
            if (stage == null) {
                throw new NullPointerException("the function of stage '" + name
                        + "' returned null instead of a CompletionStage");
            }
        } catch (Throwable t) {
            task.finish(null, t, System.nanoTime() - task.startNanos);
            complete(task);
            return;
        }
        task.stage = stage;
        stage.whenComplete(task);
    }

    /** Takes the result of a task, on the loop thread. */
    void complete(Task task) {
        if (running[task.slot] != task || !engine.running()) {
            return;
        }
        running[task.slot] = null;
        freeSlots[freeCount++] = task.slot;
        times.record(task.nanos);
        TraceBuffer trace = engine.tracing();
        if (trace != null) {
            trace(trace, task);
        }
        if (task.jfr != null) {
            PipelineJfr.endTask(task.jfr, this, task.envelope.position, outcome(task));
        }
        Envelope envelope = task.envelope;
        Object result = task.result;
        if (task.error != null) {
            if (!failed(envelope.position, unwrap(task.error))) {
                return;
            }
            result = null;
        } else {
            items++;
            if (result == null) {
                dropped++;
            }
        }
        envelope.item = result;
        if (ring == null) {
            if (result != null) {
                emit(envelope);
            }
        } else {
            ring[(int) (task.seq % ring.length)] = result != null ? envelope : SKIPPED;
            waiting++;
            emitInOrder();
        }
        engine.pump();
    }

    private void emitInOrder() {
        while (waiting > 0) {
            int index = (int) (nextEmit % ring.length);
            Envelope envelope = ring[index];
            if (envelope == null) {
                return;
            }
            ring[index] = null;
            nextEmit++;
            waiting--;
            if (envelope != SKIPPED) {
                emit(envelope);
            }
        }
    }

    /**
     * Records a finished asynchronous call as an asynchronous span from the call to its
     * completion. A blocking call recorded its span on its own thread ({@link Task#call});
     * one that the executor refused never ran and gets an instant.
     */
    private void trace(TraceBuffer trace, Task task) {
        if (!async && task.startNanos != 0) {
            return;
        }
        TraceArgs args = new TraceArgs(this, task.envelope.position, "seq", task.seq,
                outcome(task));
        if (async) {
            trace.async(traceName, task.startNanos, task.startNanos + task.nanos, args);
        } else {
            trace.instant(traceName + " refused", System.nanoTime(), args);
        }
    }

    private static String outcome(Task task) {
        return task.error != null ? Task.FAILED : task.result == null ? Task.DROPPED : Task.OK;
    }

    private static Throwable unwrap(Throwable error) {
        if (error instanceof CompletionException && error.getCause() != null) {
            return error.getCause();
        }
        return error;
    }

    @Override
    void cancel() {
        super.cancel();
        finished = true;
        for (int i = 0; i < running.length; i++) {
            Task task = running[i];
            if (task != null) {
                running[i] = null;
                task.cancel(engine.calls);
            }
        }
        for (int i = 0; i < concurrency; i++) {
            freeSlots[i] = i;
        }
        freeCount = concurrency;
        if (ring != null) {
            Arrays.fill(ring, null);
            waiting = 0;
        }
    }

    /**
     * The buffer, plus the results of the calls that were running when the next stage
     * stopped taking: a stage starts a call only while calls and results together stay within
     * concurrency plus buffer, so all of those may end up queued.
     */
    @Override
    int queueLimit() {
        return capacity + concurrency;
    }

    @Override
    int concurrency() {
        return concurrency;
    }

    @Override
    int inFlight() {
        return concurrency - freeCount;
    }

    @Override
    Histogram times() {
        return times;
    }
}
