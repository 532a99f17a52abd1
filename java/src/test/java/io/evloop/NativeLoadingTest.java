package io.evloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.evloop.internal.NativeLibraryLoader;
import io.evloop.internal.Platform;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the loader chooses and refuses a library. Each case runs {@link LoadProbe} in a child JVM,
 * because a JVM keeps the outcome of its first load: the class path is built from where the
 * classes were loaded (surefire's own class path may be a manifest-only jar).
 */
class NativeLoadingTest {
    private static final String FALLBACK_LOG = "evloop: the native backend is not available, "
            + "using NIO: the native core cannot run on " + Platform.current();

    @TempDir
    Path dir;

    @Test
    void loadsThePackedLibraryForThisPlatform() throws Exception {
        Probe probe = run();
        if (EventLoop.isAvailable(nativeBackend(), Binding.AUTO)) {
            assertEquals(nativeBackend().name(), probe.answer("auto"), probe.toString());
            assertEquals(nativeBackend().name(), probe.answer(nativeBackend().name()),
                    probe.toString());
            assertEquals("ok", probe.answer("io"), probe.toString());
        } else {
            assertEquals("NIO", probe.answer("auto"), probe.toString());
            assertTrue(probe.stderr.contains(FALLBACK_LOG), probe.toString());
        }
    }

    @Test
    void missingLibraryFallsBackToNioAndSaysWhy() throws Exception {
        Path missing = dir.resolve("no-such-" + System.mapLibraryName("evloop"));
        Probe probe = run("-D" + NativeLibraryLoader.PATH_PROPERTY + "=" + missing);
        String reason = NativeLibraryLoader.PATH_PROPERTY + " names " + missing
                + ", which is not a file";
        assertRefused(probe, reason);
    }

    @Test
    void wrongAbiVersionFallsBackToNioAndSaysWhy() throws Exception {
        String buildDir = System.getProperty("evloop.test.nativeBuildDir");
        if (buildDir == null) {
            fail("evloop.test.nativeBuildDir is not set; run the tests through Maven");
        }
        Path library = Path.of(buildDir, System.mapLibraryName("evloop_abi_mismatch"));
        assertTrue(Files.isRegularFile(library), library + " was not built by CMake");
        Probe probe = run("-D" + NativeLibraryLoader.PATH_PROPERTY + "=" + library);
        assertRefused(probe, "the evloop library " + library
                + " has ABI version 9999, this evloop needs version ");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void anOlderLibraryWithoutNewFunctionsIsRefusedByItsVersion() throws Exception {
        String buildDir = System.getProperty("evloop.test.nativeBuildDir");
        if (buildDir == null) {
            fail("evloop.test.nativeBuildDir is not set; run the tests through Maven");
        }
        Path library = Path.of(buildDir, System.mapLibraryName("evloop_abi_old"));
        assertTrue(Files.isRegularFile(library), library + " was not built by CMake");
        Probe probe = run("-D" + NativeLibraryLoader.PATH_PROPERTY + "=" + library);
        assertRefused(probe, "the evloop library " + library
                + " has ABI version 2, this evloop needs version ");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void asksForTheMuslFolderOnMusl() throws Exception {
        // A glibc JVM cannot load a musl library: the build without the musl folder misses it,
        // the all-platforms build has it and the loader refuses it. Both fall back to NIO.
        // A library named by evloop.library.path (the sanitized run) bypasses the folders.
        assumeTrue(System.getProperty(NativeLibraryLoader.PATH_PROPERTY) == null,
                "evloop.library.path is set: the loader does not look for a folder");
        Probe probe = run("-D" + Platform.LIBC_PROPERTY + "=musl");
        assertEquals("NIO", probe.answer("auto"), probe.toString());
        String musl = Platform.current().toString().replace("(glibc)", "(musl)");
        assertTrue(probe.stderr.contains("using NIO: the native core cannot run on " + musl),
                probe.toString());
        String folder = Platform.current().resourcePrefix() + "-musl/";
        assertTrue(probe.stderr.contains(folder + System.mapLibraryName("evloop")),
                probe.toString());
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aBadLibcPropertyIsAnError() throws Exception {
        Probe probe = run("-D" + Platform.LIBC_PROPERTY + "=bionic");
        assertTrue(probe.answer("auto").startsWith("failed: java.lang.IllegalArgumentException: "
                + "system property evloop.libc=bionic names no C library"), probe.toString());
    }

    private static void assertRefused(Probe probe, String reason) {
        assertEquals("NIO", probe.answer("auto"), probe.toString());
        assertEquals("ok", probe.answer("io"), probe.toString());
        assertTrue(probe.stderr.contains(FALLBACK_LOG), probe.toString());
        assertTrue(probe.stderr.contains(reason), probe.toString());
        String refusal = probe.answer(nativeBackend().name());
        assertTrue(refusal.startsWith("refused: backend " + nativeBackend()
                + " is not available: the native core cannot run on " + Platform.current()),
                probe.toString());
        assertTrue(refusal.contains(reason), probe.toString());
    }

    private static Backend nativeBackend() {
        return System.getProperty("os.name").startsWith("Linux") ? Backend.EPOLL
                : Backend.KQUEUE;
    }

    private Probe run(String... properties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : System.getProperty("evloop.test.jvmArgs", "").split("\\s+")) {
            if (!arg.isEmpty()) {
                command.add(arg);
            }
        }
        command.addAll(List.of(properties));
        command.add("-cp");
        command.add(classPath());
        command.add(LoadProbe.class.getName());
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the child JVM did not finish in 120 s: " + command);
        }
        Probe probe = new Probe(command, process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        assertEquals(0, probe.exit, probe.toString());
        return probe;
    }

    /** Where the evloop classes, the tests and the dependencies were loaded from. */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String name : new String[] {"io.evloop.EventLoop", "io.evloop.LoadProbe",
                "com.sun.jna.Native", "org.jctools.queues.MpscArrayQueue",
                "org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue",
                "org.HdrHistogram.Histogram"}) {
            try {
                Class<?> type = Class.forName(name);
                entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation()
                        .toURI()).toString());
            } catch (ClassNotFoundException | URISyntaxException e) {
                throw new AssertionError("cannot locate " + name + " for the child JVM", e);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** What a child JVM printed: "question=answer" lines on stdout, logs on stderr. */
    private static final class Probe {
        final List<String> command;
        final int exit;
        final String stdout;
        final String stderr;

        Probe(List<String> command, int exit, String stdout, String stderr) {
            this.command = command;
            this.exit = exit;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        String answer(String question) {
            for (String line : stdout.split("\\R")) {
                if (line.startsWith(question + "=")) {
                    return line.substring(question.length() + 1);
                }
            }
            throw new AssertionError("the child JVM gave no answer to " + question + ": "
                    + this);
        }

        @Override
        public String toString() {
            return "command " + command + " exited " + exit + "\nstdout:\n" + stdout
                    + "\nstderr:\n" + stderr;
        }
    }
}
