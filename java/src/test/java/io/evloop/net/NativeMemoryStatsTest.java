package io.evloop.net;

import static io.evloop.net.NetTestSupport.await;
import static io.evloop.net.NetTestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evloop.EventLoop;
import io.evloop.LoopStats;
import io.evloop.TestBackends;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LoopStats#nativeCoreBytes()} and {@link LoopStats#nativeBufferBytes()}: zero on NIO;
 * on a native backend the core's figure grows with a connection and comes back when it closes,
 * so that many connections one after another leave both figures where one left them.
 */
class NativeMemoryStatsTest {
    private static final int ARENA_BYTES = 256 * 1024;
    private static final int CYCLES = 30;

    static List<TestBackends.Config> backends() {
        return NetTestSupport.backends();
    }

    /** Echoes, and counts the server's connections that ended. */
    static final class CountingEcho extends NetTestSupport.Echo {
        final Semaphore closed;

        CountingEcho(Semaphore closed) {
            this.closed = closed;
        }

        @Override
        public void onClose(Connection connection, Throwable cause) {
            closed.release();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void nativeMemoryIsReportedAndComesBack(TestBackends.Config config) throws Exception {
        Semaphore closed = new Semaphore(0);
        EventLoop loop = NetTestSupport.start(config);
        try (loop) {
            Server server = Server.listen(loop, loopback(), () -> new CountingEcho(closed));
            LoopStats listening = afterNextPoll(loop);
            LoopStats first = cycle(loop, server, closed, 1);
            LoopStats later = cycle(loop, server, closed, CYCLES);
            if (!config.isNative()) {
                assertEquals(0, later.nativeCoreBytes(), later.toString());
                assertEquals(0, later.nativeBufferBytes(), later.toString());
                return;
            }
            assertTrue(listening.nativeCoreBytes() > 0, listening.toString());
            assertTrue(first.nativeBufferBytes() >= listening.nativeBufferBytes() + ARENA_BYTES,
                    first + " after " + listening);
            // The socket table stays; the records and queues of closed sockets are freed.
            assertEquals(first.nativeCoreBytes(), later.nativeCoreBytes(), later.toString());
            assertEquals(first.nativeBufferBytes(), later.nativeBufferBytes(), later.toString());
            await(server.close());
        }
        LoopStats after = loop.stats();
        assertEquals(0, after.nativeCoreBytes(), after.toString());
        assertEquals(0, after.nativeBufferBytes(), after.toString());
    }

    /** Opens, echoes over and closes n connections, one after another; stats once all ended. */
    private static LoopStats cycle(EventLoop loop, Server server, Semaphore closed, int n)
            throws Exception {
        for (int i = 0; i < n; i++) {
            NetTestSupport.Collector collector = new NetTestSupport.Collector(3);
            Connection c = await(Client.connect(loop, server.localAddress(), collector));
            c.write(new byte[] {1, 2, 3});
            await(collector.done);
            await(c.close());
            await(collector.closed);
            assertTrue(closed.tryAcquire(NetTestSupport.TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    "the server's connection did not end");
        }
        return afterNextPoll(loop);
    }

    /**
     * The stats once the loop polled again: a closed socket leaves the core in the poll after
     * its close, so a task right after the close could still count it. The first task runs in
     * some iteration, the second in a later one, after that iteration's poll.
     */
    private static LoopStats afterNextPoll(EventLoop loop) throws Exception {
        await(loop.submit(() -> null));
        return await(loop.submit(loop::stats));
    }
}
