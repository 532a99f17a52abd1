package io.evloop.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The platform this JVM runs on, named as the folders of the jar name their libraries:
 * JNA's resource prefix ({@code linux-x86-64}, {@code linux-aarch64}, {@code darwin-aarch64},
 * {@code darwin-x86-64}, ...), with {@code -musl} added on Linux with musl, for which JNA has
 * no name ({@code linux-x86-64-musl}, {@code linux-aarch64-musl}).
 *
 * <p>The C library is the one this process runs on, not merely one that is installed (Debian
 * can install musl beside glibc): the loader of the process shows in {@code /proc/self/maps}
 * ({@code ld-musl-<arch>.so.1} for musl, {@code ld-linux*} or {@code libc.so.6} for glibc).
 * Without {@code /proc}, a {@code /lib/ld-musl-*.so.1} means musl. The system property
 * {@value #LIBC_PROPERTY} ({@code glibc} or {@code musl}) overrides both, for setups that
 * fool them. Immutable and thread-safe.
 */
public final class Platform {
    /** System property that names the C library instead of detecting it. */
    public static final String LIBC_PROPERTY = "evloop.libc";

    /** The C library of a Linux process; {@link #NONE} on other systems. */
    public enum Libc {
        GLIBC,
        MUSL,
        NONE
    }

    private static volatile Platform current;

    private final String os;
    private final String arch;
    private final Libc libc;

    Platform(String os, String arch, Libc libc) {
        this.os = os;
        this.arch = arch;
        this.libc = libc;
    }

    /** The platform of this JVM, detected on the first call. */
    public static Platform current() {
        Platform platform = current;
        if (platform == null) {
            String os = osName(System.getProperty("os.name", ""));
            Libc libc = os.equals("linux") ? linuxLibc() : Libc.NONE;
            platform = new Platform(os, archName(System.getProperty("os.arch", "")), libc);
            current = platform;
        }
        return platform;
    }

    /** The folder of the jar that holds this platform's library. */
    public String resourcePrefix() {
        return os + "-" + arch + (libc == Libc.MUSL ? "-musl" : "");
    }

    /** The C library; {@link Libc#NONE} when the system is not Linux. */
    public Libc libc() {
        return libc;
    }

    /** For messages: {@code linux-x86-64 (glibc)}, {@code darwin-aarch64}. */
    @Override
    public String toString() {
        String base = os + "-" + arch;
        if (libc == Libc.NONE) {
            return base;
        }
        return base + " (" + libc.name().toLowerCase(Locale.ROOT) + ")";
    }

    static String osName(String property) {
        String os = property.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return "linux";
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return "darwin";
        }
        if (os.startsWith("freebsd")) {
            return "freebsd";
        }
        return os.replaceAll("\\W", "");
    }

    static String archName(String property) {
        String arch = property.toLowerCase(Locale.ROOT);
        switch (arch) {
            case "amd64":
            case "x86_64":
                return "x86-64";
            case "aarch64":
            case "arm64":
                return "aarch64";
            default:
                return arch.replaceAll("\\W", "");
        }
    }

    private static Libc linuxLibc() {
        String forced = System.getProperty(LIBC_PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return parseLibc(forced);
        }
        Libc mapped = fromMaps(Path.of("/proc/self/maps"));
        if (mapped != null) {
            return mapped;
        }
        return hasMuslLoader(Path.of("/lib")) ? Libc.MUSL : Libc.GLIBC;
    }

    static Libc parseLibc(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "glibc":
            case "gnu":
                return Libc.GLIBC;
            case "musl":
                return Libc.MUSL;
            default:
                throw new IllegalArgumentException("system property " + LIBC_PROPERTY + "="
                        + value + " names no C library; use glibc or musl");
        }
    }

    /**
     * The C library mapped into this process, or null when the maps file names none. Musl wins
     * over glibc: a glibc process never maps musl's loader, while a musl process with a glibc
     * shim (gcompat) may show glibc-like names.
     */
    static Libc fromMaps(Path maps) {
        Libc seen = null;
        try (BufferedReader in = Files.newBufferedReader(maps, StandardCharsets.ISO_8859_1)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Libc libc = libcOfMapping(line);
                if (libc == Libc.MUSL) {
                    return libc;
                }
                if (libc != null) {
                    seen = libc;
                }
            }
            return seen;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** The C library that one line of {@code /proc/<pid>/maps} shows, or null. */
    static Libc libcOfMapping(String line) {
        int slash = line.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        String file = line.substring(slash + 1);
        if (file.startsWith("ld-musl-") || file.startsWith("libc.musl-")) {
            return Libc.MUSL;
        }
        if (file.startsWith("ld-linux") || file.equals("libc.so.6")
                || file.startsWith("libc-2.")) {
            return Libc.GLIBC;
        }
        return null;
    }

    static boolean hasMuslLoader(Path lib) {
        try (DirectoryStream<Path> found = Files.newDirectoryStream(lib, "ld-musl-*.so.1")) {
            return found.iterator().hasNext();
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
