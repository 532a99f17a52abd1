package io.evloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Closing a loop while it is busy, repeated on every backend: while timers fire, while watches
 * have events pending, from the loop thread and from others, with watches that cancel
 * themselves in their own callbacks. Nothing deadlocks, every timer and watch ends, only
 * {@link RejectedExecutionException} reaches the error handler, and no descriptor is left.
 */
class CloseWhileBusyTest {
    private static final String PREFIX = "busy-";

    static List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closingWhileTimersFireEndsEveryTimer(TestBackends.Config config) throws Exception {
        int fds = -1;
        for (int i = 0; i < Races.iterations(); i++) {
            fds = i == 1 ? Races.openFds() : fds;
            closeWhileTimersFire(config, i % 3);
        }
        Races.assertNoLoopThreadLeft(PREFIX);
        Races.assertNoFdLeft(fds, "closing while timers fire");
    }

    /** How: 0 close from another thread, 1 close in a timer callback, 2 shutdownNow. */
    private static void closeWhileTimersFire(TestBackends.Config config, int how)
            throws Exception {
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        EventLoop loop = config.builder().name(PREFIX + "timers")
                .errorHandler((l, source, error) -> errors.add(error)).build().start();
        ConcurrentLinkedQueue<Future<?>> timers = new ConcurrentLinkedQueue<>();
        CountDownLatch firing = new CountDownLatch(20);
        AtomicBoolean armed = new AtomicBoolean();
        AtomicInteger fired = new AtomicInteger();
        Runnable tick = () -> {
            firing.countDown();
            // Armed only after the setup below, which a closed loop would reject.
            if (how == 1 && armed.get() && fired.incrementAndGet() == 40) {
                loop.close();
            }
        };
        for (int t = 0; t < 4; t++) {
            timers.add(loop.scheduleAtFixedRate(tick, 0, 50, TimeUnit.MICROSECONDS));
            timers.add(loop.scheduleWithFixedDelay(tick, 0, 20, TimeUnit.MICROSECONDS));
        }
        Rescheduler rescheduler = new Rescheduler(loop, timers);
        loop.execute(rescheduler);
        armed.set(true);
        Races.Crew crew = new Races.Crew();
        crew.add("scheduler", () -> {
            try {
                while (true) {
                    timers.add(loop.schedule(tick, 100, TimeUnit.MICROSECONDS));
                }
            } catch (RejectedExecutionException closed) {
                // The only way out: the loop closed.
            }
        });
        crew.add("closer", () -> {
            assertTrue(firing.await(Races.HANG_SECONDS, TimeUnit.SECONDS));
            Races.jitter(200);
            if (how == 0) {
                loop.close();
            } else if (how == 2) {
                // Timers are cancelled, never returned; only the first task may not have run.
                for (Runnable neverRan : loop.shutdownNow()) {
                    assertEquals(rescheduler, neverRan);
                }
            } else {
                assertTrue(loop.awaitTermination(Races.HANG_SECONDS, TimeUnit.SECONDS));
            }
        });
        crew.go();
        crew.joinAndCheck();
        assertTrue(loop.isTerminated());
        for (Future<?> timer : timers) {
            assertTrue(timer.isDone(), "timer not ended by close: " + timer);
        }
        assertOnlyRejections(errors);
    }

    /** A one-shot timer that schedules its successor from its own callback. */
    private static final class Rescheduler implements Runnable {
        private final EventLoop loop;
        private final ConcurrentLinkedQueue<Future<?>> timers;

        Rescheduler(EventLoop loop, ConcurrentLinkedQueue<Future<?>> timers) {
            this.loop = loop;
            this.timers = timers;
        }

        @Override
        public void run() {
            // Throws RejectedExecutionException once the loop closes; the handler gets it.
            timers.add(loop.schedule(this, 10, TimeUnit.MICROSECONDS));
        }
    }

    private static void assertOnlyRejections(ConcurrentLinkedQueue<Throwable> errors) {
        for (Throwable e : errors) {
            if (!(e instanceof RejectedExecutionException)) {
                throw new AssertionError("unexpected error in a callback: " + e, e);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closingWithPendingWatchEventsAndSelfCancellingWatches(TestBackends.Config config)
            throws Exception {
        int fds = -1;
        for (int i = 0; i < Races.iterations(); i++) {
            fds = i == 1 ? Races.openFds() : fds;
            closeWithPendingEvents(config, i % 3);
        }
        Races.assertNoLoopThreadLeft(PREFIX);
        Races.assertNoFdLeft(fds, "closing with pending watch events");
    }

    /**
     * Four always-ready watches: one counts, one cancels itself at its first call, one cancels
     * itself and watches its channel again, one is cancelled from another thread. How: 0 close
     * from another thread, 1 close in a watch callback, 2 shutdownNow from another thread.
     */
    private static void closeWithPendingEvents(TestBackends.Config config, int how)
            throws Exception {
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        EventLoop loop = config.builder().name(PREFIX + "watches")
                .errorHandler((l, source, error) -> errors.add(error)).build().start();
        List<WatchTest.TestPipe> pipes = new ArrayList<>();
        try {
            for (int p = 0; p < 4; p++) {
                WatchTest.TestPipe pipe = new WatchTest.TestPipe();
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
                pipes.add(pipe);
            }
            raceWatches(loop, pipes, how);
            for (WatchTest.TestPipe pipe : pipes) {
                assertTrue(pipe.source().isOpen() && pipe.sink().isOpen(),
                        "closing the loop closed a channel it only watched");
            }
        } finally {
            for (WatchTest.TestPipe pipe : pipes) {
                pipe.close();
            }
        }
        assertOnlyRejections(errors);
    }

    private static void raceWatches(EventLoop loop, List<WatchTest.TestPipe> pipes, int how)
            throws Exception {
        CountDownLatch calledBack = new CountDownLatch(10);
        AtomicBoolean armed = new AtomicBoolean();
        AtomicInteger afterCancel = new AtomicInteger();
        ConcurrentLinkedQueue<Watch> watches = new ConcurrentLinkedQueue<>();
        watches.add(loop.watch(pipes.get(0).source(), Interest.READ, (w, ready) -> {
            calledBack.countDown();
            if (how == 1 && armed.get() && calledBack.getCount() == 0) {
                loop.close();
            }
        }));
        watches.add(loop.watch(pipes.get(1).source(), Interest.READ, (w, ready) -> {
            if (!w.isActive()) {
                afterCancel.incrementAndGet();
            }
            w.cancel();
        }));
        watches.add(loop.watch(pipes.get(2).source(), Interest.READ,
                new Rewatcher(pipes.get(2), watches)));
        Watch remote = loop.watch(pipes.get(3).sink(), Interest.WRITE, (w, ready) -> { });
        watches.add(remote);
        armed.set(true);
        Races.Crew crew = new Races.Crew();
        crew.add("canceller", () -> {
            Races.jitter(300);
            remote.cancel();
        });
        crew.add("closer", () -> {
            assertTrue(calledBack.await(Races.HANG_SECONDS, TimeUnit.SECONDS));
            Races.jitter(200);
            if (how == 0) {
                loop.close();
            } else if (how == 2) {
                loop.shutdownNow();
            } else {
                assertTrue(loop.awaitTermination(Races.HANG_SECONDS, TimeUnit.SECONDS));
            }
        });
        crew.go();
        crew.joinAndCheck();
        assertTrue(loop.isTerminated());
        assertEquals(0, afterCancel.get(), "callbacks of a watch after it cancelled itself");
        for (Watch w : watches) {
            assertFalse(w.isActive(), "a watch survived close: " + w);
        }
    }

    /** Cancels its watch and watches the same channel again, from its own callback. */
    private static final class Rewatcher implements WatchCallback {
        private final WatchTest.TestPipe pipe;
        private final ConcurrentLinkedQueue<Watch> watches;

        Rewatcher(WatchTest.TestPipe pipe, ConcurrentLinkedQueue<Watch> watches) {
            this.pipe = pipe;
            this.watches = watches;
        }

        @Override
        public void onReady(Watch watch, int ready) throws Exception {
            watch.cancel();
            watches.add(watch.loop().watch(pipe.source(), Interest.READ, this));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closeReleasesEveryDescriptorOfTheLoop(TestBackends.Config config) throws Exception {
        assumeTrue(Races.canCountFds(), "needs /proc/self/fd");
        config.open().close();
        int before = Races.openFds();
        for (int i = 0; i < Races.iterations() * 4; i++) {
            EventLoop loop = config.builder().name(PREFIX + "fds").build();
            // epoll + eventfd (native), epoll + a wake-up pipe or eventfd (NIO): at least 2.
            assertTrue(Races.fdTargets().size() - before >= 2,
                    "a loop holds its poller descriptors");
            if (i % 2 == 0) {
                loop.start().submit(() -> null).get(Races.HANG_SECONDS, TimeUnit.SECONDS);
            } else {
                loop.runUntil(loop.submit(() -> null));
            }
            loop.close();
            // close() promises that the native resources are free when it returns.
            Races.assertNoFdLeft(before, "close()");
        }
        Races.assertNoLoopThreadLeft(PREFIX);
    }
}
