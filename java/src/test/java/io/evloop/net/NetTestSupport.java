package io.evloop.net;

import io.evloop.EventLoop;
import io.evloop.TestBackends;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the networking tests. */
final class NetTestSupport {
    static final long TIMEOUT_SECONDS = 60;

    private NetTestSupport() {}

    static List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    static EventLoop start(TestBackends.Config config) {
        return config.builder().build().start();
    }

    static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    static int openDescriptors() throws IOException {
        try (var files = Files.list(Path.of("/proc/self/fd"))) {
            return (int) files.count();
        }
    }

    /** What the open descriptors are, for a failure message. */
    static String describeFds() throws IOException {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                try {
                    b.append(p.getFileName()).append("->").append(Files.readSymbolicLink(p))
                            .append(' ');
                } catch (IOException e) {
                    b.append(p.getFileName()).append("->? ");
                }
            }
        }
        return b.toString();
    }

    /** Echoes what it reads; answers a half-close with its own after the echo left. */
    static class Echo implements ConnectionHandler {
        @Override
        public void onData(Connection connection, ByteBuffer data) {
            connection.write(data);
        }

        @Override
        public void onPeerClosed(Connection connection) {
            connection.shutdownOutput();
        }
    }

    /** Collects what arrives; {@link #done} completes with it once the peer closed. */
    static class Collector implements ConnectionHandler {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        final CompletableFuture<Throwable> closed = new CompletableFuture<>();
        private final int expected;

        Collector(int expected) {
            this.expected = expected;
        }

        @Override
        public void onData(Connection connection, ByteBuffer data) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            received.write(bytes, 0, bytes.length);
            if (expected > 0 && received.size() >= expected) {
                done.complete(received.toByteArray());
            }
        }

        @Override
        public void onPeerClosed(Connection connection) {
            done.complete(received.toByteArray());
            connection.close();
        }

        @Override
        public void onClose(Connection connection, Throwable cause) {
            closed.complete(cause);
            if (cause != null) {
                done.completeExceptionally(cause);
            }
        }
    }
}
