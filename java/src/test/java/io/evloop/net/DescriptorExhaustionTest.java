package io.evloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evloop.TestBackends;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A server out of descriptors: a child JVM started under {@code prlimit --nofile} fills its
 * table, then a flood of connections makes accept fail with EMFILE. The server must keep
 * serving what it has, not spin on the failing accept, and accept again once descriptors free.
 */
class DescriptorExhaustionTest {
    private static final int LIMIT = 256;
    private static final int FLOOD = 40;
    private static final long WINDOW_MILLIS = 1500;

    static List<TestBackends.Config> backends() {
        return NetTestSupport.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    @org.junit.jupiter.api.Timeout(60)
    void acceptOutOfDescriptorsRestsAndRecovers(TestBackends.Config config) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "no prlimit");
        Process child = startChild(config);
        try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
                PrintWriter in = new PrintWriter(child.getOutputStream(), true,
                        StandardCharsets.US_ASCII)) {
            int port = Integer.parseInt(answer(out, "PORT"));
            InetSocketAddress address =
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            List<SocketChannel> flood = new ArrayList<>();
            try (SocketChannel existing = SocketChannel.open(address)) {
                echo(existing, (byte) 'a');
                in.println("fill");
                assertTrue(Integer.parseInt(answer(out, "FILLED")) > 0);
                for (int i = 0; i < FLOOD; i++) {
                    // The kernel completes the handshakes; they wait in the backlog.
                    flood.add(SocketChannel.open(address));
                }
                long cpuBefore = loopCpu(in, out);
                long start = System.nanoTime();
                Thread.sleep(WINDOW_MILLIS);
                long cpu = loopCpu(in, out) - cpuBefore;
                long wall = System.nanoTime() - start;
                echo(existing, (byte) 'b');
                in.println("errors");
                int failures = Integer.parseInt(answer(out, "ERRORS"));
                assertTrue(failures > 0, "accept never failed: the flood did not exhaust");
                // A spinning accept would keep the loop thread busy the whole window.
                double share = (double) cpu / wall;
                assertTrue(share < 0.7, "the loop thread used " + share + " of a core while full");
                assertTrue(failures < 100, failures + " failed accepts: no backoff");
                in.println("free");
                answer(out, "FREED");
                for (int i = 0; i < flood.size(); i++) {
                    echo(flood.get(i), (byte) i);
                }
                echo(existing, (byte) 'c');
            } finally {
                for (SocketChannel c : flood) {
                    c.close();
                }
            }
            in.println("quit");
            answer(out, "BYE");
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not end");
            assertEquals(0, child.exitValue());
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    private static Process startChild(TestBackends.Config config) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("/usr/bin/prlimit");
        command.add("--nofile=" + LIMIT + ":" + LIMIT);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-exports") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("-Devloop.")) {
                command.add(arg);
            }
        }
        command.add("-Xmx128m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ExhaustionChild.class.getName());
        command.add(config.backend.name());
        command.add(config.binding.name());
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    /** Reads lines until one starts with the tag; returns the rest of it. */
    private static String answer(BufferedReader out, String tag) throws IOException {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(tag)) {
                return line.substring(tag.length()).trim();
            }
        }
        throw new IOException("the child ended before answering " + tag);
    }

    private static void echo(SocketChannel c, byte b) throws IOException {
        c.write(ByteBuffer.wrap(new byte[] {b}));
        ByteBuffer back = ByteBuffer.allocate(1);
        while (back.hasRemaining()) {
            if (c.read(back) < 0) {
                throw new IOException("closed before the echo");
            }
        }
        assertEquals(b, back.get(0));
    }

    /** The child's loop thread CPU time in ns. */
    private static long loopCpu(PrintWriter in, BufferedReader out) throws IOException {
        in.println("cpu");
        return Long.parseLong(answer(out, "CPU"));
    }
}
