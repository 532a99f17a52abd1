package io.evloop.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Finds the C core for the running platform: the file named by the system property
 * {@value #PATH_PROPERTY} when set, otherwise the library packed in the jar under JNA's
 * resource prefix (for example {@code linux-x86-64/libevloop.so}), extracted to a temporary
 * file when it is not already a plain file on the class path.
 *
 * <p>The result is computed once; both bindings load the same file.
 */
public final class NativeLibraryLoader {
    /** System property naming a library file to load instead of the packed one. */
    public static final String PATH_PROPERTY = "evloop.library.path";

    private static Path path;
    private static UnsatisfiedLinkError failure;

    private NativeLibraryLoader() {}

    /**
     * Returns the library file, locating it on the first call.
     *
     * @throws UnsatisfiedLinkError when no library exists for this platform, naming the
     *     platform and where it was looked for
     */
    static synchronized Path libraryPath() {
        if (path == null && failure == null) {
            try {
                path = locate();
            } catch (UnsatisfiedLinkError e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return path;
    }

    private static Path locate() {
        String configured = System.getProperty(PATH_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path file = Path.of(configured).toAbsolutePath();
            if (!Files.isRegularFile(file)) {
                throw new UnsatisfiedLinkError(PATH_PROPERTY + " names " + file
                        + ", which is not a file");
            }
            return file;
        }
        String resource = resourcePrefix() + "/" + System.mapLibraryName("evloop");
        URL url = NativeLibraryLoader.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new UnsatisfiedLinkError("no evloop library for this platform ("
                    + resourcePrefix() + "): " + resource + " is not on the class path");
        }
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("bad class path URL " + url, e);
            }
        }
        return extract(url, resource);
    }

    private static Path extract(URL url, String resource) {
        try (InputStream in = url.openStream()) {
            Path dir = Files.createTempDirectory("evloop");
            Path file = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw (UnsatisfiedLinkError) new UnsatisfiedLinkError("cannot extract " + resource
                    + " to a temporary file: " + e.getMessage()).initCause(
                    new UncheckedIOException(e));
        }
    }

    /**
     * JNA's name for this platform: {@code linux-x86-64}, {@code linux-aarch64},
     * {@code darwin-aarch64}, {@code darwin-x86-64}, and so on.
     */
    public static String resourcePrefix() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String osName;
        if (os.startsWith("linux")) {
            osName = "linux";
        } else if (os.startsWith("mac") || os.startsWith("darwin")) {
            osName = "darwin";
        } else if (os.startsWith("freebsd")) {
            osName = "freebsd";
        } else {
            osName = os.replaceAll("\\W", "");
        }
        return osName + "-" + archName();
    }

    private static String archName() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
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
}
