package io.evloop.net;

import io.evloop.Backend;
import io.evloop.Binding;
import io.evloop.EventLoop;
import io.evloop.LoopStats;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * The soak itself, in a child JVM of {@link SoakTest} whose heap is fixed and touched at start,
 * so that its resident memory can only grow through native memory. Arguments: backend, binding,
 * seconds. Echo traffic on several connections, a 1 ms timer and tasks from another thread, all
 * on one server loop, at once. Prints one line {@code soak-figures key=value ...} that the test
 * asserts on, and exits 0 even when something failed: the figures say what.
 */
public final class SoakChild {
    static final int CONNECTIONS = 8;
    static final int MAX_CHUNK = 32 * 1024;
    /** The figures are measured after this share of the run, at least {@link #MIN_WARM_MS}. */
    static final double WARM_SHARE = 0.4;
    static final long MIN_WARM_MS = 2000;
    /** With -Devloop.soak.verbose=true the child prints every VmRSS sample to stderr. */
    static final boolean VERBOSE = Boolean.getBoolean("evloop.soak.verbose");

    private SoakChild() {}

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

    /** Collects SEVERE records of the io.evloop logger; warnings (slow iterations) are timing. */
    static final class SevereRecords extends Handler {
        final ConcurrentLinkedQueue<String> errors;

        SevereRecords(ConcurrentLinkedQueue<String> errors) {
            this.errors = errors;
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add("log: " + record.getMessage() + " " + record.getThrown());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    public static void main(String[] args) throws Exception {
        Backend backend = Backend.valueOf(args[0]);
        Binding binding = Binding.valueOf(args[1]);
        int seconds = Integer.parseInt(args[2]);
        Map<String, Object> figures = new LinkedHashMap<>();
        try {
            run(backend, binding, seconds, figures);
        } catch (Throwable t) {
            figures.put("failure", String.valueOf(t).replace(' ', '_'));
            t.printStackTrace();
        }
        StringBuilder line = new StringBuilder("soak-figures");
        figures.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        System.out.flush();
        System.exit(0);
    }

    private static void run(Backend backend, Binding binding, int seconds,
            Map<String, Object> figures) throws Exception {
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        Logger logger = Logger.getLogger("io.evloop");
        logger.addHandler(new SevereRecords(errors));
        warmUpOnce(backend, binding);
        figures.put("fdsBefore", openDescriptors());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ticks = new AtomicLong();
        AtomicLong submitted = new AtomicLong();
        AtomicLong ran = new AtomicLong();
        long bytes = 0;
        try (EventLoop server = builder(backend, binding)
                        .errorHandler((l, s, e) -> errors.add("server: " + s + ": " + e))
                        .build().start();
                EventLoop client = builder(backend, binding)
                        .errorHandler((l, s, e) -> errors.add("client: " + s + ": " + e))
                        .build().start()) {
            Server listener = Server.listen(server, loopback(), NetTestSupport.Echo::new);
            server.scheduleAtFixedRate(ticks::incrementAndGet, 1, 1, TimeUnit.MILLISECONDS);
            Thread submitter = new Thread(() -> submit(server, stop, submitted, ran),
                    "soak-submitter");
            submitter.start();
            List<PingPong> peers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                PingPong peer = new PingPong(i + 1, stop);
                peers.add(peer);
                Client.connect(client, listener.localAddress(), peer);
            }
            long warmUp = Math.max(MIN_WARM_MS, (long) (seconds * 1000L * WARM_SHARE));
            Thread.sleep(warmUp);
            measure("warm", server, client, figures);
            long peakRss = watchResident(seconds * 1000L - warmUp);
            // Measured while the traffic still runs, so that the same connections are open.
            measure("end", server, client, figures);
            figures.put("peakRssKb", peakRss);
            stop.set(true);
            submitter.join();
            for (PingPong peer : peers) {
                long echoed = peer.done.get(60, TimeUnit.SECONDS);
                if (echoed <= 0) {
                    throw new AssertionError("a connection echoed nothing");
                }
                bytes += echoed;
            }
            server.submit(() -> null).get(60, TimeUnit.SECONDS);
            figures.put("bytes", bytes);
            figures.put("ticks", ticks.get());
            figures.put("submitted", submitted.get());
            figures.put("ran", ran.get());
            listener.close().get(60, TimeUnit.SECONDS);
        }
        figures.put("fdsAfter", settledDescriptors((int) figures.get("fdsBefore")));
        figures.put("errors", errors.size());
        if (!errors.isEmpty()) {
            figures.put("firstError", errors.peek().replace(' ', '_'));
        }
    }

    private static EventLoop.Builder builder(Backend backend, Binding binding) {
        return EventLoop.builder().backend(backend).binding(binding);
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** Submits tasks as fast as the loop takes them, resting 1 ms every 1000. */
    private static void submit(EventLoop server, AtomicBoolean stop, AtomicLong submitted,
            AtomicLong ran) {
        while (!stop.get()) {
            server.execute(ran::incrementAndGet);
            if (submitted.incrementAndGet() % 1000 == 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * One short echo before the descriptors are counted, because the first socket channel of a
     * JVM makes the JDK open a descriptor that it keeps for good: the class initialiser of
     * {@code sun.nio.ch.UnixDispatcher} (JDK 25; the parent of
     * {@code SocketDispatcher} and {@code DatagramDispatcher}) calls
     * {@code socketpair(AF_UNIX, SOCK_STREAM)}, closes one end and keeps the other as its
     * pre-close descriptor: closing a channel that another thread is blocked on first
     * {@code dup2}s that descriptor over the channel's, so that the blocked call ends at once
     * and the number cannot be reused before the real close. On JDK 17 the same descriptor
     * belongs to {@code FileDispatcherImpl}, which file channels use too, so reading any file
     * (as counting descriptors does) has opened it already; on JDK 25 file channels have their
     * own dispatcher and only networking opens it. One per JVM, never more: not a leak.
     */
    private static void warmUpOnce(Backend backend, Binding binding) throws Exception {
        try (EventLoop loop = builder(backend, binding).build().start()) {
            Server server = Server.listen(loop, loopback(), NetTestSupport.Echo::new);
            NetTestSupport.Collector collector = new NetTestSupport.Collector(1);
            Connection c = Client.connect(loop, server.localAddress(), collector)
                    .get(60, TimeUnit.SECONDS);
            c.write(new byte[] {1});
            collector.done.get(60, TimeUnit.SECONDS);
            c.close().get(60, TimeUnit.SECONDS);
            server.close().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * VmRSS, heap in use and direct buffers after a GC, and the native bytes of both loops. The
     * second GC lets the first one's freed memory settle, so that two measurements compare.
     */
    private static void measure(String when, EventLoop server, EventLoop client,
            Map<String, Object> figures) throws IOException {
        System.gc();
        System.gc();
        figures.put(when + "RssKb", residentKb());
        figures.put(when + "HeapKb",
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024);
        long direct = 0;
        for (BufferPoolMXBean pool
                : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            }
        }
        figures.put(when + "DirectKb", direct / 1024);
        LoopStats s = server.stats();
        LoopStats c = client.stats();
        figures.put(when + "CoreBytes", s.nativeCoreBytes() + c.nativeCoreBytes());
        figures.put(when + "BufferBytes", s.nativeBufferBytes() + c.nativeBufferBytes());
    }

    /** Sleeps for millis, sampling VmRSS 40 times; returns the largest sample, in kB. */
    private static long watchResident(long millis) throws Exception {
        long peak = 0;
        long step = Math.max(1, millis / 40);
        for (long slept = 0; slept < millis; slept += step) {
            Thread.sleep(Math.min(step, millis - slept));
            long rss = residentKb();
            peak = Math.max(peak, rss);
            if (VERBOSE) {
                System.err.println("soak: VmRSS " + rss + " kB");
            }
        }
        return peak;
    }

    static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }

    static int openDescriptors() throws IOException {
        try (var files = Files.list(Path.of("/proc/self/fd"))) {
            return (int) files.count();
        }
    }

    /** The descriptor count once it is back to before, or after 5 s of waiting for that. */
    private static int settledDescriptors(int before) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int now = openDescriptors();
        while (now > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = openDescriptors();
        }
        if (now > before) {
            System.err.println("soak: descriptors left: " + NetTestSupport.describeFds());
        }
        return now;
    }
}
