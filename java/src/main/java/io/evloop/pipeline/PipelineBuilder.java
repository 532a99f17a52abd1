package io.evloop.pipeline;

import io.evloop.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Describes a pipeline stage by stage; {@link #build()} starts it. Methods that configure a
 * stage ({@link #named}, {@link #ordered}, {@link #buffer}, {@link #allowFailures},
 * {@link #allowFailureRate}) apply to the stage added last. Not thread-safe; builds once.
 *
 * @param <T> the type of the items the last stage emits
 */
public final class PipelineBuilder<T> {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final List<StageSpec> stages = new ArrayList<>();
    private int sinkCapacity = 16;
    private EventLoop loop;
    private EventLoop.Builder loopBuilder;
    private Duration reportEvery;
    private String name;
    private boolean built;

    PipelineBuilder(StageSpec source) {
        stages.add(source);
    }

    /**
     * Adds a stage that runs a blocking function on the loop's offload executor (by default a
     * shared pool of daemon threads named {@code evloop-offload-*}), one call at a time.
     */
    public <R> PipelineBuilder<R> pipe(StageFunction<? super T, ? extends R> function) {
        return pipe(function, 1);
    }

    /**
     * Adds a stage that runs a blocking function on the loop's offload executor, at most
     * {@code concurrency} calls at once. Results go on in completion order unless
     * {@link #ordered()}; a {@code null} result drops the item.
     *
     * @throws IllegalArgumentException if {@code concurrency} is not positive
     */
    public <R> PipelineBuilder<R> pipe(StageFunction<? super T, ? extends R> function,
            int concurrency) {
        return addTask("pipe", Objects.requireNonNull(function, "function"), null,
                concurrency, null);
    }

    /** Like {@link #pipe(StageFunction, int)}, on the given executor. */
    public <R> PipelineBuilder<R> pipe(StageFunction<? super T, ? extends R> function,
            int concurrency, Executor executor) {
        return addTask("pipe", Objects.requireNonNull(function, "function"), null,
                concurrency, Objects.requireNonNull(executor, "executor"));
    }

    /**
     * Adds a stage whose function starts asynchronous work and returns its
     * {@link CompletionStage}; the function is called on the loop thread (so it must not
     * block), at most {@code concurrency} stages are incomplete at once, and a stage that
     * completes with {@code null} drops the item. Closing the pipeline cancels the stages in
     * flight through {@code toCompletableFuture().cancel(true)}.
     *
     * @throws IllegalArgumentException if {@code concurrency} is not positive
     */
    public <R> PipelineBuilder<R> pipeAsync(
            StageFunction<? super T, ? extends CompletionStage<? extends R>> function,
            int concurrency) {
        return addTask("pipeAsync", null, Objects.requireNonNull(function, "function"),
                concurrency, null);
    }

    @SuppressWarnings("unchecked")
    private <R> PipelineBuilder<R> addTask(String kind, StageFunction<?, ?> function,
            StageFunction<?, ? extends CompletionStage<?>> async, int concurrency,
            Executor executor) {
        if (concurrency <= 0) {
            throw new IllegalArgumentException("concurrency must be positive: " + concurrency);
        }
        StageSpec spec = add(kind);
        spec.function = (StageFunction<Object, Object>) function;
        spec.asyncFunction = (StageFunction<Object, ? extends CompletionStage<?>>) async;
        spec.concurrency = concurrency;
        spec.executor = executor;
        return (PipelineBuilder<R>) this;
    }

    /** Collects items into lists of {@code size}; the last, partial list is kept. */
    public PipelineBuilder<List<T>> aggregate(int size) {
        return aggregate(size, true);
    }

    /**
     * Collects items into lists of {@code size}; the last list, if shorter, is emitted when
     * {@code keepPartial}, else dropped (and counted as dropped items).
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    @SuppressWarnings("unchecked")
    public PipelineBuilder<List<T>> aggregate(int size, boolean keepPartial) {
        if (size <= 0) {
            throw new IllegalArgumentException("aggregate size must be positive: " + size);
        }
        StageSpec spec = add("aggregate");
        spec.batchSize = size;
        spec.keepPartial = keepPartial;
        return (PipelineBuilder<List<T>>) (PipelineBuilder<?>) this;
    }

    /**
     * Flattens every item into the elements of the {@link Iterable} that {@code split} makes
     * of it, on the loop thread; null elements are dropped.
     */
    @SuppressWarnings("unchecked")
    public <R> PipelineBuilder<R> disaggregate(
            StageFunction<? super T, ? extends Iterable<? extends R>> split) {
        Objects.requireNonNull(split, "split");
        StageSpec spec = add("disaggregate");
        spec.split = (StageFunction<Object, ? extends Iterable<?>>) (StageFunction<?, ?>) split;
        return (PipelineBuilder<R>) this;
    }

    /**
     * Flattens items that are themselves {@link Iterable} (such as the lists of
     * {@link #aggregate}); name the element type with a type witness, as in
     * {@code .<Path>disaggregate()}. An item that is not iterable fails.
     */
    public <R> PipelineBuilder<R> disaggregate() {
        String stage = "disaggregate#" + stages.size();
        return disaggregate(item -> {
            if (!(item instanceof Iterable)) {
                throw new ClassCastException("stage '" + stage + "' flattens Iterables, not "
                        + item.getClass().getName());
            }
            @SuppressWarnings("unchecked")
            Iterable<R> elements = (Iterable<R>) item;
            return elements;
        });
    }

    private StageSpec add(String kind) {
        checkNotBuilt();
        StageSpec spec = new StageSpec(kind, kind + "#" + stages.size());
        stages.add(spec);
        return spec;
    }

    private StageSpec last() {
        checkNotBuilt();
        return stages.get(stages.size() - 1);
    }

    /** Names the last stage in stats, logs and exceptions. */
    public PipelineBuilder<T> named(String stageName) {
        last().name = Objects.requireNonNull(stageName, "stageName");
        return this;
    }

    /**
     * Makes the last stage emit its results in the order of its input, instead of the order
     * in which they complete. A slow item then holds back the ones after it, up to the
     * stage's buffer.
     *
     * @throws IllegalStateException if the last stage is not a {@code pipe} or
     *     {@code pipeAsync} stage, whose order is already the input order
     */
    public PipelineBuilder<T> ordered() {
        StageSpec spec = last();
        if (!spec.isTask()) {
            throw new IllegalStateException("ordered() applies to pipe and pipeAsync stages; "
                    + "stage '" + spec.name + "' keeps its input order anyway");
        }
        spec.ordered = true;
        return this;
    }

    /**
     * Sets how many finished items the last stage (or the source) may hold for the next one.
     * Defaults: the stage's concurrency; 16 for the source and for {@code disaggregate}; two
     * batches for {@code aggregate}.
     *
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public PipelineBuilder<T> buffer(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("buffer capacity must be positive: " + capacity);
        }
        last().buffer = capacity;
        return this;
    }

    /**
     * Lets the last stage fail on up to {@code count} items (plus the rate of
     * {@link #allowFailureRate}) before the pipeline stops. Default 0.
     *
     * @throws IllegalArgumentException if {@code count} is negative
     * @throws IllegalStateException if the last stage is the source or an {@code aggregate},
     *     which have no failures to allow
     */
    public PipelineBuilder<T> allowFailures(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("allowed failures must not be negative: "
                    + count);
        }
        failable("allowFailures").allowedFailures = count;
        return this;
    }

    /**
     * Lets the last stage fail on a fraction of the items it has finished: the pipeline stops
     * when the failures exceed {@code count + fraction * finished}, where {@code count} comes
     * from {@link #allowFailures} and {@code finished} counts failed items too. So the first
     * failure stops a pipeline with a fraction alone; add a count to allow an early burst.
     *
     * @throws IllegalArgumentException unless {@code 0 <= fraction <= 1}
     */
    public PipelineBuilder<T> allowFailureRate(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("failure rate must be in [0, 1]: " + fraction);
        }
        failable("allowFailureRate").allowedFailureRate = fraction;
        return this;
    }

    private StageSpec failable(String method) {
        StageSpec spec = last();
        if (!spec.isTask() && !spec.kind.equals("disaggregate")) {
            throw new IllegalStateException(method + "() applies to pipe, pipeAsync and "
                    + "disaggregate stages, not to '" + spec.name + "'");
        }
        return spec;
    }

    /**
     * Sets how many results wait for the consumer at most; default 16.
     *
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public PipelineBuilder<T> sink(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("sink capacity must be positive: " + capacity);
        }
        checkNotBuilt();
        sinkCapacity = capacity;
        return this;
    }

    /**
     * Runs the pipeline on the given loop instead of one of its own. Some thread must run that
     * loop (for instance after {@link EventLoop#start()}); the pipeline does not close it.
     */
    public PipelineBuilder<T> loop(EventLoop eventLoop) {
        checkNotBuilt();
        this.loop = Objects.requireNonNull(eventLoop, "eventLoop");
        this.loopBuilder = null;
        return this;
    }

    /**
     * Runs the pipeline on a loop of its own, opened from this loop builder (for a chosen
     * backend, say) and named after the pipeline; the pipeline starts its thread and closes it.
     */
    public PipelineBuilder<T> ownLoop(EventLoop.Builder loopBuilder) {
        checkNotBuilt();
        this.loopBuilder = Objects.requireNonNull(loopBuilder, "loopBuilder");
        this.loop = null;
        return this;
    }

    /** Names the pipeline (and its own loop's thread); default {@code pipeline-N}. */
    public PipelineBuilder<T> name(String pipelineName) {
        checkNotBuilt();
        this.name = Objects.requireNonNull(pipelineName, "pipelineName");
        return this;
    }

    /**
     * Logs the stats through {@link System.Logger} {@code io.evloop.pipeline} at INFO every
     * {@code period} while the pipeline runs, and once when it stops.
     *
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    public PipelineBuilder<T> reportStats(Duration period) {
        Objects.requireNonNull(period, "period");
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("report period must be positive: " + period);
        }
        checkNotBuilt();
        this.reportEvery = period;
        return this;
    }

    /**
     * Builds the pipeline. Without a given loop it opens one and starts its thread (a daemon,
     * named after the pipeline), which {@link Pipeline#close()} ends. The source is pulled
     * once a consumer is attached.
     *
     * @throws IllegalStateException if this builder has built already
     */
    public Pipeline<T> build() {
        checkNotBuilt();
        built = true;
        String pipelineName = name != null ? name : "pipeline-" + COUNT.incrementAndGet();
        EventLoop target = loop;
        Thread ownedThread = null;
        if (target == null) {
            EventLoop.Builder opener = loopBuilder != null ? loopBuilder : EventLoop.builder();
            target = opener.name(pipelineName).build().start();
            ownedThread = target.submit(Thread::currentThread).join();
        }
        Engine engine = new Engine(target, pipelineName, stages, sinkCapacity,
                reportEvery);
        return new Pipeline<>(engine, ownedThread);
    }

    private void checkNotBuilt() {
        if (built) {
            throw new IllegalStateException("this pipeline builder has built its pipeline "
                    + "already; a source is consumed once");
        }
    }
}
