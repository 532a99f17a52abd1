package io.evloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A JVM with busy loops ends promptly: by {@code System.exit}, by returning from main (the loop
 * threads are daemons by default), and with non-daemon loops that a shutdown hook closes. Each
 * case runs a child JVM ({@link ShutdownChild}) on every backend.
 */
class JvmShutdownTest {
    /** Far above the second or so that a child needs; only a hang reaches it. */
    private static final long CHILD_SECONDS = 60;

    static List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void systemExitWithBusyLoopsEndsTheJvm(TestBackends.Config config, @TempDir Path dir)
            throws Exception {
        String out = runChild(config, "exit", dir);
        assertTrue(out.contains("busy"), out);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void returningFromMainWithBusyDaemonLoopsEndsTheJvm(TestBackends.Config config,
            @TempDir Path dir) throws Exception {
        String out = runChild(config, "return", dir);
        assertTrue(out.contains("busy"), out);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void nonDaemonLoopsClosedFromAShutdownHookEndTheJvm(TestBackends.Config config,
            @TempDir Path dir) throws Exception {
        String out = runChild(config, "hook", dir);
        assertTrue(out.contains("busy") && out.contains("closed"), out);
        assertFalse(out.contains("not terminated"), out);
    }

    /** Runs the child to its end; fails if it hangs, fails or prints an exception. */
    private static String runChild(TestBackends.Config config, String mode, Path dir)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // The module options and evloop's own settings (a sanitized library, say).
            if (arg.startsWith("--add-exports") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("-Devloop.")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ShutdownChild.class.getName());
        command.add(config.backend.name());
        command.add(config.binding.name());
        command.add(mode);
        File log = dir.resolve("child.log").toFile();
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log).start();
        boolean ended = child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor();
        }
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertTrue(ended, "the child JVM (" + mode + ") still ran after " + CHILD_SECONDS
                + " s:\n" + out);
        assertEquals(0, child.exitValue(), out);
        assertFalse(out.contains("Exception") || out.contains("Error"), out);
        return out;
    }
}
