package io.evloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** run, stop, start, close, shutdown and shutdownNow, and calls that would block the loop. */
class LifecycleTest {
    static List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closeRunsAcceptedTasksCancelsTimersAndRejectsNewWork(TestBackends.Config config) {
        EventLoop loop = config.open();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            loop.execute(ran::incrementAndGet);
        }
        ScheduledFuture<?> timer = loop.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS);
        loop.close();
        assertEquals(10, ran.get());
        assertTrue(timer.isCancelled());
        assertThrows(CancellationException.class, timer::get);
        assertTrue(loop.isShutdown());
        assertTrue(loop.isTerminated());
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> loop.submit(() -> 1));
        assertThrows(RejectedExecutionException.class,
                () -> loop.schedule(() -> { }, 1, TimeUnit.SECONDS));
        assertThrows(RejectedExecutionException.class, () -> loop.offload(() -> 1));
        assertThrows(IllegalStateException.class, loop::run);
        loop.close();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closeFromAnotherThreadWaitsForTheRunningLoop(TestBackends.Config config)
            throws Exception {
        EventLoop loop = config.open().start();
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        loop.execute(() -> {
            started.countDown();
            sleep(50);
            ran.incrementAndGet();
        });
        for (int i = 0; i < 100; i++) {
            loop.execute(ran::incrementAndGet);
        }
        assertTrue(started.await(10, TimeUnit.SECONDS));
        loop.close();
        assertEquals(101, ran.get());
        assertTrue(loop.awaitTermination(1, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closeOnTheLoopThreadFinishesAfterTheCallback(TestBackends.Config config)
            throws Exception {
        EventLoop loop = config.open().start();
        AtomicReference<String> after = new AtomicReference<>();
        loop.execute(() -> {
            loop.close();
            after.set("callback finished");
        });
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals("callback finished", after.get());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shutdownRunsOneShotTimersAndCancelsPeriodicOnes(TestBackends.Config config)
            throws Exception {
        EventLoop loop = config.open().start();
        AtomicInteger oneShot = new AtomicInteger();
        ScheduledFuture<?> periodic = loop.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
        ScheduledFuture<?> soon = loop.schedule(oneShot::incrementAndGet, 20,
                TimeUnit.MILLISECONDS);
        loop.shutdown();
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(1, oneShot.get());
        assertTrue(soon.isDone() && !soon.isCancelled());
        assertTrue(periodic.isCancelled());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shutdownNowReturnsTheTasksThatNeverRan(TestBackends.Config config) {
        EventLoop loop = config.open();
        AtomicInteger ran = new AtomicInteger();
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Runnable task = ran::incrementAndGet;
            tasks.add(task);
            loop.execute(task);
        }
        List<Runnable> neverRan = loop.shutdownNow();
        assertEquals(tasks, neverRan);
        assertEquals(0, ran.get());
        assertTrue(loop.isTerminated());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void stopMakesRunReturnAndTheLoopCanRunAgain(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            AtomicInteger ticks = new AtomicInteger();
            loop.scheduleAtFixedRate(() -> {
                if (ticks.incrementAndGet() % 3 == 0) {
                    loop.stop();
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
            loop.run();
            assertEquals(3, ticks.get());
            loop.run();
            assertEquals(6, ticks.get());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void stopBeforeRunStillRunsOneIteration(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            AtomicInteger ran = new AtomicInteger();
            loop.execute(ran::incrementAndGet);
            loop.stop();
            loop.run();
            assertEquals(1, ran.get());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void blockingCallsOnTheLoopThreadThrowInsteadOfDeadlocking(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            CompletableFuture<List<String>> outcome = loop.submit(() -> {
                List<String> errors = new ArrayList<>();
                CompletableFuture<Object> never = loop.submit(() -> null);
                expect(errors, () -> loop.runUntil(never));
                expect(errors, never::join);
                expect(errors, never::get);
                expect(errors, () -> loop.awaitTermination(1, TimeUnit.SECONDS));
                expect(errors, () -> loop.invokeAll(List.of(() -> 1)));
                expect(errors, () -> loop.invokeAny(List.of(() -> 1)));
                expect(errors, loop::run);
                return errors;
            });
            List<String> errors = loop.runUntil(outcome);
            assertEquals(7, errors.size(), errors.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void invokeAllAndInvokeAnyWorkFromOtherThreads(TestBackends.Config config)
            throws Exception {
        try (EventLoop loop = config.open().start()) {
            List<java.util.concurrent.Future<Integer>> all =
                    loop.invokeAll(List.of(() -> 1, () -> 2));
            assertEquals(2, all.get(1).get());
            int any = loop.invokeAny(List.<java.util.concurrent.Callable<Integer>>of(() -> 7));
            assertEquals(7, any);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aSecondThreadCannotRunARunningLoop(TestBackends.Config config) {
        try (EventLoop loop = config.open().start()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, loop::run);
            assertTrue(e.getMessage().contains(loop.name()), e.getMessage());
            assertThrows(IllegalStateException.class, loop::start);
            assertFalse(loop.inEventLoop());
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void expect(List<String> errors, Action action) {
        try {
            action.run();
        } catch (IllegalStateException e) {
            errors.add(e.getMessage());
        } catch (Exception e) {
            throw new AssertionError("expected IllegalStateException, got " + e, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
