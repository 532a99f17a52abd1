package io.evloop.pipeline;

import io.evloop.EventLoop;
import io.evloop.internal.TraceBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A running chain of stages, from a source through {@code pipe}, {@code pipeAsync},
 * {@code aggregate} and {@code disaggregate} stages to a bounded sink, scheduled by an
 * {@link EventLoop}: the loop starts the next task of a stage whenever one finishes and its
 * output has room.
 *
 * <pre>{@code
 * try (Pipeline<Batch> pipeline = Pipeline.from(paths)
 *         .pipe(Files::readAllBytes, 8)             // blocking: on an executor, 8 at a time
 *         .pipeAsync(bytes -> decoder.decode(bytes), 4)
 *         .aggregate(32)
 *         .pipe(Batch::of)
 *         .sink(3)
 *         .build()) {
 *     for (Batch batch : pipeline) {
 *         train(batch);
 *     }
 * }
 * }</pre>
 *
 * <h2>Consuming</h2>
 * A pipeline has one consumer: {@link #iterator()} (or a for-each loop), {@link #stream()},
 * {@link #forEach}, or a subscriber of {@link #publisher()}. The source is pulled from the
 * moment a consumer is attached, not before. Iteration blocks the consumer's thread until the
 * next result is there; it must not be the loop's thread. A publisher signals its subscriber
 * on the loop thread, so {@code onNext} should not block.
 *
 * <h2>Backpressure</h2>
 * Every queue is bounded: a stage holds at most its concurrency plus its output buffer in
 * items, and the sink at most its capacity, so a slow consumer stops the source, and memory
 * stays bounded however long the source is.
 *
 * <h2>Failures</h2>
 * A function that throws (or a stage that completes exceptionally) fails its item: the stage
 * counts it, logs it with the item's position in the source through {@link System.Logger}
 * {@code io.evloop.pipeline}, and goes on while the failures stay within what the stage allows
 * ({@link PipelineBuilder#allowFailures}, {@link PipelineBuilder#allowFailureRate}; none by
 * default). Beyond that, or when the source fails, the pipeline stops: it cancels the tasks in
 * flight, stops the source, drops the results the consumer has not taken, and the consumer
 * gets a {@link PipelineException} naming the stage, with the causes suppressed.
 *
 * <h2>Closing</h2>
 * {@link #close()} stops a pipeline that still runs: it stops the source, cancels the tasks in
 * flight (interrupting blocking calls that run), waits until no function of the pipeline runs
 * any more, and, if the pipeline made its own loop, closes that loop and waits for its thread
 * to end. A consumer that throws from {@link #forEach}, from a stream operation or from
 * {@code onNext} closes the pipeline too. A pipeline that ran to its end closes its own loop
 * when the consumer has seen the end.
 *
 * <h2>Observing</h2>
 * {@link #stats()} gives per-stage counts, times and queue fills. While the loop records a
 * trace ({@code loop().trace().start()}), every stage's work shows in it: a span per item
 * and stage on the thread that did the work (an asynchronous span for {@code pipeAsync}
 * calls and batches), the hand-offs to the sink, and the consumer's waits. A JFR recording
 * gets the events {@code io.evloop.PipelineStage} (a periodic summary per stage),
 * {@code io.evloop.PipelineTask} (calls above a threshold) and {@code io.evloop.PipelineRun}.
 *
 * <h2>Threads</h2>
 * The source's iterator, asynchronous functions, aggregation and flattening run on the loop
 * thread; blocking functions run on their executor. {@link #stats()} and {@link #close()} may
 * be called from any thread.
 *
 * @param <T> the type of the results
 */
public final class Pipeline<T> implements Iterable<T>, AutoCloseable {
    private final Engine engine;
    private final EventLoop loop;
    private final Thread ownedThread;
    private final AtomicBoolean consumer = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();

    Pipeline(Engine engine, Thread ownedThread) {
        this.engine = engine;
        this.loop = engine.loop;
        this.ownedThread = ownedThread;
    }

    /** A pipeline that starts from the items of an {@link Iterable}, pulled on the loop. */
    public static <T> PipelineBuilder<T> from(Iterable<? extends T> source) {
        Objects.requireNonNull(source, "source");
        StageSpec spec = new StageSpec("source", "source");
        spec.iterator = () -> Objects.requireNonNull(source.iterator(), "source.iterator()");
        return new PipelineBuilder<>(spec);
    }

    /**
     * A pipeline that starts from an {@link Iterator}, pulled on the loop. If the iterator is
     * also {@link AutoCloseable}, the pipeline closes it when it stops.
     */
    public static <T> PipelineBuilder<T> from(Iterator<? extends T> source) {
        Objects.requireNonNull(source, "source");
        StageSpec spec = new StageSpec("source", "source");
        spec.iterator = () -> source;
        spec.closer = source instanceof AutoCloseable ? (AutoCloseable) source : null;
        return new PipelineBuilder<>(spec);
    }

    /** A pipeline that starts from a {@link Stream}, which it closes when it stops. */
    public static <T> PipelineBuilder<T> from(Stream<? extends T> source) {
        Objects.requireNonNull(source, "source");
        StageSpec spec = new StageSpec("source", "source");
        spec.iterator = source::iterator;
        spec.closer = source;
        return new PipelineBuilder<>(spec);
    }

    /**
     * A pipeline that starts from an asynchronous source: it subscribes when a consumer is
     * attached, requests only what its output buffer has room for, and cancels the
     * subscription when the pipeline stops early. {@code onError} fails the pipeline.
     */
    public static <T> PipelineBuilder<T> from(Flow.Publisher<? extends T> source) {
        Objects.requireNonNull(source, "source");
        StageSpec spec = new StageSpec("source", "source");
        spec.publisher = source;
        return new PipelineBuilder<>(spec);
    }

    /** The loop this pipeline runs on. */
    public EventLoop loop() {
        return loop;
    }

    /**
     * The results, in the order the last stage emits them. {@code hasNext} blocks until a
     * result or the end is there. It throws the {@link PipelineException} of a failed
     * pipeline, and a {@link CancellationException} once the pipeline was closed or the
     * waiting thread interrupted (which closes it).
     *
     * @throws IllegalStateException if the pipeline already has a consumer, or on the loop
     *     thread, which the iteration would block
     */
    @Override
    public Iterator<T> iterator() {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("iterating a pipeline on the thread of " + loop
                    + " would block the loop that produces its items");
        }
        claim("iterator()");
        engine.start(null);
        return new Results();
    }

    /**
     * The results as a sequential stream; closing the stream closes the pipeline, and so does
     * an exception thrown by a stream operation. Same rules as {@link #iterator()}.
     */
    public Stream<T> stream() {
        Iterator<T> results = iterator();
        Spliterator<T> spliterator = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE,
                Spliterator.ORDERED | Spliterator.NONNULL) {
            @Override
            public boolean tryAdvance(Consumer<? super T> action) {
                if (!results.hasNext()) {
                    return false;
                }
                T item = results.next();
                accept(action, item);
                return true;
            }
        };
        return StreamSupport.stream(spliterator, false).onClose(this::close);
    }

    /**
     * Gives every result to {@code action} on the calling thread; returns at the end. If the
     * action throws, the pipeline is closed and the exception propagates.
     */
    @Override
    public void forEach(Consumer<? super T> action) {
        Objects.requireNonNull(action, "action");
        Iterator<T> results = iterator();
        while (results.hasNext()) {
            accept(action, results.next());
        }
    }

    private void accept(Consumer<? super T> action, T item) {
        try {
            action.accept(item);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /**
     * A publisher for one subscriber, following the Reactive Streams rules: it sends no more
     * than requested, stops on {@code cancel} (which closes the pipeline), and ends with
     * {@code onComplete}, or {@code onError} with the {@link PipelineException} of a failed
     * pipeline or a {@link CancellationException} if it was closed. Signals run on the loop
     * thread. A second subscriber, or one after another consumer, gets an
     * {@link IllegalStateException} through {@code onError}.
     */
    public Flow.Publisher<T> publisher() {
        return new PipelinePublisher<>(this, engine);
    }

    /**
     * Per-stage counts, task times and queue fills: now, or the final ones once the pipeline
     * stopped.
     *
     * @throws IllegalStateException if the loop does not answer within 10 seconds (no thread
     *     runs a loop the user gave)
     */
    public PipelineStats stats() {
        return engine.stats();
    }

    /** Whether the pipeline stopped: it ran to its end, failed, or was closed. */
    public boolean isStopped() {
        return engine.state() != Engine.RUNNING;
    }

    /**
     * Stops the pipeline if it still runs, and releases everything, as the class description
     * says; waits for that unless called on the loop thread. Closing again does nothing.
     */
    @Override
    public void close() {
        closeAsync();
        if (loop.inEventLoop()) {
            return;
        }
        awaitStopped();
        if (Task.runsIn(engine)) {
            // Called from one of the pipeline's own blocking functions, which would wait for
            // itself; the other calls were interrupted and end on their own.
            return;
        }
        engine.calls.awaitNone();
        if (ownedThread != null) {
            loop.close();
            joinOwnedThread();
        }
    }

    /** Starts closing without waiting: from a subscriber's cancel, and from {@link #close}. */
    void closeAsync() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        Runnable action = () -> {
            engine.closeOnLoop();
            if (ownedThread != null) {
                loop.close();
            }
        };
        if (loop.inEventLoop()) {
            action.run();
            return;
        }
        try {
            loop.execute(action);
        } catch (RejectedExecutionException closed) {
            // The loop is closing; awaitStopped finishes the pipeline once it has terminated.
        }
    }

    private void awaitStopped() {
        boolean interrupted = Thread.interrupted();
        while (!engine.stopped.isDone()) {
            try {
                engine.stopped.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                if (loop.isTerminated()) {
                    // Nothing runs on a terminated loop any more, so its state is ours now.
                    engine.closeOnLoop();
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void joinOwnedThread() {
        boolean interrupted = Thread.interrupted();
        while (ownedThread.isAlive() && ownedThread != Thread.currentThread()) {
            try {
                ownedThread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Takes the consumer's place; false if another consumer has it. */
    boolean claimConsumer() {
        return consumer.compareAndSet(false, true);
    }

    private void claim(String method) {
        if (!claimConsumer()) {
            throw new IllegalStateException(method + ": this pipeline already has a consumer; "
                    + "a pipeline is consumed once");
        }
    }

    /** The consumer's side of the sink, on the consumer's thread. */
    private final class Results implements Iterator<T> {
        private Object next;
        private boolean ended;

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (ended) {
                return false;
            }
            Object item = take();
            if (item == Sink.END) {
                ended = true;
                close();
                return false;
            }
            next = item;
            return true;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the pipeline has no more results");
            }
            T item = (T) next;
            next = null;
            return item;
        }

        @Override
        public void forEachRemaining(Consumer<? super T> action) {
            Objects.requireNonNull(action, "action");
            while (hasNext()) {
                accept(action, next());
            }
        }

        private Object take() {
            Sink sink = engine.sink;
            while (true) {
                Object terminal = sink.terminal;
                if (terminal instanceof RuntimeException) {
                    close();
                    throw (RuntimeException) terminal;
                }
                Object item = sink.queue.poll();
                if (item != null) {
                    sink.consumed++;
                    if (sink.shouldResume()) {
                        engine.resume();
                    }
                    return item;
                }
                if (terminal == Sink.END) {
                    return Sink.END;
                }
                await(sink);
            }
        }

        private void await(Sink sink) {
            TraceBuffer trace = engine.tracing();
            long start = trace != null ? System.nanoTime() : 0;
            try {
                sink.await();
                if (trace != null) {
                    trace.span(engine.consumerTraceName(), start, System.nanoTime(),
                            Thread.currentThread().getName(), new TraceArgs(engine.name,
                                    "consumer", -1, "consumed", sink.consumed, null));
                }
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting for the next result;"
                        + " the pipeline is closed");
            }
            if (sink.queue.isEmpty() && loop.isTerminated() && !isStopped()) {
                throw new IllegalStateException(loop + " was closed under the pipeline");
            }
        }
    }
}
