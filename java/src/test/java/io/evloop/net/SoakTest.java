package io.evloop.net;

import static io.evloop.net.NetTestSupport.await;
import static io.evloop.net.NetTestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evloop.EventLoop;
import io.evloop.TestBackends;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.BufferPoolMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Echo traffic on several connections, a timer and tasks from another thread, all at once for
 * {@code -Devloop.soak.seconds} (default 5). At the end every byte came back exactly, the
 * descriptors are back, nothing was reported or logged, and resident memory did not keep growing.
 */
@Tag("soak")
class SoakTest {
    private static final int SECONDS = Integer.getInteger("evloop.soak.seconds", 5);
    private static final int CONNECTIONS = 8;
    private static final int MAX_CHUNK = 32 * 1024;
    /**
     * Generous bounds on growth after warm-up. Heap in use after a GC and the JDK's direct
     * buffers are the sharp measures; VmRSS is coarse (it includes the heap growing towards
     * -Xmx and pages touched for the first time), so its bound only catches a gross native leak.
     */
    private static final long RSS_GROWTH_LIMIT_KB = 256 * 1024;
    private static final long HEAP_GROWTH_LIMIT_KB = 64 * 1024;
    private static final long DIRECT_GROWTH_LIMIT_KB = 16 * 1024;

    static List<TestBackends.Config> backends() {
        return NetTestSupport.backends();
    }

    /** The stream's byte at a position: the echo can come back in any slicing. */
    static byte byteAt(int seed, long position) {
        return (byte) ((position * 2654435761L + seed * 40503L) >>> 11);
    }

    /** Sends random chunks one at a time and checks each echo byte against its own copy. */
    static final class PingPong implements ConnectionHandler {
        final AtomicBoolean stop;
        final CompletableFuture<Long> done = new CompletableFuture<>();
        private final Random chunks;
        private final int seed;
        private long sent;
        private long echoed;

        PingPong(int seed, AtomicBoolean stop) {
            this.stop = stop;
            this.chunks = new Random(seed);
            this.seed = seed;
        }

        @Override
        public void onOpen(Connection connection) {
            sendChunk(connection);
        }

        private void sendChunk(Connection connection) {
            byte[] chunk = new byte[1 + chunks.nextInt(MAX_CHUNK)];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = byteAt(seed, sent + i);
            }
            sent += chunk.length;
            connection.write(chunk);
        }

        @Override
        public void onData(Connection connection, ByteBuffer data) {
            while (data.hasRemaining()) {
                if (data.get() != byteAt(seed, echoed)) {
                    done.completeExceptionally(new AssertionError("byte " + echoed + " differs"));
                    connection.abort();
                    return;
                }
                echoed++;
            }
            if (echoed == sent) {
                if (stop.get()) {
                    done.complete(echoed);
                    connection.close();
                } else {
                    sendChunk(connection);
                }
            }
        }

        @Override
        public void onClose(Connection connection, Throwable cause) {
            if (cause != null) {
                done.completeExceptionally(cause);
            }
            done.complete(-1L);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void echoTimersAndTasksTogether(TestBackends.Config config) throws Exception {
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        Logger logger = Logger.getLogger("io.evloop");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                // Warnings (a slow iteration during a GC pause, say) are timing, not faults.
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add("log: " + record.getMessage() + " " + record.getThrown());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(capture);
        warmUpOnce(config);
        int fdsBefore = NetTestSupport.openDescriptors();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ticks = new AtomicLong();
        AtomicLong submitted = new AtomicLong();
        AtomicLong ran = new AtomicLong();
        long[] warm;
        long[] end;
        long bytes = 0;
        try (EventLoop server = config.builder()
                        .errorHandler((l, s, e) -> errors.add("server: " + s + ": " + e))
                        .build().start();
                EventLoop client = config.builder()
                        .errorHandler((l, s, e) -> errors.add("client: " + s + ": " + e))
                        .build().start()) {
            Server listener = Server.listen(server, loopback(), NetTestSupport.Echo::new);
            server.scheduleAtFixedRate(ticks::incrementAndGet, 1, 1, TimeUnit.MILLISECONDS);
            Thread submitter = new Thread(() -> {
                while (!stop.get()) {
                    server.execute(ran::incrementAndGet);
                    submitted.incrementAndGet();
                    if (submitted.get() % 1000 == 0) {
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "soak-submitter");
            submitter.start();
            List<PingPong> peers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                PingPong peer = new PingPong(i + 1, stop);
                peers.add(peer);
                Client.connect(client, listener.localAddress(), peer);
            }
            long warmUp = Math.max(1000, SECONDS * 200L);
            Thread.sleep(warmUp);
            warm = memoryKb();
            Thread.sleep(SECONDS * 1000L - warmUp);
            stop.set(true);
            submitter.join();
            for (PingPong peer : peers) {
                long echoed = await(peer.done);
                assertTrue(echoed > 0, "a connection echoed nothing");
                bytes += echoed;
            }
            await(server.submit(() -> null));
            assertEquals(submitted.get(), ran.get(), "every submitted task ran");
            assertTrue(ticks.get() > 0, "the timer ran");
            end = memoryKb();
            await(listener.close());
        } finally {
            logger.removeHandler(capture);
        }
        MisbehavingPeerTest.awaitDescriptors(fdsBefore);
        assertTrue(errors.isEmpty(), "reported: " + errors);
        String memory = String.format("VmRSS %d -> %d kB, heap used after GC %d -> %d kB, "
                + "direct buffers %d -> %d kB", warm[0], end[0], warm[1], end[1], warm[2], end[2]);
        System.out.printf("soak %s: %d s, %d bytes echoed, %d timer ticks, %d tasks, %s%n",
                config, SECONDS, bytes, ticks.get(), ran.get(), memory);
        assertTrue(end[0] - warm[0] < RSS_GROWTH_LIMIT_KB, memory);
        assertTrue(end[1] - warm[1] < HEAP_GROWTH_LIMIT_KB, memory);
        assertTrue(end[2] - warm[2] < DIRECT_GROWTH_LIMIT_KB, memory);
    }

    /**
     * One short echo before the descriptors are counted: the first networking in a JVM makes
     * the JDK keep a socket of its own open (seen on JDK 25 with NIO), which is no leak.
     */
    private static void warmUpOnce(TestBackends.Config config) throws Exception {
        try (EventLoop loop = NetTestSupport.start(config)) {
            Server server = Server.listen(loop, loopback(), NetTestSupport.Echo::new);
            NetTestSupport.Collector collector = new NetTestSupport.Collector(1);
            Connection c = await(Client.connect(loop, server.localAddress(), collector));
            c.write(new byte[] {1});
            await(collector.done);
            await(c.close());
            await(server.close());
        }
    }

    /** {VmRSS, heap used, direct buffers}, in kB, after a GC. */
    private static long[] memoryKb() throws IOException {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = 0;
        for (BufferPoolMXBean pool
                : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            }
        }
        return new long[] {residentKb(), heap / 1024, direct / 1024};
    }

    private static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
