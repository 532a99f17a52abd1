package io.evloop.net;

import io.evloop.Backend;
import io.evloop.Binding;
import io.evloop.EventLoop;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server side of {@link DescriptorExhaustionTest}, in a child JVM with a low descriptor
 * limit. Commands on stdin, one a line: {@code fill} (open /dev/null until the limit, then free
 * a few), {@code free} (close the fillers), {@code errors} (how many failures were reported),
 * {@code cpu} (the loop thread's CPU time in ns),
 * {@code quit}. Answers on stdout.
 */
public final class ExhaustionChild {
    /** Descriptors left free after a fill: a few accepts succeed, then EMFILE. */
    static final int LEFT_FREE = 4;

    private ExhaustionChild() {}

    public static void main(String[] args) throws Exception {
        AtomicInteger errors = new AtomicInteger();
        EventLoop loop = EventLoop.builder().backend(Backend.valueOf(args[0]))
                .binding(Binding.valueOf(args[1]))
                .errorHandler((l, source, error) -> {
                    if (errors.getAndIncrement() == 0) {
                        System.err.println("child error: " + source + ": " + error);
                    }
                })
                .build().start();
        Server server = Server.listen(loop,
                new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
                NetTestSupport.Echo::new);
        System.out.println("PORT " + ((InetSocketAddress) server.localAddress()).getPort());
        // Loaded before the table is full; measures the loop thread's own CPU time.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        threads.getCurrentThreadCpuTime();
        List<Closeable> fillers = new ArrayList<>();
        BufferedReader in = new BufferedReader(
                new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            switch (line) {
                case "fill" -> System.out.println("FILLED " + fill(fillers));
                case "free" -> {
                    for (Closeable c : fillers) {
                        c.close();
                    }
                    fillers.clear();
                    System.out.println("FREED");
                }
                case "cpu" -> System.out.println("CPU " + loop.submit(
                        () -> threads.getCurrentThreadCpuTime()).get());
                case "errors" -> System.out.println("ERRORS " + errors.get());
                case "quit" -> {
                    server.close().get();
                    loop.close();
                    System.out.println("BYE");
                    return;
                }
                default -> System.out.println("UNKNOWN " + line);
            }
        }
    }

    private static int fill(List<Closeable> fillers) throws IOException {
        Path devNull = Path.of("/dev/null");
        try {
            while (true) {
                fillers.add(Files.newByteChannel(devNull));
            }
        } catch (IOException full) {
            // The limit is reached: that is the point.
        }
        for (int i = 0; i < LEFT_FREE && !fillers.isEmpty(); i++) {
            fillers.remove(fillers.size() - 1).close();
        }
        return fillers.size();
    }
}
