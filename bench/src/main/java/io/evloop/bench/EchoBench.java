package io.evloop.bench;

import io.evloop.Backend;
import io.evloop.EventLoop;
import io.evloop.net.Client;
import io.evloop.net.Connection;
import io.evloop.net.ConnectionHandler;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * TCP echo on loopback: each impl runs a one-thread echo server, and the same client (evloop
 * on the NIO backend, one loop thread in this process) drives it. {@code throughput}: 64
 * connections each send a message and wait for its echo, per operation 64 echoes.
 * {@code latency}: one connection, one request and its response per operation.
 *
 * <p>The {@code impl} names pair evloop's backends ({@code evloop-*}) with the baselines
 * ({@code nio-plain}, {@code netty-epoll}) in the bench table; an impl that is not available
 * here (Panama before JDK 22, say) is skipped.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EchoBench {
    private static final int CONNECTIONS = 64;

    @Param({"evloop-NIO", "evloop-EPOLL-JNA", "evloop-EPOLL-PANAMA", "nio-plain",
            "netty-epoll"})
    public String impl;

    @Param({"64", "16384"})
    public int size;

    private EchoServers.Running server;
    private EventLoop clientLoop;
    private final List<Echoer> echoers = new ArrayList<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile CompletableFuture<Void> round;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        setUp(params.getBenchmark().endsWith("latency") ? 1 : CONNECTIONS);
    }

    private void setUp(int count) throws Exception {
        if (!EchoServers.available(impl)) {
            throw new IllegalStateException("skipped: " + impl + " is not available here");
        }
        server = EchoServers.start(impl);
        clientLoop = EventLoop.builder().backend(Backend.NIO).name("echo-client").build()
                .start();
        for (int i = 0; i < count; i++) {
            Echoer e = new Echoer(size);
            e.connection = Client.connect(clientLoop, server.address(), e).get(10,
                    TimeUnit.SECONDS);
            echoers.add(e);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (clientLoop != null) {
            for (Echoer e : echoers) {
                e.connection.close();
            }
            clientLoop.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(CONNECTIONS)
    public void throughput() throws Exception {
        runRound();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void latency() throws Exception {
        runRound();
    }

    /**
     * A quick check outside JMH: every available impl echoes a few hundred rounds over 64
     * connections per message size, and the rate is printed. Not a measurement.
     */
    public static void main(String[] args) throws Exception {
        for (String impl : new String[] {"evloop-NIO", "evloop-EPOLL-JNA",
                "evloop-EPOLL-PANAMA", "nio-plain", "netty-epoll"}) {
            if (!EchoServers.available(impl)) {
                System.out.println(impl + ": not available here");
                continue;
            }
            for (int size : new int[] {64, 16384}) {
                EchoBench bench = new EchoBench();
                bench.impl = impl;
                bench.size = size;
                bench.setUp(CONNECTIONS);
                try {
                    int rounds = 300;
                    long start = System.nanoTime();
                    for (int i = 0; i < rounds; i++) {
                        bench.runRound();
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf("%-20s %6d B  %,10.0f echoes/s%n", impl, size,
                            rounds * CONNECTIONS / seconds);
                } finally {
                    bench.tearDown();
                }
            }
        }
    }

    /** Every connection sends one message; returns when every echo came back. */
    private void runRound() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        round = done;
        outstanding.set(echoers.size());
        clientLoop.execute(() -> {
            for (Echoer e : echoers) {
                e.send();
            }
        });
        done.get(10, TimeUnit.SECONDS);
    }

    /** One client connection: sends a message and counts the echo back in. */
    private final class Echoer implements ConnectionHandler {
        private final ByteBuffer message;
        private int missing;
        Connection connection;

        Echoer(int size) {
            message = ByteBuffer.allocateDirect(size);
            while (message.hasRemaining()) {
                message.put((byte) 'e');
            }
        }

        void send() {
            missing = message.capacity();
            message.clear();
            connection.write(message);
        }

        @Override
        public void onData(Connection c, ByteBuffer data) {
            missing -= data.remaining();
            if (missing == 0 && outstanding.decrementAndGet() == 0) {
                round.complete(null);
            }
        }
    }
}
