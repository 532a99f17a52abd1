package io.evloop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evloop.internal.Platform.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformTest {
    @TempDir
    Path dir;

    @Test
    void namesTheJarFolderOfEachSupportedPlatform() {
        assertEquals("linux-x86-64", prefix("Linux", "amd64", Libc.GLIBC));
        assertEquals("linux-aarch64", prefix("Linux", "aarch64", Libc.GLIBC));
        assertEquals("linux-x86-64-musl", prefix("Linux", "amd64", Libc.MUSL));
        assertEquals("linux-aarch64-musl", prefix("Linux", "aarch64", Libc.MUSL));
        assertEquals("darwin-aarch64", prefix("Mac OS X", "aarch64", Libc.NONE));
        assertEquals("darwin-x86-64", prefix("Mac OS X", "x86_64", Libc.NONE));
    }

    @Test
    void describesThePlatformWithItsCLibrary() {
        assertEquals("linux-aarch64 (musl)", new Platform("linux", "aarch64", Libc.MUSL)
                .toString());
        assertEquals("darwin-x86-64", new Platform("darwin", "x86-64", Libc.NONE).toString());
    }

    @Test
    void readsTheCLibraryFromTheProcessMappings() throws IOException {
        Path glibc = write("glibc-maps",
                "7f74c259c000-7f74c25c2000 r--p 00000000 fe:00 339380 /usr/lib/x86_64-linux-gnu/"
                        + "libc.so.6",
                "7f74c2791000-7f74c2792000 r--p 00000000 fe:00 338944 /usr/lib/x86_64-linux-gnu/"
                        + "ld-linux-x86-64.so.2");
        assertEquals(Libc.GLIBC, Platform.fromMaps(glibc));

        Path musl = write("musl-maps",
                "7f0000000000-7f0000001000 r--p 00000000 08:01 1234 /usr/lib/jvm/libjli.so",
                "7f0000100000-7f0000150000 r-xp 00014000 08:01 99 /lib/ld-musl-aarch64.so.1");
        assertEquals(Libc.MUSL, Platform.fromMaps(musl));

        Path none = write("no-maps", "7f0000000000-7f0000001000 r--p 00000000 00:00 0 [vdso]");
        assertNull(Platform.fromMaps(none));
        assertNull(Platform.fromMaps(dir.resolve("missing")));
    }

    @Test
    void muslIsPreferredWhenAGlibcShimIsMappedToo() throws IOException {
        Path shim = write("shim-maps",
                "7f0000000000-7f0000001000 r--p 00000000 08:01 7 /lib/libgcompat.so.0",
                "7f0000002000-7f0000003000 r--p 00000000 08:01 8 /lib/ld-linux-x86-64.so.2",
                "7f0000100000-7f0000150000 r-xp 00014000 08:01 9 /lib/ld-musl-x86_64.so.1");
        assertEquals(Libc.MUSL, Platform.fromMaps(shim));
    }

    @Test
    void findsMuslLoaderFilesWhenThereIsNoProc() throws IOException {
        assertFalse(Platform.hasMuslLoader(dir));
        Files.createFile(dir.resolve("ld-musl-x86_64.so.1"));
        assertTrue(Platform.hasMuslLoader(dir));
    }

    @Test
    void theLibcPropertyAcceptsOnlyKnownNames() {
        assertEquals(Libc.MUSL, Platform.parseLibc(" MUSL "));
        assertEquals(Libc.GLIBC, Platform.parseLibc("glibc"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Platform.parseLibc("bionic"));
        assertTrue(e.getMessage().contains("evloop.libc=bionic"), e.getMessage());
    }

    @Test
    void detectsThisMachine() {
        Platform here = Platform.current();
        String os = System.getProperty("os.name");
        if (!os.startsWith("Linux")) {
            assertEquals(Libc.NONE, here.libc());
            return;
        }
        // An Alpine machine has this file; the Debian machines this project runs on do not.
        Libc expected = Files.exists(Path.of("/etc/alpine-release")) ? Libc.MUSL : Libc.GLIBC;
        assertEquals(expected, here.libc());
        assertTrue(here.resourcePrefix().startsWith("linux-"), here.resourcePrefix());
    }

    private static String prefix(String os, String arch, Libc libc) {
        return new Platform(Platform.osName(os), Platform.archName(arch), libc).resourcePrefix();
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), java.util.List.of(lines));
    }
}
