package io.evloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Readiness watches on pipes (every backend) and on raw descriptors (native backends). */
class WatchTest {
    static List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    static List<TestBackends.Config> nativeBackends() {
        return TestBackends.nativeOnly();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aPipeChannelReportsReadableUntilDrained(TestBackends.Config config) throws Exception {
        try (EventLoop loop = config.open(); TestPipe pipe = new TestPipe()) {
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            AtomicInteger calls = new AtomicInteger();
            CompletableFuture<Integer> drained = new CompletableFuture<>();
            loop.watch(pipe.source(), Interest.READ, (watch, ready) -> {
                assertTrue((ready & Watch.READABLE) != 0);
                assertTrue(loop.inEventLoop());
                if (calls.incrementAndGet() == 3) {
                    int n = pipe.source().read(ByteBuffer.allocate(16));
                    watch.cancel();
                    drained.complete(n);
                }
            });
            assertEquals(3, loop.runUntil(drained));
            assertEquals(3, calls.get());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void interestChangesAndNoneSilencesTheWatch(TestBackends.Config config) throws Exception {
        try (EventLoop loop = config.open(); TestPipe pipe = new TestPipe()) {
            List<Integer> readiness = new ArrayList<>();
            Watch watch = loop.watch(pipe.sink(), Interest.WRITE,
                    (w, ready) -> readiness.add(ready));
            loop.runUntil(loop.submit(() -> null));
            loop.runUntil(loop.submit(() -> null));
            assertFalse(readiness.isEmpty());
            assertTrue((readiness.get(0) & Watch.WRITABLE) != 0);
            watch.interest(Interest.NONE);
            assertEquals(Interest.NONE, watch.interest());
            loop.runUntil(loop.submit(() -> null));
            int before = readiness.size();
            CompletableFuture<Void> pause = new CompletableFuture<>();
            loop.schedule(() -> pause.complete(null), 20, TimeUnit.MILLISECONDS);
            loop.runUntil(pause);
            assertEquals(before, readiness.size());
            watch.cancel();
            assertFalse(watch.isActive());
            assertThrows(IllegalStateException.class, () -> watch.interest(Interest.READ));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aWatchAddedFromAnotherThreadSeesDataWrittenLater(TestBackends.Config config)
            throws Exception {
        try (EventLoop loop = config.open().start(); TestPipe pipe = new TestPipe()) {
            CompletableFuture<Byte> received = new CompletableFuture<>();
            loop.watch(pipe.source(), Interest.READ, (watch, ready) -> {
                ByteBuffer one = ByteBuffer.allocate(1);
                pipe.source().read(one);
                watch.cancel();
                received.complete(one.get(0));
            });
            Thread.sleep(20);
            pipe.sink().write(ByteBuffer.wrap(new byte[] {42}));
            assertEquals((byte) 42, received.get(10, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aThrowingCallbackIsReportedAndTheWatchStays(TestBackends.Config config)
            throws Exception {
        List<Throwable> errors = new ArrayList<>();
        try (EventLoop loop = config.builder()
                .errorHandler((l, source, error) -> errors.add(error)).build();
                TestPipe pipe = new TestPipe()) {
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            AtomicInteger calls = new AtomicInteger();
            CompletableFuture<Void> second = new CompletableFuture<>();
            loop.watch(pipe.source(), Interest.READ, (watch, ready) -> {
                if (calls.incrementAndGet() == 1) {
                    throw new IOException("first call fails");
                }
                watch.cancel();
                second.complete(null);
            });
            loop.runUntil(second);
            assertEquals(1, errors.size());
            assertEquals("first call fails", errors.get(0).getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closingTheLoopCancelsWatchesAndRejectsNewOnes(TestBackends.Config config)
            throws Exception {
        try (TestPipe pipe = new TestPipe()) {
            EventLoop loop = config.open();
            Watch watch = loop.watch(pipe.source(), Interest.READ, (w, ready) -> { });
            loop.close();
            assertFalse(watch.isActive());
            watch.cancel();
            assertThrows(RejectedExecutionException.class,
                    () -> loop.watch(pipe.sink(), Interest.WRITE, (w, ready) -> { }));
        }
    }

    @ParameterizedTest
    @MethodSource("nativeBackends")
    void rawPipeDescriptorsAreWatchedByFd(TestBackends.Config config) throws Exception {
        int[] fds = Libc.pipe();
        try (EventLoop loop = config.open()) {
            CompletableFuture<Byte> received = new CompletableFuture<>();
            Watch watch = loop.watch(fds[0], Interest.READ, (w, ready) -> {
                byte[] one = new byte[1];
                assertEquals(1, Libc.read(fds[0], one, 1));
                w.cancel();
                received.complete(one[0]);
            });
            assertEquals(fds[0], watch.fd());
            loop.execute(() -> Libc.write(fds[1], new byte[] {7}, 1));
            assertEquals((byte) 7, loop.runUntil(received));
        } finally {
            Libc.close(fds[0]);
            Libc.close(fds[1]);
        }
    }

    @ParameterizedTest
    @MethodSource("nativeBackends")
    void anEventfdIsWatchedAndHangUpIsReported(TestBackends.Config config) throws Exception {
        int efd = Libc.eventfd(0, 0);
        int[] fds = Libc.pipe();
        try (EventLoop loop = config.open()) {
            CompletableFuture<Long> counter = new CompletableFuture<>();
            loop.watch(efd, Interest.READ, (w, ready) -> {
                byte[] value = new byte[8];
                assertEquals(8, Libc.read(efd, value, 8));
                w.cancel();
                counter.complete(ByteBuffer.wrap(value).order(
                        java.nio.ByteOrder.nativeOrder()).getLong());
            });
            byte[] five = ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder())
                    .putLong(5).array();
            Libc.write(efd, five, 8);
            assertEquals(5L, loop.runUntil(counter));

            CompletableFuture<Integer> hangup = new CompletableFuture<>();
            loop.watch(fds[0], Interest.READ, (w, ready) -> {
                w.cancel();
                hangup.complete(ready);
            });
            Libc.close(fds[1]);
            fds[1] = -1;
            int ready = loop.runUntil(hangup);
            assertTrue((ready & Watch.HANGUP) != 0, "ready bits " + ready);
        } finally {
            Libc.close(efd);
            Libc.close(fds[0]);
        }
    }

    @ParameterizedTest
    @MethodSource("nativeBackends")
    void anInvalidDescriptorFailsWithTheFdAndTheOsText(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            NativeException e = assertThrows(NativeException.class,
                    () -> loop.watch(1_000_000, Interest.READ, (w, ready) -> { }));
            assertTrue(e.getMessage().contains("fd 1000000"), e.getMessage());
            assertEquals(9, e.errno());
            assertTrue(e.getMessage().contains("Bad file descriptor"), e.getMessage());
            int[] fds = Libc.pipe();
            Libc.close(fds[0]);
            Libc.close(fds[1]);
            NativeException closed = assertThrows(NativeException.class,
                    () -> loop.watch(fds[0], Interest.READ, (w, ready) -> { }));
            assertTrue(closed.getMessage().contains("fd " + fds[0]), closed.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void nioRejectsRawDescriptorsWithAClearMessage(TestBackends.Config config) {
        if (config.isNative()) {
            return;
        }
        try (EventLoop loop = config.open()) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> loop.watch(0, Interest.READ, (w, ready) -> { }));
            assertTrue(e.getMessage().contains("fd 0"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aWatchCancelledAndMadeAgainInItsOwnCallbackKeepsReporting(TestBackends.Config config)
            throws Exception {
        try (EventLoop loop = config.open(); TestPipe pipe = new TestPipe()) {
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            CompletableFuture<Integer> second = new CompletableFuture<>();
            loop.schedule(() -> second.completeExceptionally(new AssertionError("no call")),
                    10, TimeUnit.SECONDS);
            List<Throwable> errors = new ArrayList<>();
            loop.watch(pipe.source(), Interest.READ, (first, ready) -> {
                first.cancel();
                try {
                    loop.watch(pipe.source(), Interest.READ, (again, r) -> {
                        again.cancel();
                        second.complete(r);
                    });
                } catch (RuntimeException e) {
                    errors.add(e);
                    second.completeExceptionally(e);
                }
            });
            assertTrue((loop.runUntil(second) & Watch.READABLE) != 0);
            assertEquals(List.of(), errors);
        }
    }

    /** A pipe that closes both ends, for try-with-resources. */
    static final class TestPipe implements AutoCloseable {
        private final Pipe pipe;

        TestPipe() throws IOException {
            pipe = Pipe.open();
        }

        Pipe.SourceChannel source() {
            return pipe.source();
        }

        Pipe.SinkChannel sink() {
            return pipe.sink();
        }

        @Override
        public void close() throws IOException {
            pipe.source().close();
            pipe.sink().close();
        }
    }
}
