package io.evloop.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Finds the C core for the running platform: the file named by the system property
 * {@value #PATH_PROPERTY} when set, otherwise the library packed in the jar under the
 * platform's folder (see {@link Platform}: {@code linux-x86-64/libevloop.so},
 * {@code linux-aarch64-musl/libevloop.so}, {@code darwin-aarch64/libevloop.dylib}, ...),
 * extracted to a temporary file when it is not already a plain file on the class path.
 *
 * <p>The result is computed once; both bindings load the same file. Whether the file loads and
 * has the expected ABI is checked by {@link NativeSupport}, which names the platform in every
 * failure.
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
     * @throws UnsatisfiedLinkError when no library exists for this platform, naming where it
     *     was looked for
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
            throw new UnsatisfiedLinkError(resource + " is not on the class path (this evloop "
                    + "jar carries no library for the platform; set " + PATH_PROPERTY
                    + " to one built for it)");
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
     * The jar folder of this platform's library: JNA's name for it ({@code linux-x86-64},
     * {@code darwin-aarch64}, ...), with {@code -musl} on Linux with musl.
     */
    public static String resourcePrefix() {
        return Platform.current().resourcePrefix();
    }
}
