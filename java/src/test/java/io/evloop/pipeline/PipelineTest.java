package io.evloop.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evloop.EventLoop;
import io.evloop.TestBackends;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour of pipelines, run once per available backend. */
class PipelineTest extends PipelineTestSupport {
    private static <T> List<T> collect(Pipeline<T> pipeline) {
        List<T> results = new ArrayList<>();
        try (pipeline) {
            for (T item : pipeline) {
                results.add(item);
            }
        }
        return results;
    }

    /** Sleeps a few milliseconds that vary with the item, so completions overtake. */
    private static int jitter(int item) throws InterruptedException {
        Thread.sleep((item * 7) % 4);
        return item;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void inputOrderWhenAsked(TestBackends.Config config) {
        List<Integer> results = collect(Pipeline.from(range(300))
                .pipe(PipelineTest::jitter, 8).ordered()
                .pipeAsync(x -> delayed(config, x, x % 3), 6).ordered()
                .loop(loop(config)).build());
        assertEquals(range(300), results);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void inputOrderSkipsDroppedAndFailedItems(TestBackends.Config config) {
        List<Integer> results = collect(Pipeline.from(range(200))
                .pipe(x -> {
                    jitter(x);
                    if (x % 17 == 0) {
                        throw new IllegalStateException("bad " + x);
                    }
                    return x % 5 == 0 ? null : x;
                }, 6).ordered().allowFailures(20)
                .loop(loop(config)).build());
        List<Integer> expected = range(200).stream().filter(x -> x % 17 != 0 && x % 5 != 0)
                .collect(Collectors.toList());
        assertEquals(expected, results);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void completionOrderByDefault(TestBackends.Config config) {
        List<Integer> results = collect(Pipeline.from(range(50))
                .pipe(x -> {
                    Thread.sleep(x == 0 ? 300 : 1);
                    return x;
                }, 4)
                .loop(loop(config)).build());
        assertNotEquals(0, results.get(0), "the slow first item should finish after others");
        assertEquals(new HashSet<>(range(50)), new HashSet<>(results));
        assertEquals(50, results.size());
    }

    /** Completes with {@code value} after {@code millis}, from a timer of a second loop. */
    private CompletionStage<Integer> delayed(TestBackends.Config config, int value, int millis) {
        CompletableFuture<Integer> future = new CompletableFuture<>();
        timerLoop(config).schedule(() -> future.complete(value), millis, TimeUnit.MILLISECONDS);
        return future;
    }

    private EventLoop timers;

    private EventLoop timerLoop(TestBackends.Config config) {
        if (timers == null) {
            timers = loop(config);
        }
        return timers;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void concurrencyLimitsHold(TestBackends.Config config) {
        AtomicInteger blocking = new AtomicInteger();
        AtomicInteger blockingPeak = new AtomicInteger();
        AtomicInteger async = new AtomicInteger();
        AtomicInteger asyncPeak = new AtomicInteger();
        List<Integer> results = collect(Pipeline.from(range(200))
                .pipe(x -> {
                    blockingPeak.accumulateAndGet(blocking.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(1);
                        return x;
                    } finally {
                        blocking.decrementAndGet();
                    }
                }, 3)
                .pipeAsync(x -> {
                    asyncPeak.accumulateAndGet(async.incrementAndGet(), Math::max);
                    return delayed(config, x, 1).whenComplete((v, e) -> async.decrementAndGet());
                }, 5)
                .loop(loop(config)).build());
        assertEquals(200, results.size());
        assertTrue(blockingPeak.get() <= 3, "blocking peak " + blockingPeak);
        assertTrue(asyncPeak.get() <= 5, "async peak " + asyncPeak);
        assertTrue(blockingPeak.get() >= 2, "the blocking stage never ran calls in parallel");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void slowConsumerHoldsBackAnEndlessSource(TestBackends.Config config) throws Exception {
        AtomicLong pulled = new AtomicLong();
        Iterator<Long> endless = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Long next() {
                return pulled.getAndIncrement();
            }
        };
        int batch = 10;
        try (Pipeline<Integer> pipeline = Pipeline.from(endless)
                .pipe(x -> x * 2, 4)
                .pipeAsync(x -> CompletableFuture.completedFuture(x + 1), 3)
                .aggregate(batch)
                .pipe(List::size, 2)
                .sink(2)
                .loop(loop(config)).build()) {
            // Items held at most: source 16, pipe 4 + 4, pipeAsync 3 + 3, aggregate one partial
            // batch plus 2 batches, the last pipe (2 + 2) batches, the sink 2 batches.
            long bound = 16 + 8 + 6 + batch * (1 + 2 + 4 + 2);
            Iterator<Integer> results = pipeline.iterator();
            long consumed = 0;
            for (int i = 0; i < 100; i++) {
                consumed += results.next();
                if (i % 10 == 0) {
                    Thread.sleep(5);
                }
                assertTrue(pulled.get() - consumed <= bound,
                        "pulled " + pulled + ", consumed " + consumed + ", bound " + bound);
            }
            Thread.sleep(50);
            assertTrue(pulled.get() - consumed <= bound,
                    "pulled " + pulled + ", consumed " + consumed + ", bound " + bound);
            // Which stage bottleneck() names rests on sampled queue fills, which depend on
            // scheduling; the bounds above are what this test can check without timing.
            PipelineStats stats = pipeline.stats();
            assertTrue(stats.bottleneck() != null, stats.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void failuresBeyondTheAllowanceStopThePipeline(TestBackends.Config config) {
        Pipeline<Integer> pipeline = Pipeline.from(range(1000))
                .pipe(x -> {
                    if (x % 10 == 3) {
                        throw new IllegalArgumentException("bad item " + x);
                    }
                    return x;
                }, 4).named("check").allowFailures(5)
                .loop(loop(config)).build();
        PipelineException failure = assertThrows(PipelineException.class, () -> collect(pipeline));
        assertEquals("check", failure.stage());
        assertTrue(failure.getMessage().contains("stage 'check' failed 6 times"),
                failure.getMessage());
        assertEquals(6, failure.getSuppressed().length);
        assertTrue(failure.getSuppressed()[0] instanceof IllegalArgumentException);
        assertTrue(failure.getMessage().contains("positions"), failure.getMessage());
        assertTrue(pipeline.isStopped());
        StageStats check = pipeline.stats().stages().get(1);
        assertEquals(6, check.failures());
        assertEquals("FAILED", pipeline.stats().state());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void failuresWithinTheAllowanceAreCounted(TestBackends.Config config) {
        Pipeline<Integer> pipeline = Pipeline.from(range(1000))
                .pipeAsync(x -> x % 20 == 7
                        ? CompletableFuture.failedFuture(new IllegalStateException("odd " + x))
                        : CompletableFuture.completedFuture(x), 4)
                .allowFailures(2).allowFailureRate(0.06)
                .pipe(x -> x % 100 == 0 ? null : x, 2)
                .loop(loop(config)).build();
        List<Integer> results = collect(pipeline);
        assertEquals(1000 - 50 - 10, results.size());
        PipelineStats stats = pipeline.stats();
        assertEquals("ENDED", stats.state());
        assertEquals(50, stats.stages().get(1).failures());
        assertEquals(950, stats.stages().get(1).items());
        assertEquals(10, stats.stages().get(2).dropped());
        assertEquals(results.size(), stats.consumed());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void sourceFailureStopsThePipeline(TestBackends.Config config) {
        Stream<Integer> source = Stream.iterate(0, x -> {
            if (x == 40) {
                throw new IllegalStateException("disk gone");
            }
            return x + 1;
        });
        Pipeline<Integer> pipeline = Pipeline.from(source).pipe(x -> x, 2)
                .loop(loop(config)).build();
        PipelineException failure = assertThrows(PipelineException.class, () -> collect(pipeline));
        assertEquals("source", failure.stage());
        assertTrue(failure.getCause() instanceof IllegalStateException);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closingMidwayLeavesNoThreadOrTaskBehind(TestBackends.Config config) throws Exception {
        Set<Thread> before = liveThreads();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        AtomicInteger sleepers = new AtomicInteger();
        AtomicInteger pending = new AtomicInteger();
        AtomicLong pulled = new AtomicLong();
        Stream<Long> endless = Stream.generate(pulled::getAndIncrement);
        AtomicInteger sourceClosed = new AtomicInteger();
        Pipeline<Long> pipeline = Pipeline.from(endless.onClose(sourceClosed::incrementAndGet))
                .pipe(x -> {
                    running.incrementAndGet();
                    try {
                        if (x % 5 == 4) {
                            sleepers.incrementAndGet();
                        }
                        Thread.sleep(x % 5 == 4 ? 60_000 : 0);
                        return x;
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                        throw e;
                    } finally {
                        running.decrementAndGet();
                    }
                }, 4)
                .pipeAsync(x -> {
                    if (x % 3 == 0) {
                        return CompletableFuture.completedFuture(x);
                    }
                    pending.incrementAndGet();
                    CompletableFuture<Long> never = new CompletableFuture<>();
                    never.whenComplete((v, e) -> pending.decrementAndGet());
                    return never;
                }, 8)
                .ownLoop(config.builder()).build();
        Iterator<Long> results = pipeline.iterator();
        results.next();
        results.next();
        // Close only once a call sleeps, so that there is one to interrupt (on a loaded
        // machine the fifth item may not have reached its stage yet).
        long waitUntil = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (sleepers.get() == 0 && System.nanoTime() < waitUntil) {
            Thread.sleep(1);
        }
        long start = System.nanoTime();
        pipeline.close();
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(),
                "close() waited for the sleeping calls instead of interrupting them");
        assertEquals(0, running.get(), "a blocking call still runs after close");
        assertTrue(interrupted.get() > 0, "no sleeping call was interrupted");
        assertEquals(0, pending.get(), "asynchronous stages left uncancelled");
        assertEquals(1, sourceClosed.get(), "the source stream was not closed");
        assertEquals("CLOSED", pipeline.stats().state());
        assertTrue(pipeline.loop().isTerminated());
        Set<Thread> after = liveThreads();
        after.removeAll(before);
        after.removeIf(t -> t.getName().startsWith("evloop-offload-"));
        assertEquals(Set.of(), after, "threads left behind");
        assertThrows(IllegalStateException.class, pipeline::iterator);
    }

    private static Set<Thread> liveThreads() {
        Set<Thread> threads = new HashSet<>(Thread.getAllStackTraces().keySet());
        threads.removeIf(t -> !t.isAlive());
        return threads;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aMillionItemsArriveOnceEach(TestBackends.Config config) {
        int n = 1_000_000;
        Iterator<Integer> source = IntStream.range(0, n).iterator();
        Pipeline<Integer> pipeline = Pipeline.from(source)
                .pipeAsync(x -> CompletableFuture.completedFuture(x), 64)
                .aggregate(1000)
                .pipe(batch -> batch, 2)
                .<Integer>disaggregate()
                .pipeAsync(x -> CompletableFuture.completedFuture(x), 16)
                .sink(256)
                .loop(loop(config)).build();
        BitSet seen = new BitSet(n);
        long[] count = {0};
        pipeline.forEach(x -> {
            assertFalse(seen.get(x), "duplicate " + x);
            seen.set(x);
            count[0]++;
        });
        assertEquals(n, count[0]);
        assertEquals(n, seen.cardinality());
        assertEquals(1000, pipeline.stats().stages().get(2).items());
    }
}
