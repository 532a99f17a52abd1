package io.evloop.net;

import static io.evloop.net.NetTestSupport.await;
import static io.evloop.net.NetTestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evloop.EventLoop;
import io.evloop.LoopStats;
import io.evloop.TestBackends;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A connection handler that blocks the loop is reported like any slow callback, by the
 * handler's method and line, and its time counts as running, not as blocked in the poll: on
 * EPOLL the bytes arrive as a completion of the core, dispatched inside the poll call.
 */
class SlowHandlerTest {
    static List<TestBackends.Config> backends() {
        return NetTestSupport.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aSlowOnDataIsReportedByItsMethod(TestBackends.Config config) throws Exception {
        Logger logger = Logger.getLogger("io.evloop");
        List<String> messages = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                messages.add(record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(capture);
        CompletableFuture<Void> handled = new CompletableFuture<>();
        try (EventLoop loop = config.builder().slowCallbackThreshold(Duration.ofMillis(50))
                .build().start();
                EventLoop client = NetTestSupport.start(config)) {
            Server server = Server.listen(loop, loopback(), () -> new SleepyHandler(handled));
            Connection c = await(Client.connect(client, server.localAddress(),
                    new NetTestSupport.Collector(0)));
            c.write(new byte[] {42});
            await(handled);
            await(loop.submit(() -> null));
            LoopStats stats = loop.stats();
            assertTrue(stats.running().compareTo(Duration.ofMillis(250)) >= 0,
                    stats.toString());
            assertTrue(stats.ioEvents() >= 1, stats.toString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!reported(messages) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(reported(messages), messages.toString());
            c.close();
            server.close();
        } finally {
            logger.removeHandler(capture);
        }
    }

    private static boolean reported(List<String> messages) {
        return messages.stream().anyMatch(m -> m.contains("SlowHandlerTest$SleepyHandler.onData")
                && m.contains("ran for about"));
    }

    /** Sleeps 300 ms in its first onData. */
    private static final class SleepyHandler implements ConnectionHandler {
        private final CompletableFuture<Void> handled;

        SleepyHandler(CompletableFuture<Void> handled) {
            this.handled = handled;
        }

        @Override
        public void onData(Connection connection, ByteBuffer data) throws Exception {
            data.position(data.limit());
            if (!handled.isDone()) {
                Thread.sleep(300);
                handled.complete(null);
            }
        }
    }
}
