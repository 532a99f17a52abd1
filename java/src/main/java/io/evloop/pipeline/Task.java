package io.evloop.pipeline;

import io.evloop.internal.JfrSwitch;
import io.evloop.internal.TraceBuffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * One item in one stage: the blocking call handed to an executor, or the asynchronous call
 * made on the loop, and the callback that brings its result back to the loop.
 *
 * <p>A blocking call can be cancelled before it starts (it then does nothing) or while it runs
 * (its thread is interrupted, and the interrupt is cleared again before the thread goes back
 * to its executor, so that it does not hit the executor's next task).
 */
final class Task implements Callable<Object>, BiConsumer<Object, Throwable>, Runnable {
    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int INTERRUPTING = 3;
    private static final int CANCELLED = 4;
    static final String OK = "ok";
    static final String DROPPED = "dropped";
    static final String FAILED = "failed";
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Task.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The pipeline whose blocking function the current thread runs, if any. */
    private static final ThreadLocal<Engine> CURRENT = new ThreadLocal<>();

    final TaskNode node;
    final Envelope envelope;
    final long seq;
    final int slot;
    private volatile int state;
    private volatile Thread runner;
    CompletionStage<?> stage;
    /**
     * The JFR event of an asynchronous call while a recording wants it, else null. (A task is
     * made per item per stage: one more reference field still fits its object's padding, two
     * measured 8 bytes more per item and stage.)
     */
    Object jfr;
    long startNanos;
    long nanos;
    Object result;
    Throwable error;

    Task(TaskNode node, Envelope envelope, long seq, int slot) {
        this.node = node;
        this.envelope = envelope;
        this.seq = seq;
        this.slot = slot;
    }

    /** The blocking call, on the executor's thread. */
    @Override
    public Object call() throws Exception {
        runner = Thread.currentThread();
        if (!STATE.compareAndSet(this, NEW, RUNNING)) {
            runner = null;
            return null;
        }
        long start = System.nanoTime();
        startNanos = start;
        Engine engine = node.engine;
        // Checked before the event class may be touched: it loads only once JFR runs.
        Object event = JfrSwitch.active() ? PipelineJfr.beginTask() : null;
        CURRENT.set(engine);
        String outcome = FAILED;
        try {
            Object value = node.spec.function.apply(envelope.item);
            outcome = value == null ? DROPPED : OK;
            return value;
        } finally {
            CURRENT.remove();
            nanos = System.nanoTime() - start;
            if (!STATE.compareAndSet(this, RUNNING, DONE)) {
                while (state == INTERRUPTING) {
                    Thread.onSpinWait();
                }
                Thread.interrupted();
            }
            runner = null;
            engine.calls.done();
            // After the bookkeeping that close() waits for, so that recording cannot hold it.
            if (event != null) {
                PipelineJfr.endTask(event, node, envelope.position, outcome);
            }
            TraceBuffer trace = engine.tracing();
            if (trace != null) {
                // Recorded here, where the thread is known, on that thread's track.
                trace.span(node.traceName, start, start + nanos,
                        Thread.currentThread().getName(),
                        new TraceArgs(node, envelope.position, "seq", seq, outcome));
            }
        }
    }

    /** Whether the calling thread runs a blocking function of that pipeline right now. */
    static boolean runsIn(Engine engine) {
        return CURRENT.get() == engine;
    }

    /** The completion of either kind of call, on whatever thread completed it. */
    @Override
    public void accept(Object value, Throwable failure) {
        long elapsed = node.async ? System.nanoTime() - startNanos : nanos;
        finish(value, failure, elapsed);
        if (node.engine.loop.inEventLoop()) {
            node.complete(this);
        } else {
            node.engine.completedElsewhere(this);
        }
    }

    /** On a worker of a given executor: makes the blocking call and hands the result back. */
    @Override
    public void run() {
        try {
            result = call();
        } catch (Throwable t) {
            error = t;
        }
        node.engine.completedElsewhere(this);
    }

    void finish(Object value, Throwable failure, long elapsedNanos) {
        result = value;
        error = failure;
        nanos = elapsedNanos;
    }

    /** Cancels the call; on the loop thread, while the pipeline stops. */
    void cancel(RunningCalls calls) {
        if (stage != null) {
            try {
                stage.toCompletableFuture().cancel(true);
            } catch (UnsupportedOperationException e) {
                // A stage that cannot be cancelled runs to its end; its result is ignored.
            }
            return;
        }
        if (node.async) {
            return;
        }
        if (STATE.compareAndSet(this, NEW, CANCELLED)) {
            calls.done();
        } else if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
            Thread thread = runner;
            if (thread != null) {
                thread.interrupt();
            }
            state = CANCELLED;
        }
    }
}
