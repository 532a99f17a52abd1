package io.evloop.net;

import static io.evloop.net.NetTestSupport.await;
import static io.evloop.net.NetTestSupport.loopback;
import static io.evloop.net.NetTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evloop.Backend;
import io.evloop.EventLoop;
import io.evloop.TestBackends;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** TCP and Unix domain stream behaviour, on every backend. */
class StreamTest {
    static List<TestBackends.Config> backends() {
        return NetTestSupport.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void hundredConnectionsEchoOneMegabyteEach(TestBackends.Config config) throws Exception {
        int connections = 100;
        int size = 1 << 20;
        try (EventLoop serverLoop = start(config); EventLoop clientLoop = start(config)) {
            Server server = Server.listen(serverLoop, loopback(), NetTestSupport.Echo::new);
            List<byte[]> sent = new ArrayList<>();
            List<NetTestSupport.Collector> collectors = new ArrayList<>();
            Random random = new Random(42);
            for (int i = 0; i < connections; i++) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                sent.add(data);
                NetTestSupport.Collector collector = new NetTestSupport.Collector(size);
                collectors.add(collector);
                Client.connect(clientLoop, server.localAddress(), collector)
                        .thenAccept(c -> c.write(data));
            }
            for (int i = 0; i < connections; i++) {
                assertArrayEquals(sent.get(i), await(collectors.get(i).done), "connection " + i);
            }
            await(server.close());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void epollConnectionsMoveTheirBytesInTheCore(TestBackends.Config config) throws Exception {
        try (EventLoop loop = start(config)) {
            CompletableFuture<Connection> accepted = new CompletableFuture<>();
            Server server = Server.listen(loop, loopback(), () -> new NetTestSupport.Echo() {
                @Override
                public void onOpen(Connection connection) {
                    accepted.complete(connection);
                }
            });
            NetTestSupport.Collector client = new NetTestSupport.Collector(3);
            Connection c = await(Client.connect(loop, server.localAddress(), client));
            await(c.write("abc".getBytes()));
            assertEquals("abc", new String(await(client.done)));
            Class<?> expected = config.backend == Backend.EPOLL ? NativeConnection.class
                    : TcpConnection.class;
            assertInstanceOf(expected, c);
            assertInstanceOf(expected, await(accepted));
            await(c.close());
            await(server.close());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void halfCloseStillGetsTheAnswer(TestBackends.Config config) throws Exception {
        try (EventLoop loop = start(config)) {
            CompletableFuture<Throwable> serverClosed = new CompletableFuture<>();
            Server server = Server.listen(loop, loopback(), () -> new NetTestSupport.Echo() {
                @Override
                public void onClose(Connection connection, Throwable cause) {
                    serverClosed.complete(cause);
                }
            });
            NetTestSupport.Collector client = new NetTestSupport.Collector(0);
            Connection c = await(Client.connect(loop, server.localAddress(), client));
            c.write("question".getBytes());
            c.shutdownOutput();
            assertEquals("question", new String(await(client.done)));
            assertNull(await(client.closed));
            assertNull(await(serverClosed));
            assertFalse(c.isOpen());
            await(server.close());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void backpressureFlipsWritability(TestBackends.Config config) throws Exception {
        int high = 256 * 1024;
        int low = 64 * 1024;
        int chunk = 16 * 1024;
        NetOptions options = NetOptions.builder().watermarks(low, high)
                .sendBufferSize(64 * 1024).receiveBufferSize(64 * 1024).build();
        try (EventLoop loop = start(config)) {
            CompletableFuture<Connection> serverSide = new CompletableFuture<>();
            Server server = Server.listen(loop, loopback(), options, () -> new ConnectionHandler() {
                @Override
                public void onOpen(Connection connection) {
                    connection.pauseReading();
                    serverSide.complete(connection);
                }

                @Override
                public void onData(Connection connection, ByteBuffer data) {
                    data.position(data.limit());
                }
            });
            Writer writer = new Writer(chunk);
            Connection c = await(Client.connect(loop, server.localAddress(), options, writer));
            loop.execute(() -> writer.fill(c));
            await(writer.blocked);
            assertTrue(writer.maxPending <= high + chunk, "pending " + writer.maxPending);
            assertFalse(c.isWritable());
            await(serverSide).resumeReading();
            await(writer.resumed);
            assertTrue(c.isWritable());
            c.close();
            await(server.close());
        }
    }

    /** Writes chunks while the connection is writable; records the writability flips. */
    private static final class Writer implements ConnectionHandler {
        final CompletableFuture<Void> blocked = new CompletableFuture<>();
        final CompletableFuture<Void> resumed = new CompletableFuture<>();
        final byte[] chunk;
        volatile long maxPending;

        Writer(int size) {
            chunk = new byte[size];
        }

        void fill(Connection c) {
            while (c.isWritable()) {
                c.write(chunk);
                maxPending = Math.max(maxPending, c.pendingBytes());
            }
        }

        @Override
        public void onData(Connection connection, ByteBuffer data) {}

        @Override
        public void onWritabilityChanged(Connection connection, boolean writable) {
            (writable ? resumed : blocked).complete(null);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void unixDomainRoundTrip(TestBackends.Config config) throws Exception {
        Path dir = Files.createTempDirectory("evloop-net");
        Path path = dir.resolve("echo.sock");
        try (EventLoop loop = start(config)) {
            Server server = Server.listen(loop, UnixDomainSocketAddress.of(path),
                    NetTestSupport.Echo::new);
            assertTrue(Files.exists(path));
            NetTestSupport.Collector client = new NetTestSupport.Collector(5);
            Connection c = await(Client.connect(loop, server.localAddress(), client));
            await(c.write("hello".getBytes()));
            assertEquals("hello", new String(await(client.done)));
            await(c.close());
            await(server.close());
            assertFalse(Files.exists(path));
        } finally {
            Files.deleteIfExists(path);
            Files.delete(dir);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void connectRefusedFailsWithConnectException(TestBackends.Config config) throws Exception {
        try (EventLoop loop = start(config)) {
            SocketAddress free;
            Server probe = Server.listen(loop, loopback(), NetTestSupport.Echo::new);
            free = probe.localAddress();
            await(probe.close());
            CompletableFuture<Connection> f = Client.connect(loop, free,
                    new NetTestSupport.Collector(0));
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(f));
            assertInstanceOf(ConnectException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains(free.toString()));
        }
    }

    /**
     * A listener that never accepts, with a full accept queue: Linux then drops new SYNs, so a
     * connect neither succeeds nor fails, and only the timeout ends it.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void connectTimesOut(TestBackends.Config config) throws Exception {
        try (EventLoop loop = start(config);
                ServerSocketChannel silent = ServerSocketChannel.open()) {
            silent.bind(loopback(), 1);
            List<SocketChannel> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    SocketChannel filler = SocketChannel.open();
                    filler.configureBlocking(false);
                    filler.connect(silent.getLocalAddress());
                    fillers.add(filler);
                }
                NetOptions options = NetOptions.builder()
                        .connectTimeout(Duration.ofMillis(300)).build();
                CompletableFuture<Connection> f = Client.connect(loop,
                        silent.getLocalAddress(), options, new NetTestSupport.Collector(0));
                ExecutionException e = assertThrows(ExecutionException.class, () -> await(f));
                Assumptions.assumeTrue(e.getCause() instanceof SocketTimeoutException,
                        "this kernel completed or refused the connect: " + e.getCause());
                assertTrue(e.getCause().getMessage().contains("timed out"));
            } finally {
                for (SocketChannel filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void addressInUseFailsWithBindException(TestBackends.Config config) throws Exception {
        try (EventLoop loop = start(config)) {
            Server server = Server.listen(loop, loopback(), NetTestSupport.Echo::new);
            BindException e = assertThrows(BindException.class, () -> Server.listen(loop,
                    server.localAddress(), NetTestSupport.Echo::new));
            assertTrue(e.getMessage().contains(server.localAddress().toString()));
            await(server.close());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void gracefulCloseDeliversPendingWritesAbortFailsThem(TestBackends.Config config)
            throws Exception {
        int size = 8 << 20;
        try (EventLoop loop = start(config)) {
            List<Connection> accepted = new ArrayList<>();
            List<NetTestSupport.Collector> collectors = new ArrayList<>();
            Server server = Server.listen(loop, loopback(), () -> {
                NetTestSupport.Collector collector = new NetTestSupport.Collector(0) {
                    @Override
                    public void onOpen(Connection connection) {
                        connection.pauseReading();
                        accepted.add(connection);
                    }
                };
                collectors.add(collector);
                return collector;
            });
            NetTestSupport.Collector quiet = new NetTestSupport.Collector(0);
            Connection graceful = await(Client.connect(loop, server.localAddress(), quiet));
            Connection aborted = await(Client.connect(loop, server.localAddress(), quiet));
            byte[] data = new byte[size];
            new Random(7).nextBytes(data);
            CompletableFuture<Void> w1 = graceful.write(data);
            CompletableFuture<Void> w2 = aborted.write(new byte[size]);
            await(loop.submit(() -> null));
            assertTrue(graceful.pendingBytes() > 0, "the peer does not read: bytes must wait");
            CompletableFuture<Void> closing = graceful.close();
            aborted.abort();
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(w2));
            assertInstanceOf(IOException.class, e.getCause());
            assertFalse(closing.isDone());
            await(loop.submit(() -> accepted.forEach(Connection::resumeReading)));
            await(w1);
            await(closing);
            assertArrayEquals(data, await(collectors.get(0).done));
            ExecutionException late = assertThrows(ExecutionException.class,
                    () -> await(graceful.write(new byte[1])));
            assertInstanceOf(IOException.class, late.getCause());
            await(server.close());
        }
    }
}
