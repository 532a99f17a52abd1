package io.evloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evloop.TestBackends;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Echo traffic on several connections, a timer and tasks from another thread, all at once for
 * {@code -Devloop.soak.seconds} (default 5; the Maven profile {@code soak} runs it for minutes),
 * in a child JVM ({@link SoakChild}). At the end every byte came back exactly, every task ran,
 * the descriptors are back, nothing was reported or logged as an error, and after the warm-up
 * neither the resident memory nor the native memory of the loops grew.
 *
 * <p>The child's heap is fixed and touched at start ({@code -Xms} = {@code -Xmx},
 * {@code -XX:+AlwaysPreTouch}) and collected by the serial collector, whose native structures
 * do not grow with the run; so VmRSS after the warm-up can only grow through native memory: a
 * leak in the core or the bindings, direct buffers, or what the JIT still compiles.
 */
@Tag("soak")
class SoakTest {
    private static final int SECONDS = Integer.getInteger("evloop.soak.seconds", 5);
    /** Beyond the soak: JVM start, warm-up echo, settling descriptors, closing. */
    private static final int CHILD_MARGIN_SECONDS = 120;
    /** Heap of the child, fixed; the soak keeps 3 to 15 MiB in use after a GC. */
    private static final String HEAP = "128m";
    /**
     * VmRSS growth allowed from the end of the warm-up to the end, and to the largest of 40
     * samples in between. Measured: within 2 MiB either way (5 s and 30 s runs, every backend).
     * What may still grow legitimately is the JIT's code and compiler memory and the high-water
     * marks of malloc's arenas. 16 MiB is eight times that, and catches in a 5 s run a leak of
     * 8 bytes per task or about 100 bytes per echoed chunk; a longer run catches less per
     * operation under the same bound.
     */
    private static final long RSS_GROWTH_LIMIT_KB = 16 * 1024;
    /**
     * Under .ci/asan-java.sh the child runs with the ASan runtime too, whose quarantine holds
     * freed memory (up to 256 MiB) by design: VmRSS then says nothing, and is not bounded.
     */
    private static final boolean SANITIZED = Boolean.getBoolean("evloop.expect.sanitized");
    /** Heap in use after a GC: the soak's live data does not grow with time. */
    private static final long HEAP_GROWTH_LIMIT_KB = 16 * 1024;
    /** The JDK's direct buffers: NIO's per-thread cache of temporary buffers is full by then. */
    private static final long DIRECT_GROWTH_LIMIT_KB = 1024;
    /**
     * The core's own bytes with the same connections open (measured: equal). Only a write queue
     * that meets a longer backlog than in the warm-up may still double (16 bytes per entry);
     * 4 KiB is a queue growing from 128 to 256 entries, and a per-write or per-read leak of even
     * one byte would pass it within a second.
     */
    private static final long CORE_GROWTH_LIMIT_BYTES = 4096;
    /**
     * The Java side's native buffers (measured: equal). A new high of queued writes may take one
     * more block of write chunks (1 MiB); a leak of chunks takes one block per 64 writes.
     */
    private static final long BUFFER_GROWTH_LIMIT_BYTES = 1024 * 1024;

    static List<TestBackends.Config> backends() {
        return NetTestSupport.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void echoTimersAndTasksTogether(TestBackends.Config config) throws Exception {
        Map<String, String> f = runChild(config);
        String all = "soak " + config + ": " + f;
        System.out.printf("soak %s: %d s, %s bytes echoed, %s timer ticks, %s tasks, "
                + "VmRSS %s -> %s kB (peak %s), heap %s -> %s kB, direct %s -> %s kB, "
                + "core %s -> %s B, buffers %s -> %s B%n", config, SECONDS, f.get("bytes"),
                f.get("ticks"), f.get("ran"), f.get("warmRssKb"), f.get("endRssKb"),
                f.get("peakRssKb"), f.get("warmHeapKb"), f.get("endHeapKb"),
                f.get("warmDirectKb"), f.get("endDirectKb"), f.get("warmCoreBytes"),
                f.get("endCoreBytes"), f.get("warmBufferBytes"), f.get("endBufferBytes"));
        assertFalse(f.containsKey("failure"), all);
        assertTrue(number(f, "bytes") > 0, all);
        assertEquals(number(f, "submitted"), number(f, "ran"), "every submitted task ran: " + all);
        assertTrue(number(f, "ticks") > 0, "the timer ran: " + all);
        assertEquals(0, number(f, "errors"), "reported or logged: " + all);
        assertTrue(number(f, "fdsAfter") <= number(f, "fdsBefore"), "descriptors: " + all);
        if (!SANITIZED) {
            assertGrowth(f, "RssKb", RSS_GROWTH_LIMIT_KB);
            assertTrue(number(f, "peakRssKb") - number(f, "warmRssKb") < RSS_GROWTH_LIMIT_KB,
                    "peak VmRSS: " + all);
        }
        assertGrowth(f, "HeapKb", HEAP_GROWTH_LIMIT_KB);
        assertGrowth(f, "DirectKb", DIRECT_GROWTH_LIMIT_KB);
        assertGrowth(f, "CoreBytes", CORE_GROWTH_LIMIT_BYTES);
        assertGrowth(f, "BufferBytes", BUFFER_GROWTH_LIMIT_BYTES);
        if (config.isNative()) {
            assertTrue(number(f, "warmCoreBytes") > 0, all);
            assertTrue(number(f, "warmBufferBytes") > 0, all);
        } else {
            assertEquals(0, number(f, "endCoreBytes") + number(f, "endBufferBytes"), all);
        }
    }

    private static void assertGrowth(Map<String, String> f, String figure, long limit) {
        long growth = number(f, "end" + figure) - number(f, "warm" + figure);
        assertTrue(growth <= limit, figure + " grew by " + growth + " after the warm-up (limit "
                + limit + "): " + f);
    }

    private static long number(Map<String, String> figures, String key) {
        String value = figures.get(key);
        assertTrue(value != null, "the child reported no " + key + ": " + figures);
        return Long.parseLong(value);
    }

    /**
     * Runs the soak in a child JVM and returns the figures of its one result line. The child's
     * output goes to a file, so that a hung child is found by waiting for it, with a bound.
     */
    private static Map<String, String> runChild(TestBackends.Config config) throws Exception {
        Path output = Files.createTempFile("evloop-soak", ".txt");
        Process child = new ProcessBuilder(command(config)).redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            assertTrue(child.waitFor(SECONDS + CHILD_MARGIN_SECONDS, TimeUnit.SECONDS),
                    "the child did not end");
            assertEquals(0, child.exitValue(), "the child's exit status");
            for (String line : Files.readAllLines(output, StandardCharsets.US_ASCII)) {
                if (line.startsWith("soak-figures")) {
                    return parse(line);
                }
            }
            throw new AssertionError("the child printed no figures");
        } finally {
            child.destroyForcibly().waitFor();
            Files.delete(output);
        }
    }

    private static Map<String, String> parse(String line) {
        Map<String, String> figures = new HashMap<>();
        for (String pair : line.substring("soak-figures".length()).trim().split(" ")) {
            int eq = pair.indexOf('=');
            figures.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return figures;
    }

    private static List<String> command(TestBackends.Config config) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-exports") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("-Devloop.")) {
                command.add(arg);
            }
        }
        command.add("-Xms" + HEAP);
        command.add("-Xmx" + HEAP);
        command.add("-XX:+AlwaysPreTouch");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:MaxDirectMemorySize=64m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SoakChild.class.getName());
        command.add(config.backend.name());
        command.add(config.binding.name());
        command.add(Integer.toString(SECONDS));
        return command;
    }
}
