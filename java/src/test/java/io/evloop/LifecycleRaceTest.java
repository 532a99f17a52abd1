package io.evloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Closing races with submitters and with other closers, repeated many times on every backend:
 * no deadlock, nothing but {@link RejectedExecutionException} thrown at a submitter, every
 * accepted task either runs or comes back from {@code shutdownNow}, every future completes,
 * and no descriptor is left open. {@link Races#iterations()} sets how often each race runs.
 */
class LifecycleRaceTest {
    private static final int SUBMITTERS = 3;
    private static final String PREFIX = "race-";
    /**
     * Submitters stop after this many submissions, so that a round stays short; the closer
     * fires well before that in almost every round.
     */
    private static final int MAX_TASKS = 20_000;
    private static final int MAX_FUTURES = 3_000;

    enum Closer { CLOSE, SHUTDOWN_NOW, SHUTDOWN }

    static List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void everyAcceptedTaskRunsOrIsReturnedWhenClosingRacesSubmitters(
            TestBackends.Config config) throws Exception {
        int fds = -1;
        for (int i = 0; i < Races.iterations(); i++) {
            // The first round loads classes that keep files open; count from the second.
            fds = i == 1 ? Races.openFds() : fds;
            Closer closer = Closer.values()[i % 3];
            boolean started = (i / 3) % 2 == 0;
            raceSubmitters(config, started, List.of(closer));
        }
        Races.assertNoLoopThreadLeft(PREFIX);
        Races.assertNoFdLeft(fds, "closing races");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void concurrentClosersNeitherDeadlockNorLoseTasks(TestBackends.Config config)
            throws Exception {
        List<Closer> closers = List.of(Closer.CLOSE, Closer.SHUTDOWN_NOW, Closer.SHUTDOWN,
                Closer.CLOSE, Closer.SHUTDOWN_NOW);
        int fds = -1;
        for (int i = 0; i < Races.iterations(); i++) {
            fds = i == 1 ? Races.openFds() : fds;
            raceSubmitters(config, i % 2 == 0, closers);
        }
        Races.assertNoLoopThreadLeft(PREFIX);
        Races.assertNoFdLeft(fds, "concurrent closers");
    }

    /**
     * Submitters execute one counting task until they are rejected, while the closers close
     * the loop; afterwards the accepted count must equal the runs plus what came back.
     */
    private static void raceSubmitters(TestBackends.Config config, boolean started,
            List<Closer> closers) throws Exception {
        EventLoop loop = config.builder().name(PREFIX + "submit").build();
        if (started) {
            loop.start();
        }
        AtomicLong accepted = new AtomicLong();
        AtomicLong ran = new AtomicLong();
        Runnable task = ran::incrementAndGet;
        List<Runnable> returned = Collections.synchronizedList(new ArrayList<>());
        Races.Crew crew = new Races.Crew();
        for (int s = 0; s < SUBMITTERS; s++) {
            crew.add("submitter", () -> {
                for (int n = 0; n < MAX_TASKS; n++) {
                    try {
                        loop.execute(task);
                    } catch (RejectedExecutionException closed) {
                        return;
                    }
                    accepted.incrementAndGet();
                }
            });
        }
        for (Closer closer : closers) {
            crew.add("closer " + closer, () -> {
                Races.jitter(300);
                closeBy(loop, closer, returned);
            });
        }
        crew.go();
        crew.joinAndCheck();
        finish(loop);
        for (Runnable r : returned) {
            assertTrue(r == task, "shutdownNow returned a task nobody submitted: " + r);
        }
        assertEquals(accepted.get(), ran.get() + returned.size(),
                "accepted = ran + returned by shutdownNow (" + closers + ", started "
                        + started + ")");
    }

    private static void closeBy(EventLoop loop, Closer closer, List<Runnable> returned) {
        switch (closer) {
            case CLOSE:
                loop.close();
                break;
            case SHUTDOWN_NOW:
                returned.addAll(loop.shutdownNow());
                break;
            default:
                loop.shutdown();
                break;
        }
    }

    /** A shut-down loop that no thread runs terminates only when someone drives it. */
    private static void finish(EventLoop loop) throws InterruptedException {
        if (!loop.awaitTermination(20, TimeUnit.MILLISECONDS)) {
            loop.close();
        }
        assertTrue(loop.isTerminated(), loop + " did not terminate");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void everyFutureCompletesWhenTheLoopCloses(TestBackends.Config config) throws Exception {
        int fds = -1;
        for (int i = 0; i < Races.iterations(); i++) {
            fds = i == 1 ? Races.openFds() : fds;
            Closer closer = Closer.values()[i % 3];
            raceFutures(config, (i / 3) % 2 == 0, closer);
        }
        Races.assertNoLoopThreadLeft(PREFIX);
        Races.assertNoFdLeft(fds, "futures racing close");
    }

    /** One submitted future, and whether it came from submit (shutdownNow may return those). */
    private static final class Submitted {
        final Future<?> future;
        final boolean plainSubmit;

        Submitted(Future<?> future, boolean plainSubmit) {
            this.future = future;
            this.plainSubmit = plainSubmit;
        }
    }

    private static void raceFutures(TestBackends.Config config, boolean started, Closer closer)
            throws Exception {
        EventLoop loop = config.builder().name(PREFIX + "futures").build();
        if (started) {
            loop.start();
        }
        ConcurrentLinkedQueue<Submitted> futures = new ConcurrentLinkedQueue<>();
        List<Runnable> returned = Collections.synchronizedList(new ArrayList<>());
        Races.Crew crew = new Races.Crew();
        for (int s = 0; s < SUBMITTERS; s++) {
            crew.add("submitter", () -> {
                for (int n = 0; n < MAX_FUTURES; n++) {
                    try {
                        futures.add(submitOne(loop, n));
                    } catch (RejectedExecutionException closed) {
                        return;
                    }
                }
            });
        }
        crew.add("closer", () -> {
            Races.jitter(500);
            closeBy(loop, closer, returned);
        });
        crew.go();
        crew.joinAndCheck();
        finish(loop);
        assertFuturesComplete(futures, returned);
    }

    /** Every kind of future the loop makes, in turn. */
    private static Submitted submitOne(EventLoop loop, int n) {
        int micros = ThreadLocalRandom.current().nextInt(2000);
        switch (n % 6) {
            case 0:
                return new Submitted(loop.submit(() -> n), true);
            case 1:
                return new Submitted(loop.schedule(() -> n, micros, TimeUnit.MICROSECONDS),
                        false);
            case 2:
                return new Submitted(loop.schedule(() -> n, 1, TimeUnit.HOURS), false);
            case 3:
                return new Submitted(loop.scheduleAtFixedRate(() -> { }, 0, 100,
                        TimeUnit.MICROSECONDS), false);
            case 4:
                return new Submitted(loop.scheduleWithFixedDelay(() -> { }, micros, 50,
                        TimeUnit.MICROSECONDS), false);
            default:
                return new Submitted(loop.offload(() -> n), false);
        }
    }

    /**
     * After close, every future is done, except offloaded work that may still run on the pool
     * (its future completes when it ends). Only plain submissions that shutdownNow handed back
     * stay pending: the caller holds their tasks, as with the JDK's executors, and those tasks
     * are the futures, so cancelling them completes the rest.
     */
    private static void assertFuturesComplete(ConcurrentLinkedQueue<Submitted> futures,
            List<Runnable> returned) throws InterruptedException {
        assertPendingAreReturned(futures, returned);
        for (Runnable r : returned) {
            assertTrue(r instanceof Future, "shutdownNow returned a task that is no future");
            ((Future<?>) r).cancel(false);
        }
        for (Submitted s : futures) {
            assertTrue(s.future.isDone(), "pending after cancelling what shutdownNow returned");
        }
    }

    private static void assertPendingAreReturned(ConcurrentLinkedQueue<Submitted> futures,
            List<Runnable> returned) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Races.HANG_SECONDS);
        int pendingSubmits = 0;
        for (Submitted s : futures) {
            while (!s.future.isDone() && !s.plainSubmit && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            if (!s.future.isDone()) {
                assertTrue(s.plainSubmit, "a future never completed: " + s.future);
                pendingSubmits++;
            }
        }
        int returnedSubmits = 0;
        for (Runnable r : returned) {
            assertEquals("SubmittedTask", r.getClass().getSimpleName(),
                    "shutdownNow returned an internal task: " + r);
            returnedSubmits++;
        }
        assertEquals(returnedSubmits, pendingSubmits,
                "pending submit futures = submitted tasks that shutdownNow returned");
    }
}
