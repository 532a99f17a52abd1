package io.evloop.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.evloop.EventLoop;
import io.evloop.TestBackends;
import io.evloop.internal.JfrSwitch;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A pipeline's traces, JFR events and stats, on every backend. */
class PipelineObservabilityTest {
    private static final int ITEMS = 60;
    private static final int BATCH = 10;

    @TempDir
    Path dir;

    static List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    /** source, pipe "inc", pipeAsync "double", aggregate "batch", disaggregate "split". */
    static Pipeline<Integer> pipeline(EventLoop loop, String name) {
        List<Integer> source = IntStream.range(0, ITEMS).boxed().collect(Collectors.toList());
        return Pipeline.from(source)
                .pipe(x -> x + 1, 4).named("inc")
                .pipeAsync(x -> CompletableFuture.supplyAsync(() -> x * 2), 3).named("double")
                .aggregate(BATCH).named("batch")
                .<Integer>disaggregate().named("split")
                .sink(4).name(name).loop(loop).build();
    }

    static int consume(Pipeline<Integer> pipeline) {
        int count = 0;
        try (pipeline) {
            for (Integer ignored : pipeline) {
                count++;
            }
        }
        return count;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aTracedRunShowsEveryStageInValidChromeJson(TestBackends.Config config)
            throws Exception {
        Path file = dir.resolve("pipeline.json");
        String loopName;
        try (EventLoop loop = config.open().start()) {
            loopName = loop.name();
            loop.trace().start();
            assertEquals(ITEMS, consume(pipeline(loop, "obs")));
            loop.trace().stop();
            loop.trace().writeChromeTrace(file);
        }
        JsonNode events = new ObjectMapper().readTree(Files.readString(file)).get("traceEvents");
        Map<Integer, String> threads = new HashMap<>();
        Map<String, List<JsonNode>> byName = new HashMap<>();
        Map<Long, Integer> asyncOpen = new HashMap<>();
        for (JsonNode event : events) {
            String phase = event.get("ph").asText();
            assertEquals(1, event.get("pid").asInt(), event.toString());
            int tid = event.get("tid").asInt();
            if (phase.equals("M")) {
                threads.put(tid, event.get("args").get("name").asText());
                continue;
            }
            assertTrue(event.get("ts").isNumber(), event.toString());
            if (phase.equals("X")) {
                assertTrue(event.get("dur").asDouble() >= 0, event.toString());
            } else if (phase.equals("b") || phase.equals("e")) {
                asyncOpen.merge(event.get("id").asLong(), phase.equals("b") ? 1 : -1,
                        Integer::sum);
            }
            byName.computeIfAbsent(phase + " " + event.get("name").asText(),
                    k -> new ArrayList<>()).add(event);
        }
        assertTrue(asyncOpen.values().stream().allMatch(v -> v == 0), "every b has its e");
        Set<String> names = byName.keySet();

        List<JsonNode> source = byName.get("X obs/source");
        assertNotNull(source, names.toString());
        assertEquals(allItems(), items(source, "source"));
        assertEquals(1, threadsOf(source).size());
        int loopTid = threadsOf(source).iterator().next();
        assertEquals(loopName, threads.get(loopTid));

        List<JsonNode> inc = byName.get("X obs/inc");
        assertNotNull(inc, names.toString());
        assertEquals(allItems(), items(inc, "inc"));
        for (int tid : threadsOf(inc)) {
            assertNotEquals(loopTid, tid, "a blocking call shows on its worker's track");
            assertTrue(threads.get(tid).startsWith("evloop-offload"), threads.toString());
        }
        assertTrue(inc.stream().allMatch(e -> e.get("args").get("outcome").asText()
                .equals("ok") && e.get("args").has("seq")), inc.toString());

        List<JsonNode> doubled = byName.get("b obs/double");
        assertNotNull(doubled, names.toString());
        assertEquals(allItems(), items(doubled, "double"));
        assertEquals(ITEMS, byName.get("e obs/double").size());

        List<JsonNode> batches = byName.get("b obs/batch");
        assertNotNull(batches, names.toString());
        assertEquals(ITEMS / BATCH, batches.size());
        assertTrue(batches.stream().allMatch(e -> e.get("args").get("size").asInt() == BATCH));

        List<JsonNode> split = byName.get("X obs/split");
        assertNotNull(split, names.toString());
        assertEquals(ITEMS / BATCH, split.size());

        List<JsonNode> sink = byName.get("X obs/sink");
        assertNotNull(sink, names.toString());
        assertEquals(ITEMS, sink.stream().mapToLong(e -> e.get("args").get("items").asLong())
                .sum());
    }

    private static Set<Long> allItems() {
        return IntStream.range(0, ITEMS).mapToObj(i -> (long) i).collect(Collectors.toSet());
    }

    /** The item positions of the records, checking their pipeline and stage arguments. */
    private static Set<Long> items(List<JsonNode> records, String stage) {
        Set<Long> items = new HashSet<>();
        for (JsonNode record : records) {
            JsonNode args = record.get("args");
            assertEquals("obs", args.get("pipeline").asText(), record.toString());
            assertEquals(stage, args.get("stage").asText(), record.toString());
            assertTrue(items.add(args.get("item").asLong()), "one record per item: " + record);
        }
        return items;
    }

    private static Set<Integer> threadsOf(List<JsonNode> records) {
        return records.stream().map(r -> r.get("tid").asInt()).collect(Collectors.toSet());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aTraceShowsPublisherItemsAndFailedCallsOnTheirExecutor(TestBackends.Config config)
            throws Exception {
        Path file = dir.resolve("publisher.json");
        int count = 20;
        ExecutorService workers = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "my-worker");
            thread.setDaemon(true);
            return thread;
        });
        try (EventLoop loop = config.open().start();
                SubmissionPublisher<Integer> publisher = new SubmissionPublisher<>()) {
            loop.trace().start();
            Pipeline<Integer> pipeline = Pipeline.from(publisher)
                    .pipe(x -> {
                        if (x == 5) {
                            throw new IOException("five");
                        }
                        return x;
                    }, 2, workers).named("check").allowFailures(1)
                    .name("pub").loop(loop).build();
            Thread feeder = new Thread(() -> {
                while (publisher.getNumberOfSubscribers() == 0) {
                    Thread.onSpinWait();
                }
                for (int i = 0; i < count; i++) {
                    publisher.submit(i);
                }
                publisher.close();
            });
            Iterator<Integer> results = pipeline.iterator();
            feeder.start();
            int seen = 0;
            try (pipeline) {
                while (results.hasNext()) {
                    results.next();
                    seen++;
                }
            }
            feeder.join();
            assertEquals(count - 1, seen);
            loop.trace().stop();
            loop.trace().writeChromeTrace(file);
        } finally {
            workers.shutdownNow();
        }
        JsonNode events = new ObjectMapper().readTree(Files.readString(file)).get("traceEvents");
        Set<Long> arrived = new HashSet<>();
        Map<Long, String> outcomes = new HashMap<>();
        Map<Integer, String> threads = new HashMap<>();
        Set<Integer> checkThreads = new HashSet<>();
        for (JsonNode event : events) {
            String name = event.get("name").asText();
            if (event.get("ph").asText().equals("M")) {
                threads.put(event.get("tid").asInt(), event.get("args").get("name").asText());
                continue;
            }
            if (name.equals("pub/source")) {
                assertEquals("i", event.get("ph").asText());
                arrived.add(event.get("args").get("item").asLong());
            } else if (name.equals("pub/check")) {
                assertEquals("X", event.get("ph").asText());
                outcomes.put(event.get("args").get("item").asLong(),
                        event.get("args").get("outcome").asText());
                checkThreads.add(event.get("tid").asInt());
            }
        }
        for (int tid : checkThreads) {
            assertEquals("my-worker", threads.get(tid), "the calls ran on the given executor");
        }
        assertEquals(count, arrived.size(), arrived.toString());
        assertEquals(count, outcomes.size(), outcomes.toString());
        assertEquals("failed", outcomes.get(5L));
        assertEquals(count - 1, outcomes.values().stream().filter("ok"::equals).count());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aLoopThatDoesNotRecordGetsNoPipelineRecords(TestBackends.Config config) {
        try (EventLoop loop = config.open().start()) {
            loop.trace().start();
            loop.trace().stop();
            int before = loop.trace().size();
            assertEquals(ITEMS, consume(pipeline(loop, "quiet")));
            assertEquals(before, loop.trace().size());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void jfrRecordsStageSummariesTasksAndTheRun(TestBackends.Config config) throws Exception {
        Path file = dir.resolve("pipeline.jfr");
        try (EventLoop loop = config.open().start(); Recording recording = new Recording()) {
            recording.enable("io.evloop.PipelineStage").withPeriod(Duration.ofMillis(20));
            recording.enable("io.evloop.PipelineTask").withThreshold(Duration.ZERO);
            recording.enable("io.evloop.PipelineRun");
            recording.start();
            awaitJfrSeen();
            assertEquals(ITEMS, consume(pipeline(loop, "jfr-" + config)));
            recording.stop();
            recording.dump(file);
        }
        String name = "jfr-" + config;
        Map<String, long[]> stages = new HashMap<>();
        Map<String, Integer> tasks = new HashMap<>();
        List<RecordedEvent> runs = new ArrayList<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            String type = event.getEventType().getName();
            if (!type.startsWith("io.evloop.Pipeline")
                    || !event.getString("pipeline").equals(name)) {
                continue;
            }
            if (type.equals("io.evloop.PipelineStage")) {
                long[] sums = stages.computeIfAbsent(event.getString("stage"),
                        k -> new long[2]);
                sums[0] += event.getLong("itemsIn");
                sums[1] += event.getLong("itemsOut");
            } else if (type.equals("io.evloop.PipelineTask")) {
                assertEquals("ok", event.getString("outcome"));
                tasks.merge(event.getString("stage"), 1, Integer::sum);
            } else {
                runs.add(event);
            }
        }
        // The summaries are deltas, the last one taken when the run ended: they add up.
        assertEquals(ITEMS, stages.get("source")[1], stages.keySet().toString());
        assertEquals(ITEMS, stages.get("inc")[0]);
        assertEquals(ITEMS, stages.get("double")[1]);
        assertEquals(ITEMS / BATCH, stages.get("batch")[1]);
        assertEquals(ITEMS, stages.get("split")[1]);
        assertEquals(ITEMS, stages.get("sink")[0]);
        assertEquals(ITEMS, tasks.get("inc"));
        assertEquals(ITEMS, tasks.get("double"));
        assertEquals(1, runs.size(), runs.toString());
        assertEquals("ENDED", runs.get(0).getString("state"));
        assertEquals(ITEMS, runs.get(0).getLong("sourceItems"));
    }

    /** The loop learns that JFR runs from its watchdog, within a sampling period. */
    private static void awaitJfrSeen() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!JfrSwitch.active() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(JfrSwitch.active(), "the watchdog did not see JFR start within 10 s");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void statsCountItemsInAndOutOfEveryStage(TestBackends.Config config) {
        try (EventLoop loop = config.open().start()) {
            Pipeline<Integer> pipeline = Pipeline.from(IntStream.range(0, ITEMS).boxed())
                    .pipe(x -> x % 10 == 0 ? null : x, 4).named("drop")
                    .aggregate(BATCH).named("batch")
                    .<Integer>disaggregate().named("split")
                    .loop(loop).build();
            int consumed = consume(pipeline);
            int kept = ITEMS - ITEMS / 10;
            assertEquals(kept, consumed);
            PipelineStats stats = pipeline.stats();
            StageStats source = stats.stages().get(0);
            assertEquals(ITEMS, source.received(), stats.toString());
            assertEquals(ITEMS, source.emitted(), stats.toString());
            StageStats drop = stats.stages().get(1);
            assertEquals(ITEMS, drop.received(), stats.toString());
            assertEquals(ITEMS, drop.items(), stats.toString());
            assertEquals(ITEMS / 10, drop.dropped(), stats.toString());
            assertEquals(kept, drop.emitted(), stats.toString());
            assertTrue(drop.busy().compareTo(drop.maxTime()) >= 0, stats.toString());
            StageStats batch = stats.stages().get(2);
            assertEquals(kept, batch.received(), stats.toString());
            assertEquals((kept + BATCH - 1) / BATCH, batch.emitted(), stats.toString());
            StageStats split = stats.stages().get(3);
            assertEquals(batch.emitted(), split.received(), stats.toString());
            assertEquals(kept, split.emitted(), stats.toString());
            assertEquals(kept, stats.consumed(), stats.toString());
            assertTrue(stats.toString().contains("drop: 60 in, 54 out"), stats.toString());
        }
    }

    /**
     * A traced pipeline in a JVM without JFR loads no JFR event class: the check happens in a
     * fresh JVM, since this one may have recorded already.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void withoutJfrNoEventClassIsLoaded(TestBackends.Config config) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-exports") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("-Devloop.")) {
                command.add(arg);
            }
        }
        command.add("-Xlog:class+load=info");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PipelineObservabilityChild.class.getName());
        command.add(config.backend.name());
        command.add(config.binding.name());
        File log = dir.resolve("child.log").toFile();
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log).start();
        boolean ended = child.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor();
        }
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertTrue(ended, "the child JVM still ran after 60 s");
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("consumed " + ITEMS), out);
        assertTrue(out.contains("io.evloop.pipeline.TraceArgs"), "the child did trace");
        for (String loaded : new String[] {"io.evloop.internal.PipelineEvents",
            "io.evloop.pipeline.PipelineJfr", "io.evloop.internal.LoopEvents", "jdk.jfr.Event "}) {
            assertFalse(out.contains(loaded), loaded + " was loaded");
        }
    }
}
