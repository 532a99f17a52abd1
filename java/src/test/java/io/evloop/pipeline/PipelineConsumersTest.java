package io.evloop.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evloop.EventLoop;
import io.evloop.TestBackends;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The ways to consume a pipeline, and the builder's checks; once per available backend. */
class PipelineConsumersTest extends PipelineTestSupport {
    /** Records signals; requests {@code batch} at a time once the previous batch arrived. */
    private static final class Recorder implements Flow.Subscriber<Integer> {
        final List<Integer> items = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> end = new CompletableFuture<>();
        final AtomicLong requested = new AtomicLong();
        final AtomicInteger overflows = new AtomicInteger();
        final int batch;
        final int cancelAfter;
        volatile Flow.Subscription subscription;

        Recorder(int batch, int cancelAfter) {
            this.batch = batch;
            this.cancelAfter = cancelAfter;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            requested.addAndGet(batch);
            s.request(batch);
        }

        @Override
        public void onNext(Integer item) {
            if (items.size() >= requested.get()) {
                overflows.incrementAndGet();
            }
            items.add(item);
            if (items.size() == cancelAfter) {
                subscription.cancel();
                end.complete(null);
                return;
            }
            if (items.size() == requested.get()) {
                requested.addAndGet(batch);
                subscription.request(batch);
            }
        }

        @Override
        public void onError(Throwable error) {
            end.complete(error);
        }

        @Override
        public void onComplete() {
            end.complete(null);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void publisherHonoursDemand(TestBackends.Config config) throws Exception {
        Pipeline<Integer> pipeline = Pipeline.from(range(500))
                .pipe(x -> x + 1, 4).ordered()
                .loop(loop(config)).build();
        Recorder recorder = new Recorder(7, -1);
        pipeline.publisher().subscribe(recorder);
        assertNull(recorder.end.get(10, TimeUnit.SECONDS));
        assertEquals(0, recorder.overflows.get(), "more items than requested");
        assertEquals(IntStream.rangeClosed(1, 500).boxed().collect(Collectors.toList()),
                recorder.items);
        pipeline.close();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void publisherCancelClosesThePipeline(TestBackends.Config config) throws Exception {
        AtomicLong pulled = new AtomicLong();
        Pipeline<Integer> pipeline = Pipeline.from(Stream.iterate(0, x -> x + 1)
                        .peek(x -> pulled.incrementAndGet()))
                .pipeAsync(x -> CompletableFuture.completedFuture(x), 2)
                .ownLoop(config.builder()).build();
        Recorder recorder = new Recorder(3, 10);
        pipeline.publisher().subscribe(recorder);
        recorder.end.get(10, TimeUnit.SECONDS);
        assertTrue(pipeline.loop().awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(10, recorder.items.size());
        assertEquals("CLOSED", pipeline.stats().state());
        long after = pulled.get();
        Thread.sleep(20);
        assertEquals(after, pulled.get(), "the source is still pulled after cancel");
        pipeline.close();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void publisherReportsFailuresAndASecondSubscriberIsRefused(TestBackends.Config config)
            throws Exception {
        Pipeline<Integer> pipeline = Pipeline.from(range(100))
                .pipe(x -> {
                    if (x == 50) {
                        throw new java.io.IOException("unreadable " + x);
                    }
                    return x;
                }).named("read")
                .loop(loop(config)).build();
        Flow.Publisher<Integer> publisher = pipeline.publisher();
        Recorder first = new Recorder(1000, -1);
        publisher.subscribe(first);
        Throwable error = first.end.get(10, TimeUnit.SECONDS);
        assertTrue(error instanceof PipelineException, String.valueOf(error));
        assertEquals("read", ((PipelineException) error).stage());
        Recorder second = new Recorder(1, -1);
        publisher.subscribe(second);
        assertTrue(second.end.get(10, TimeUnit.SECONDS) instanceof IllegalStateException);
        pipeline.close();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void publisherSourceIsRequestedOnlyWhatFits(TestBackends.Config config) throws Exception {
        try (SubmissionPublisher<Integer> source = new SubmissionPublisher<>()) {
            Pipeline<Integer> pipeline = Pipeline.from(source).buffer(4)
                    .pipe(x -> x * 10, 2)
                    .sink(2)
                    .loop(loop(config)).build();
            List<Integer> results = new ArrayList<>();
            Thread producer = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    source.submit(i);
                }
                source.close();
            });
            try (pipeline) {
                var iterator = pipeline.iterator();
                // A SubmissionPublisher gives items only to subscribers it already has.
                while (source.getNumberOfSubscribers() == 0) {
                    Thread.sleep(1);
                }
                producer.start();
                while (iterator.hasNext()) {
                    results.add(iterator.next());
                }
            }
            producer.join();
            assertEquals(200, results.size());
            assertEquals(range(200).stream().map(x -> x * 10).collect(Collectors.toSet()),
                    new java.util.HashSet<>(results));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void streamAndConsumerExceptionsClose(TestBackends.Config config) {
        try (Stream<Integer> stream = Pipeline.from(range(100)).pipe(x -> x * 2, 3).ordered()
                .loop(loop(config)).build().stream()) {
            assertEquals(range(100).stream().mapToInt(x -> x * 2).sum(),
                    stream.mapToInt(Integer::intValue).sum());
        }
        Pipeline<Integer> pipeline = Pipeline.from(Stream.iterate(0, x -> x + 1))
                .pipe(x -> x, 2).loop(loop(config)).build();
        AtomicInteger seen = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> pipeline.forEach(x -> {
            if (seen.incrementAndGet() == 5) {
                throw new IllegalStateException("consumer broke");
            }
        }));
        assertTrue(pipeline.isStopped());
        assertEquals("CLOSED", pipeline.stats().state());
        Pipeline<Integer> streamed = Pipeline.from(Stream.iterate(0, x -> x + 1))
                .loop(loop(config)).build();
        assertThrows(ArithmeticException.class,
                () -> streamed.stream().forEach(x -> System.out.print(1 / (x - 3) > 5 ? "" : "")));
        assertTrue(streamed.isStopped());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aggregationKeepsOrDropsTheLastBatch(TestBackends.Config config) {
        try (Pipeline<List<Integer>> kept = Pipeline.from(range(25)).aggregate(10)
                .loop(loop(config)).build()) {
            List<Integer> sizes = new ArrayList<>();
            kept.forEach(batch -> sizes.add(batch.size()));
            assertEquals(List.of(10, 10, 5), sizes);
        }
        try (Pipeline<List<Integer>> dropped = Pipeline.from(range(25)).aggregate(10, false)
                .loop(loop(config)).build()) {
            List<Integer> sizes = new ArrayList<>();
            dropped.forEach(batch -> sizes.add(batch.size()));
            assertEquals(List.of(10, 10), sizes);
            assertEquals(5, dropped.stats().stages().get(1).dropped());
        }
        try (Pipeline<Integer> flat = Pipeline.from(range(5))
                .disaggregate(x -> x % 2 == 0 ? List.of(x, x, x) : List.of())
                .loop(loop(config)).build()) {
            List<Integer> items = new ArrayList<>();
            flat.forEach(items::add);
            assertEquals(List.of(0, 0, 0, 2, 2, 2, 4, 4, 4), items);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void statsNameTheStagesAndTheBottleneck(TestBackends.Config config) {
        try (Pipeline<Integer> pipeline = Pipeline.from(range(60))
                .pipe(x -> x, 4).named("fast")
                .pipe(x -> {
                    Thread.sleep(2);
                    return x;
                }, 1).named("slow")
                .sink(64)
                .reportStats(Duration.ofMillis(20))
                .loop(loop(config)).build()) {
            int count = 0;
            for (Integer ignored : pipeline) {
                count++;
            }
            assertEquals(60, count);
            PipelineStats stats = pipeline.stats();
            assertEquals("ENDED", stats.state());
            assertEquals(List.of("source", "fast", "slow"), stats.stages().stream()
                    .map(StageStats::name).collect(Collectors.toList()));
            // bottleneck() rests on sampled queue fills, which depend on scheduling.
            assertTrue(stats.bottleneck() != null, stats.toString());
            StageStats slow = stats.stages().get(2);
            assertEquals(60, slow.items());
            assertTrue(slow.p50().toNanos() >= 1_000_000, slow.toString());
            assertTrue(slow.maxTime().compareTo(slow.p99()) >= 0);
            assertEquals(60, stats.consumed());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void iteratingOnTheLoopThreadIsRefused(TestBackends.Config config) throws Exception {
        EventLoop loop = loop(config);
        Pipeline<Integer> pipeline = Pipeline.from(range(3)).loop(loop).build();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        loop.submit(() -> {
            try {
                pipeline.iterator();
            } catch (Throwable t) {
                failure.set(t);
            }
        }).get(10, TimeUnit.SECONDS);
        assertTrue(failure.get() instanceof IllegalStateException);
        assertEquals(List.of(0, 1, 2), pipeline.stream().collect(Collectors.toList()));
        assertThrows(IllegalStateException.class, pipeline::iterator);
        pipeline.close();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aPipelineNeverConsumedClosesItsOwnLoop(TestBackends.Config config) throws Exception {
        AtomicInteger closed = new AtomicInteger();
        Pipeline<Integer> pipeline = Pipeline.from(range(10).stream()
                        .onClose(closed::incrementAndGet))
                .pipe(x -> x).ownLoop(config.builder()).name("unused").build();
        Thread thread = pipeline.loop().submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
        assertEquals("unused", thread.getName());
        pipeline.close();
        assertTrue(!thread.isAlive() && pipeline.loop().isTerminated());
        assertEquals(1, closed.get());
        assertEquals("CLOSED", pipeline.stats().state());
        assertThrows(java.util.concurrent.CancellationException.class,
                () -> pipeline.iterator().hasNext());
        Pipeline<Integer> other = Pipeline.from(range(3)).ownLoop(config.builder()).build();
        other.close();
        Recorder late = new Recorder(1, -1);
        other.publisher().subscribe(late);
        assertTrue(late.end.get(10, TimeUnit.SECONDS)
                instanceof java.util.concurrent.CancellationException);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anInterruptedConsumerClosesThePipeline(TestBackends.Config config) throws Exception {
        Pipeline<Integer> pipeline = Pipeline.from(range(10))
                .pipeAsync(x -> new CompletableFuture<Integer>(), 2)
                .loop(loop(config)).build();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                pipeline.iterator().hasNext();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        consumer.start();
        Thread.sleep(50);
        consumer.interrupt();
        consumer.join(10_000);
        assertTrue(failure.get() instanceof java.util.concurrent.CancellationException,
                String.valueOf(failure.get()));
        assertEquals("CLOSED", pipeline.stats().state());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aBlockingFunctionMayCloseItsOwnPipeline(TestBackends.Config config) throws Exception {
        AtomicReference<Pipeline<Integer>> self = new AtomicReference<>();
        Pipeline<Integer> pipeline = Pipeline.from(range(1000))
                .pipe(x -> {
                    if (x == 20) {
                        self.get().close();
                    }
                    return x;
                }, 2)
                .ownLoop(config.builder()).build();
        self.set(pipeline);
        assertThrows(java.util.concurrent.CancellationException.class, () -> {
            for (Integer ignored : pipeline) {
                Thread.onSpinWait();
            }
        });
        pipeline.close();
        assertTrue(pipeline.loop().isTerminated());
        assertEquals("CLOSED", pipeline.stats().state());
    }

    @Test
    void builderRejectsWhatCannotWork() {
        PipelineBuilder<Integer> builder = Pipeline.from(range(3));
        assertThrows(IllegalArgumentException.class, () -> builder.pipe(x -> x, 0));
        assertThrows(IllegalArgumentException.class, () -> builder.aggregate(0));
        assertThrows(IllegalArgumentException.class, () -> builder.sink(0));
        assertThrows(IllegalStateException.class, builder::ordered);
        assertThrows(IllegalStateException.class, () -> builder.allowFailures(1));
        assertThrows(IllegalArgumentException.class,
                () -> builder.pipe(x -> x).allowFailureRate(1.5));
        assertThrows(NullPointerException.class, () -> Pipeline.from((Iterable<?>) null));
    }
}
