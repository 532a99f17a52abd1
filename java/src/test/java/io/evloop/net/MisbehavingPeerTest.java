package io.evloop.net;

import static io.evloop.net.NetTestSupport.await;
import static io.evloop.net.NetTestSupport.loopback;
import static io.evloop.net.NetTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evloop.EventLoop;
import io.evloop.TestBackends;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Peers that misbehave, written with plain blocking JDK sockets against an evloop server: each
 * case must end in a closed connection with its cause, and the descriptors back to their count.
 */
class MisbehavingPeerTest {
    private static final int CHUNK = 16 * 1024;

    static List<TestBackends.Config> backends() {
        return NetTestSupport.backends();
    }

    /** Records how the server's one connection ends. */
    static class Ends implements ConnectionHandler {
        final CompletableFuture<Connection> opened = new CompletableFuture<>();
        final CompletableFuture<Throwable> closed = new CompletableFuture<>();

        @Override
        public void onOpen(Connection connection) throws Exception {
            opened.complete(connection);
        }

        @Override
        public void onData(Connection connection, ByteBuffer data) {
            data.position(data.limit());
        }

        @Override
        public void onClose(Connection connection, Throwable cause) {
            // A CompletableFuture cannot hold null as "no cause" apart from success: wrap it.
            closed.complete(cause == null ? new NoCause() : cause);
        }
    }

    /** Stands for a clean close (no cause). */
    static final class NoCause extends Throwable {
        NoCause() {
            super("no cause", null, false, false);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void resetInTheMiddleOfALargeWriteFailsThePendingWrites(TestBackends.Config config)
            throws Exception {
        int before = NetTestSupport.openDescriptors();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        Ends ends = new Ends() {
            @Override
            public void onOpen(Connection connection) throws Exception {
                byte[] block = new byte[1 << 20];
                for (int i = 0; i < 32; i++) {
                    writes.add(connection.write(block));
                }
                super.onOpen(connection);
            }
        };
        try (EventLoop loop = start(config)) {
            Server server = Server.listen(loop, loopback(), () -> ends);
            try (SocketChannel peer = SocketChannel.open(server.localAddress())) {
                await(ends.opened);
                peer.read(ByteBuffer.allocate(4096));
                // Linger 0: close sends a reset, not a FIN.
                peer.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            Throwable cause = await(ends.closed);
            assertInstanceOf(IOException.class, cause, "onClose cause: " + cause);
            CompletableFuture<Void> last = writes.get(writes.size() - 1);
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> await(last));
            assertInstanceOf(IOException.class, failed.getCause());
            for (CompletableFuture<Void> w : writes) {
                assertTrue(w.isDone(), "every write future ends");
            }
            await(server.close());
        }
        awaitDescriptors(before);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aPeerThatNeverReadsBoundsTheWriterByTheWatermarks(TestBackends.Config config)
            throws Exception {
        int before = NetTestSupport.openDescriptors();
        int low = 32 * 1024;
        int high = 64 * 1024;
        NetOptions options = NetOptions.builder().watermarks(low, high).build();
        AtomicLong maxPending = new AtomicLong();
        AtomicLong written = new AtomicLong();
        Ends ends = new Ends() {
            @Override
            public void onOpen(Connection connection) throws Exception {
                super.onOpen(connection);
                fill(connection);
            }

            @Override
            public void onWritabilityChanged(Connection connection, boolean writable) {
                if (writable) {
                    fill(connection);
                }
            }

            private void fill(Connection connection) {
                byte[] chunk = new byte[CHUNK];
                while (connection.isOpen() && connection.isWritable()) {
                    // Counted before the write: a write can reach the peer before it returns.
                    written.addAndGet(CHUNK);
                    connection.write(chunk);
                    maxPending.accumulateAndGet(connection.pendingBytes(), Math::max);
                }
            }
        };
        try (EventLoop loop = start(config)) {
            Server server = Server.listen(loop, loopback(), options, () -> ends);
            try (SocketChannel peer = SocketChannel.open(server.localAddress())) {
                Connection connection = await(ends.opened);
                long settled = waitUntilStill(written);
                Thread.sleep(500);
                assertEquals(settled, written.get(), "the writer stopped while not writable");
                assertTrue(maxPending.get() <= high + CHUNK,
                        "pending " + maxPending.get() + " > high watermark + one write");
                assertTrue(loop.submit(connection::pendingBytes).get() <= high + CHUNK);
                // Reading it all lets the writer go on: backpressure, not a dead connection.
                readAtLeast(peer, settled + CHUNK);
                assertTrue(written.get() > settled, "the writer resumed");
                peer.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            Throwable cause = await(ends.closed);
            assertTrue(cause instanceof IOException || cause instanceof NoCause, "" + cause);
            await(server.close());
        }
        awaitDescriptors(before);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aHalfOpenPeerStillGetsTheAnswerThenTheClose(TestBackends.Config config)
            throws Exception {
        int before = NetTestSupport.openDescriptors();
        CompletableFuture<Void> peerClosed = new CompletableFuture<>();
        Ends ends = new Ends() {
            @Override
            public void onPeerClosed(Connection connection) {
                peerClosed.complete(null);
                connection.write("bye".getBytes(StandardCharsets.US_ASCII));
                connection.close();
            }
        };
        try (EventLoop loop = start(config)) {
            Server server = Server.listen(loop, loopback(), () -> ends);
            try (SocketChannel peer = SocketChannel.open(server.localAddress())) {
                peer.write(ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)));
                peer.shutdownOutput();
                await(peerClosed);
                assertArrayEquals("bye".getBytes(StandardCharsets.US_ASCII), readToEnd(peer));
            }
            assertInstanceOf(NoCause.class, await(ends.closed));
            await(server.close());
        }
        awaitDescriptors(before);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aSilentPeerThatClosesEndsTheConnection(TestBackends.Config config) throws Exception {
        int before = NetTestSupport.openDescriptors();
        Ends silent = new Ends();
        Ends reset = new Ends();
        List<Ends> order = List.of(silent, reset);
        AtomicLong next = new AtomicLong();
        try (EventLoop loop = start(config)) {
            Server server = Server.listen(loop, loopback(),
                    () -> order.get((int) next.getAndIncrement()));
            try (SocketChannel peer = SocketChannel.open(server.localAddress())) {
                await(silent.opened);
            }
            assertInstanceOf(NoCause.class, await(silent.closed));
            try (SocketChannel peer = SocketChannel.open(server.localAddress())) {
                await(reset.opened);
                peer.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            Throwable cause = await(reset.closed);
            assertTrue(cause instanceof IOException || cause instanceof NoCause, "" + cause);
            // The loop is not stuck: it still runs tasks.
            assertEquals(1, loop.submit(() -> 1).get());
            await(server.close());
        }
        awaitDescriptors(before);
    }

    /** Waits until the counter stops moving for 300 ms; bounded by the test timeout. */
    private static long waitUntilStill(AtomicLong counter) throws InterruptedException {
        long deadline = System.nanoTime() + NetTestSupport.TIMEOUT_SECONDS * 1_000_000_000L;
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = counter.get();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
            Thread.sleep(300);
        }
        throw new AssertionError("the writer never stopped: " + counter.get());
    }

    private static void readAtLeast(SocketChannel peer, long bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        long total = 0;
        while (total < bytes) {
            buffer.clear();
            int n = peer.read(buffer);
            if (n < 0) {
                throw new IOException("end of stream after " + total + " bytes");
            }
            total += n;
        }
    }

    private static byte[] readToEnd(SocketChannel peer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        while (peer.read(buffer.clear()) >= 0) {
            out.write(buffer.array(), 0, buffer.position());
        }
        return out.toByteArray();
    }

    /** Descriptors close shortly after onClose; waits up to 5 s for the count to come back. */
    static void awaitDescriptors(int before) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int now = NetTestSupport.openDescriptors();
        while (now > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = NetTestSupport.openDescriptors();
        }
        assertTrue(now <= before, "descriptors " + before + " -> " + now + ": "
                + NetTestSupport.describeFds());
    }
}
