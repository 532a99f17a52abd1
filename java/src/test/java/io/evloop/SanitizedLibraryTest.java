package io.evloop;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Proves that a sanitizer run (.ci/asan-java.sh) really loads the ASan-built core: with the
 * system property {@code evloop.expect.sanitized=true}, the library named by
 * {@code evloop.library.path} and the ASan runtime must both be mapped into this process once
 * a native loop is open. Skipped in ordinary runs.
 */
class SanitizedLibraryTest {
    @Test
    void theSanitizedCoreAndTheAsanRuntimeAreLoaded() throws Exception {
        assumeTrue(Boolean.getBoolean("evloop.expect.sanitized"), "not a sanitizer run");
        String library = System.getProperty("evloop.library.path");
        assertTrue(library != null && !library.isBlank(), "evloop.library.path is not set");
        Path file = Path.of(library).toRealPath();
        for (TestBackends.Config config : TestBackends.nativeOnly()) {
            try (EventLoop loop = config.open()) {
                loop.runUntil(loop.submit(() -> null));
            }
        }
        assertTrue(!TestBackends.nativeOnly().isEmpty(), "no native backend to test");
        String maps = Files.readString(Path.of("/proc/self/maps"));
        assertTrue(maps.contains(file.toString()), "not mapped: " + file);
        assertTrue(maps.contains("libasan"), "the ASan runtime is not loaded");
        System.out.println("sanitized core in use: " + file);
    }
}
