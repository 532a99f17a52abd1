package io.evloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Stats, slow-callback reports, traces and JFR events, on every backend. */
class ObservabilityTest {
    @TempDir
    Path dir;

    static List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void statsCountWhatHappened(TestBackends.Config config) throws Exception {
        try (EventLoop loop = config.open(); WatchTest.TestPipe pipe = new WatchTest.TestPipe()) {
            for (int i = 0; i < 100; i++) {
                loop.execute(() -> { });
            }
            for (int i = 0; i < 3; i++) {
                loop.schedule(() -> { }, i, TimeUnit.MILLISECONDS);
            }
            CompletableFuture<Void> read = new CompletableFuture<>();
            loop.watch(pipe.source(), Interest.READ, (w, ready) -> {
                w.cancel();
                read.complete(null);
            });
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            Thread producer = new Thread(() -> {
                for (int i = 0; i < 2000; i++) {
                    loop.execute(() -> { });
                }
            });
            producer.start();
            producer.join();
            loop.runUntil(read);
            CompletableFuture<Void> timers = new CompletableFuture<>();
            loop.schedule(() -> timers.complete(null), 5, TimeUnit.MILLISECONDS);
            loop.runUntil(timers);
            LoopStats stats = loop.stats();
            assertTrue(stats.tasksRun() >= 2100, stats.toString());
            assertTrue(stats.timersFired() >= 4, stats.toString());
            assertTrue(stats.ioEvents() >= 1, stats.toString());
            assertTrue(stats.iterations() >= 1, stats.toString());
            assertTrue(stats.latencySamples() > 0, stats.toString());
            assertTrue(stats.latencyMax().compareTo(stats.latencyP50()) >= 0, stats.toString());
            assertEquals(0, stats.queuedTasks(), stats.toString());
            assertEquals(0, stats.watches(), stats.toString());
        }
    }

    /**
     * One task from another thread in {@value LoopStats#LATENCY_SAMPLE_EVERY} is wrapped for
     * its latency and runs in a loop of its own; a stop between them leaves wrapped tasks
     * queued for the next run. Order and counts must not depend on which loop ran a task.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void sampledTasksKeepTheirOrderAcrossAStop(TestBackends.Config config) throws Exception {
        try (EventLoop loop = config.open()) {
            int count = 4000;
            List<Integer> order = new ArrayList<>();
            CompletableFuture<Void> half = new CompletableFuture<>();
            CompletableFuture<Void> all = new CompletableFuture<>();
            Thread producer = new Thread(() -> {
                for (int i = 0; i < count; i++) {
                    int n = i;
                    loop.execute(() -> {
                        order.add(n);
                        if (n == count / 2) {
                            half.complete(null);
                        } else if (n == count - 1) {
                            all.complete(null);
                        }
                    });
                }
            });
            producer.start();
            producer.join();
            loop.runUntil(half);
            loop.runUntil(all);
            assertEquals(count, order.size());
            for (int i = 0; i < count; i++) {
                assertEquals(i, order.get(i));
            }
            LoopStats stats = loop.stats();
            assertTrue(stats.latencySamples() > 0, stats.toString());
            assertTrue(stats.tasksRun() >= count, stats.toString());
            assertEquals(0, stats.queuedTasks(), stats.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aSlowCallbackIsReportedWithItsName(TestBackends.Config config) throws Exception {
        try (LogCapture log = new LogCapture();
                EventLoop loop = config.builder()
                        .slowCallbackThreshold(Duration.ofMillis(50)).build()) {
            loop.execute(EventLoop.named("resize-images", () -> sleep(300)));
            loop.runUntil(loop.submit(() -> null));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!log.any("resize-images", "ran for about") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(log.any("resize-images", "ran for about", "threshold 50 ms"),
                    log.messages.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aSlowNamedTimerIsReportedWithItsName(TestBackends.Config config) throws Exception {
        try (LogCapture log = new LogCapture();
                EventLoop loop = config.builder()
                        .slowCallbackThreshold(Duration.ofMillis(50)).build()) {
            loop.schedule(EventLoop.named("nightly-compaction", () -> sleep(300)), 1,
                    TimeUnit.MILLISECONDS);
            CompletableFuture<Void> after = new CompletableFuture<>();
            loop.schedule(() -> after.complete(null), 5, TimeUnit.MILLISECONDS);
            loop.runUntil(after);
            loop.runUntil(loop.submit(() -> null));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!log.any("nightly-compaction", "ran for about")
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(log.any("nightly-compaction", "ran for about"), log.messages.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aSlowLambdaIsReportedByItsMethodAndLine(TestBackends.Config config) throws Exception {
        try (LogCapture log = new LogCapture();
                EventLoop loop = config.builder()
                        .slowCallbackThreshold(Duration.ofMillis(50)).build()) {
            loop.execute(() -> sleep(300));
            loop.runUntil(loop.submit(() -> null));
            String where = "ObservabilityTest.lambda$aSlowLambdaIsReportedByItsMethodAndLine$";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!log.any(where, "ran for about") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(log.any(where, "ObservabilityTest.java:", "ran for about"),
                    log.messages.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aSlowWatchCallbackCountsAsRunningNotBlocked(TestBackends.Config config)
            throws Exception {
        try (LogCapture log = new LogCapture();
                EventLoop loop = config.builder()
                        .slowCallbackThreshold(Duration.ofMillis(50)).build();
                WatchTest.TestPipe pipe = new WatchTest.TestPipe()) {
            CompletableFuture<Void> read = new CompletableFuture<>();
            loop.watch(pipe.source(), Interest.READ, (w, ready) -> {
                w.cancel();
                sleep(300);
                read.complete(null);
            });
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            loop.runUntil(read);
            // Running time is added up when the next iteration begins.
            loop.runUntil(loop.submit(() -> null));
            LoopStats stats = loop.stats();
            assertTrue(stats.running().compareTo(Duration.ofMillis(250)) >= 0,
                    stats.toString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!log.any("ObservabilityTest", "ran for about")
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(log.any("ObservabilityTest", "ran for about"), log.messages.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anIterationOfManySmallCallbacksIsReported(TestBackends.Config config) {
        try (LogCapture log = new LogCapture();
                EventLoop loop = config.builder()
                        .slowCallbackThreshold(Duration.ofMillis(50)).build()) {
            for (int i = 0; i < 1000; i++) {
                loop.execute(() -> spin(100_000));
            }
            loop.runUntil(loop.submit(() -> null));
            loop.runUntil(loop.submit(() -> null));
            assertTrue(log.any("one iteration ran", "callbacks"), log.messages.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aTraceIsChromeJsonWithPollsCallbacksAndSubmissions(TestBackends.Config config)
            throws Exception {
        try (EventLoop loop = config.open().start()) {
            loop.trace().start();
            assertTrue(loop.trace().isRecording());
            loop.submit(EventLoop.named("first-task", () -> { })).get(10, TimeUnit.SECONDS);
            loop.schedule(EventLoop.named("a-timer", () -> { }), 5, TimeUnit.MILLISECONDS)
                    .get(10, TimeUnit.SECONDS);
            Thread.sleep(20);
            loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
            loop.trace().stop();
            assertFalse(loop.trace().isRecording());
            Path file = dir.resolve("trace.json");
            loop.trace().writeChromeTrace(file);
            JsonNode events = new ObjectMapper().readTree(Files.readString(file))
                    .get("traceEvents");
            Set<String> spans = new HashSet<>();
            Set<String> instants = new HashSet<>();
            for (JsonNode event : events) {
                String phase = event.get("ph").asText();
                if (phase.equals("X")) {
                    assertTrue(event.get("dur").asDouble() >= 0);
                    spans.add(event.get("name").asText());
                } else if (phase.equals("i")) {
                    instants.add(event.get("name").asText());
                }
            }
            assertTrue(spans.contains("poll"), spans.toString());
            assertTrue(spans.stream().anyMatch(n -> n.contains("first-task")), spans.toString());
            assertTrue(spans.contains("a-timer"), spans.toString());
            assertTrue(instants.stream().anyMatch(n -> n.startsWith("submitted from ")),
                    instants.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void jfrRecordsIterationsWakeupsAndSlowCallbacks(TestBackends.Config config)
            throws Exception {
        Path file = dir.resolve("loop.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("io.evloop.Iteration");
            recording.enable("io.evloop.Wakeup");
            recording.enable("io.evloop.SlowCallback");
            recording.start();
            try (EventLoop loop = config.builder()
                    .slowCallbackThreshold(Duration.ofMillis(50)).build().start()) {
                for (int i = 0; i < 5; i++) {
                    Thread.sleep(10);
                    loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
                }
                loop.submit(EventLoop.named("slow-one", () -> sleep(300)))
                        .get(10, TimeUnit.SECONDS);
                Thread.sleep(200);
            }
            recording.stop();
            recording.dump(file);
        }
        List<String> names = new ArrayList<>();
        boolean slowNamed = false;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            names.add(event.getEventType().getName());
            if (event.getEventType().getName().equals("io.evloop.SlowCallback")) {
                slowNamed |= event.getString("callback").equals("slow-one");
            }
        }
        assertTrue(names.contains("io.evloop.Iteration"), names.toString());
        assertTrue(names.contains("io.evloop.Wakeup"), names.toString());
        assertTrue(slowNamed, names.toString());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
