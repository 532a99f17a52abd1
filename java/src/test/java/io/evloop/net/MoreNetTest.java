package io.evloop.net;

import static io.evloop.net.NetTestSupport.await;
import static io.evloop.net.NetTestSupport.loopback;
import static io.evloop.net.NetTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evloop.EventLoop;
import io.evloop.EventLoopGroup;
import io.evloop.TestBackends;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Descriptor hygiene, datagrams, faulty handlers and groups, on every backend. */
class MoreNetTest {
    static List<TestBackends.Config> backends() {
        return NetTestSupport.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void tenThousandConnectionsLeaveNoDescriptorBehind(TestBackends.Config config)
            throws Exception {
        int waves = 20;
        int perWave = 500;
        try (EventLoop serverLoop = start(config); EventLoop clientLoop = start(config)) {
            // The server closes first, so TIME_WAIT stays on its side and no client port is
            // held back between waves.
            Server server = Server.listen(serverLoop, loopback(), () -> new ConnectionHandler() {
                @Override
                public void onOpen(Connection connection) {
                    connection.close();
                }

                @Override
                public void onData(Connection connection, ByteBuffer data) {}
            });
            int before = NetTestSupport.openDescriptors();
            for (int wave = 0; wave < waves; wave++) {
                CountDownLatch closed = new CountDownLatch(perWave);
                for (int i = 0; i < perWave; i++) {
                    Client.connect(clientLoop, server.localAddress(), new ConnectionHandler() {
                        @Override
                        public void onData(Connection connection, ByteBuffer data) {}

                        @Override
                        public void onClose(Connection connection, Throwable cause) {
                            closed.countDown();
                        }
                    }).exceptionally(failure -> {
                        closed.countDown();
                        return null;
                    });
                }
                assertTrue(closed.await(NetTestSupport.TIMEOUT_SECONDS, TimeUnit.SECONDS),
                        "wave " + wave);
            }
            // NIO closes a channel's descriptor once its selector dropped the key, which
            // happens in the next select; give the loops a few iterations.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int after = NetTestSupport.openDescriptors();
            while (after != before && System.nanoTime() < deadline) {
                await(serverLoop.submit(() -> null));
                await(clientLoop.submit(() -> null));
                Thread.sleep(10);
                after = NetTestSupport.openDescriptors();
            }
            assertEquals(before, after, "open descriptors");
            await(server.close());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closingALoopClosesItsSockets(TestBackends.Config config) throws Exception {
        try (EventLoop serverLoop = start(config)) {
            CompletableFuture<Connection> serverSide = new CompletableFuture<>();
            Server server = Server.listen(serverLoop, loopback(), () ->
                    new NetTestSupport.Collector(0) {
                        @Override
                        public void onOpen(Connection connection) {
                            connection.pauseReading();
                            serverSide.complete(connection);
                        }
                    });
            // The JDK opens a few descriptors of its own on first use (a datagram socket's
            // helpers among them); a first round lets it, so that only ours are counted.
            try (EventLoop warmUp = start(config)) {
                await(UdpSocket.bind(warmUp, loopback(), NetOptions.defaults(),
                        (socket, data, sender) -> { }).close());
            }
            int before = NetTestSupport.openDescriptors();
            EventLoop clientLoop = start(config);
            NetTestSupport.Collector client = new NetTestSupport.Collector(0);
            Connection c = await(Client.connect(clientLoop, server.localAddress(), client));
            UdpSocket udp = UdpSocket.bind(clientLoop, loopback(), NetOptions.defaults(),
                    (socket, data, sender) -> { });
            Server other = Server.listen(clientLoop, loopback(), NetTestSupport.Echo::new);
            CompletableFuture<Void> write = c.write(new byte[16 << 20]);
            await(clientLoop.submit(() -> null));
            clientLoop.close();
            assertInstanceOf(IOException.class, await(client.closed));
            assertTrue(write.isCompletedExceptionally(), "a write the loop never sent fails");
            assertTrue(!udp.isOpen() && !c.isOpen());
            await(serverSide).resumeReading();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int after = NetTestSupport.openDescriptors();
            while (after != before && System.nanoTime() < deadline) {
                await(serverLoop.submit(() -> null));
                Thread.sleep(10);
                after = NetTestSupport.openDescriptors();
            }
            assertEquals(before, after, "open descriptors (server side open: "
                    + serverSide.join().isOpen() + "): " + NetTestSupport.describeFds());
            assertTrue(other.isOpen());
            await(server.close());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void udpRoundTrip(TestBackends.Config config) throws Exception {
        try (EventLoop loop = start(config)) {
            UdpSocket echo = UdpSocket.bind(loop, loopback(), NetOptions.defaults(),
                    (socket, data, sender) -> socket.send(data, sender));
            CompletableFuture<String> answer = new CompletableFuture<>();
            CompletableFuture<SocketAddress> from = new CompletableFuture<>();
            UdpSocket client = UdpSocket.bind(loop, loopback(), NetOptions.defaults(),
                    (socket, data, sender) -> {
                        byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        from.complete(sender);
                        answer.complete(new String(bytes));
                    });
            await(client.send(ByteBuffer.wrap("ping".getBytes()), echo.localAddress()));
            assertEquals("ping", await(answer));
            assertEquals(echo.localAddress(), await(from));
            await(client.close());
            await(echo.close());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void throwingHandlerClosesOnlyItsConnection(TestBackends.Config config) throws Exception {
        CompletableFuture<Throwable> reported = new CompletableFuture<>();
        IllegalStateException boom = new IllegalStateException("boom");
        EventLoop loop = config.builder().errorHandler((l, source, error) ->
                reported.complete(error)).build().start();
        try {
            Server server = Server.listen(loop, loopback(), () -> new NetTestSupport.Echo() {
                @Override
                public void onData(Connection connection, ByteBuffer data) {
                    if (data.get(data.position()) == 'x') {
                        throw boom;
                    }
                    super.onData(connection, data);
                }
            });
            NetTestSupport.Collector bad = new NetTestSupport.Collector(0);
            NetTestSupport.Collector good = new NetTestSupport.Collector(2);
            Connection badConnection = await(Client.connect(loop, server.localAddress(), bad));
            Connection goodConnection = await(Client.connect(loop, server.localAddress(), good));
            badConnection.write("x".getBytes());
            assertSame(boom, await(reported));
            // The server aborts the failed connection, so its peer sees a reset as the cause.
            assertInstanceOf(IOException.class, await(bad.closed));
            goodConnection.write("ok".getBytes());
            assertEquals("ok", new String(await(good.done)));
            assertTrue(goodConnection.isOpen());
            await(goodConnection.close());
            await(server.close());
        } finally {
            loop.close();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void groupServerIsServedByEveryLoop(TestBackends.Config config) throws Exception {
        try (EventLoopGroup group = EventLoopGroup.open(2, i -> config.builder().build());
                EventLoop clientLoop = start(config)) {
            Set<EventLoop> serving = ConcurrentHashMap.newKeySet();
            Server server = Server.listen(group, loopback(), NetOptions.defaults(),
                    () -> new NetTestSupport.Echo() {
                        @Override
                        public void onOpen(Connection connection) {
                            serving.add(connection.loop());
                            assertTrue(connection.loop().inEventLoop());
                        }
                    });
            List<CompletableFuture<byte[]>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                NetTestSupport.Collector c = new NetTestSupport.Collector(0);
                Client.connect(clientLoop, server.localAddress(), c).thenAccept(conn -> {
                    conn.write("hi".getBytes());
                    conn.shutdownOutput();
                });
                answers.add(c.done);
            }
            for (CompletableFuture<byte[]> answer : answers) {
                assertEquals("hi", new String(await(answer)));
            }
            assertEquals(2, serving.size(), "loops that served connections");
            await(server.close());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void writeFromAnotherThreadKeepsOrder(TestBackends.Config config) throws Exception {
        try (EventLoop loop = start(config)) {
            Server server = Server.listen(loop, loopback(), NetTestSupport.Echo::new);
            int count = 1000;
            NetTestSupport.Collector client = new NetTestSupport.Collector(count * 4);
            Connection c = await(Client.connect(loop, server.localAddress(), client));
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < count; i++) {
                String s = String.format("%04d", i);
                expected.append(s);
                c.write(s.getBytes());
            }
            assertEquals(expected.toString(), new String(await(client.done)));
            await(c.close());
            await(server.close());
        }
    }
}
