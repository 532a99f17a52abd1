package io.evloop.bench;

import io.evloop.Backend;
import io.evloop.Binding;
import io.evloop.EventLoop;
import io.evloop.pipeline.Pipeline;
import io.evloop.pipeline.PipelineBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * What orchestrating a pipeline costs per item per stage: {@link #ITEMS} items through
 * {@link #STAGES} blocking stages of trivial work, each stage at most {@link #CONCURRENCY}
 * calls at once on the same fixed thread pool, consumed by the benchmark thread.
 *
 * <p>{@code impl} is either an evloop pipeline on a backend ({@code evloop-NIO},
 * {@code evloop-EPOLL-JNA}, {@code evloop-EPOLL-PANAMA}; a configuration this machine cannot
 * run fails its setup with the reason, and {@link #main} runs only the available ones), or the
 * baseline {@code executor-completion-service}: the same orchestration written by hand, one
 * thread submitting each item's next stage as soon as its previous stage completes, through an
 * {@link ExecutorCompletionService}. The score is nanoseconds per item per stage; the work is
 * an addition, so the score is the orchestration overhead (hand-offs between threads included,
 * which both sides pay). {@link #inLoop} measures the loop's own share without hand-offs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class PipelineBench {
    static final int ITEMS = 20_000;
    static final int STAGES = 3;
    static final int CONCURRENCY = 4;
    static final String BASELINE = "executor-completion-service";

    @Param({"evloop-NIO", "evloop-EPOLL-JNA", "evloop-EPOLL-PANAMA", BASELINE})
    public String impl;

    /**
     * CPU work per call, in {@link Blackhole#consumeCPU} tokens: 0 measures the orchestration
     * alone, hand-offs between threads included; with work, the workers stay busy and the
     * difference to the baseline is what the orchestration takes from them.
     */
    @Param({"0", "1000"})
    public int work;

    private ExecutorService pool;
    private EventLoop loop;
    private List<Integer> source;

    @Setup(Level.Trial)
    public void setUp() {
        pool = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "bench-worker");
            thread.setDaemon(true);
            return thread;
        });
        source = new ArrayList<>();
        IntStream.range(0, ITEMS).forEach(source::add);
        if (!impl.equals(BASELINE)) {
            loop = openLoop(impl).start();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (loop != null) {
            loop.close();
        }
        pool.shutdownNow();
    }

    /** Opens the loop that {@code impl} names, or fails with why it cannot run here. */
    static EventLoop openLoop(String impl) {
        String[] parts = impl.split("-");
        if (parts.length < 2 || !parts[0].equals("evloop")) {
            throw new IllegalArgumentException("unknown impl " + impl);
        }
        Backend backend = Backend.valueOf(parts[1]);
        Binding binding = parts.length > 2 ? Binding.valueOf(parts[2]) : Binding.AUTO;
        if (!EventLoop.isAvailable(backend, binding)) {
            throw new IllegalStateException(impl + " is not available on this machine and JDK "
                    + Runtime.version().feature() + "; leave it out with -p impl=...");
        }
        return EventLoop.builder().backend(backend).binding(binding).build();
    }

    static boolean isAvailable(String impl) {
        if (impl.equals(BASELINE)) {
            return true;
        }
        try {
            openLoop(impl).close();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static int work(int x, int tokens) {
        if (tokens > 0) {
            Blackhole.consumeCPU(tokens);
        }
        return x + 1;
    }

    /** Blocking stages on the pool against the hand-written completion-service version. */
    @Benchmark
    @OperationsPerInvocation(ITEMS * STAGES)
    public long run() throws Exception {
        return impl.equals(BASELINE) ? completionService() : pipeline();
    }

    /**
     * The loop's own cost, without waking any thread per item: {@link #STAGES} asynchronous
     * stages whose functions return completed futures, consumed by a publisher on the loop.
     * The baseline makes the same calls on this thread with no orchestration at all, so the
     * difference is what the pipeline adds per item per stage.
     */
    @Benchmark
    @OperationsPerInvocation(ITEMS * STAGES)
    public long inLoop() throws Exception {
        int tokens = work;
        if (impl.equals(BASELINE)) {
            long sum = 0;
            for (int x : source) {
                int value = x;
                for (int s = 0; s < STAGES; s++) {
                    value = CompletableFuture.completedFuture(work(value, tokens)).join();
                }
                sum += value;
            }
            return sum;
        }
        PipelineBuilder<Integer> builder = Pipeline.from(source);
        for (int i = 0; i < STAGES; i++) {
            builder = builder.pipeAsync(
                    x -> CompletableFuture.completedFuture(work(x, tokens)), CONCURRENCY);
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        try (Pipeline<Integer> pipeline = builder.sink(64).loop(loop).build()) {
            pipeline.publisher().subscribe(new Summer(done));
            return done.get();
        }
    }

    /** Sums what a pipeline publishes, on the loop thread. */
    private static final class Summer implements Flow.Subscriber<Integer> {
        private final CompletableFuture<Long> done;
        private long sum;

        Summer(CompletableFuture<Long> done) {
            this.done = done;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Integer value) {
            sum += value;
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            done.complete(sum);
        }
    }

    private long pipeline() {
        PipelineBuilder<Integer> builder = Pipeline.from(source);
        for (int i = 0; i < STAGES; i++) {
            int tokens = work;
            builder = builder.pipe(x -> work(x, tokens), CONCURRENCY, pool);
        }
        long sum = 0;
        try (Pipeline<Integer> pipeline = builder.sink(64).loop(loop).build()) {
            for (int value : pipeline) {
                sum += value;
            }
        }
        return sum;
    }

    /** One item at one stage, for the hand-written orchestration. */
    private static final class Step implements Callable<Step> {
        final int stage;
        final int value;
        final int tokens;

        Step(int stage, int value, int tokens) {
            this.stage = stage;
            this.value = value;
            this.tokens = tokens;
        }

        @Override
        public Step call() {
            return new Step(stage, work(value, tokens), tokens);
        }
    }

    /**
     * The orchestration by hand: keep up to {@link #CONCURRENCY} calls per stage running,
     * take whichever completes first, submit its next stage, refill from the source.
     */
    private long completionService() throws InterruptedException, ExecutionException {
        ExecutorCompletionService<Step> completions = new ExecutorCompletionService<>(pool);
        int[] running = new int[STAGES];
        int[][] waiting = new int[STAGES][ITEMS];
        int[] waitHead = new int[STAGES];
        int[] waitTail = new int[STAGES];
        int next = 0;
        int done = 0;
        long sum = 0;
        while (done < ITEMS) {
            while (next < ITEMS && running[0] < CONCURRENCY) {
                completions.submit(new Step(0, source.get(next++), work));
                running[0]++;
            }
            for (int s = 1; s < STAGES; s++) {
                while (waitHead[s] < waitTail[s] && running[s] < CONCURRENCY) {
                    completions.submit(new Step(s, waiting[s][waitHead[s]++], work));
                    running[s]++;
                }
            }
            Future<Step> finished = completions.take();
            Step step = finished.get();
            running[step.stage]--;
            if (step.stage == STAGES - 1) {
                sum += step.value;
                done++;
            } else {
                int s = step.stage + 1;
                waiting[s][waitTail[s]++] = step.value;
            }
        }
        return sum;
    }

    /** Runs the benchmark for every impl this machine can run, with the brief settings. */
    public static void main(String[] args) throws RunnerException {
        List<String> impls = new ArrayList<>();
        for (String impl : new String[] {"evloop-NIO", "evloop-EPOLL-JNA",
                "evloop-EPOLL-PANAMA", BASELINE}) {
            if (isAvailable(impl)) {
                impls.add(impl);
            }
        }
        Options options = new OptionsBuilder().include(PipelineBench.class.getSimpleName())
                .param("impl", impls.toArray(new String[0])).build();
        new Runner(options).run();
    }
}
