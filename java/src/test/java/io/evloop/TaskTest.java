package io.evloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Tasks: order, futures, offloading, errors, and waking a sleeping loop. */
class TaskTest {
    static List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void tasksFromOneThreadRunInOrderOnTheLoop(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            List<Integer> seen = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int n = i;
                loop.execute(() -> {
                    seen.add(n);
                    threads.add(Thread.currentThread());
                });
            }
            CompletableFuture<Void> last = loop.submit(() -> { });
            loop.runUntil(last);
            assertEquals(1000, seen.size());
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, seen.get(i));
                assertSame(Thread.currentThread(), threads.get(i));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aTaskQueuedByATaskRunsAfterThoseQueuedBefore(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            List<String> order = new ArrayList<>();
            loop.execute(() -> {
                order.add("a");
                loop.execute(() -> order.add("c"));
            });
            loop.execute(() -> order.add("b"));
            loop.runUntil(loop.submit(() -> { }));
            loop.runUntil(loop.submit(() -> { }));
            assertEquals(List.of("a", "b", "c"), order);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void submitCompletesOnTheLoopAndRunUntilReturnsTheResult(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            CompletableFuture<String> future = loop.submit(() -> "value");
            CompletableFuture<String> dependent = future.thenApply(v -> {
                assertTrue(loop.inEventLoop());
                return v + "!";
            });
            assertEquals("value!", loop.runUntil(dependent));
            CompletableFuture<Object> failing = loop.submit(() -> {
                throw new IllegalArgumentException("boom");
            });
            CompletionException e = assertThrows(CompletionException.class,
                    () -> loop.runUntil(failing));
            assertEquals("boom", e.getCause().getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void offloadRunsElsewhereAndCompletesOnTheLoop(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            CompletableFuture<Thread> worker = loop.offload(Thread::currentThread);
            CompletableFuture<Boolean> onLoop = worker.thenApply(t -> loop.inEventLoop());
            assertTrue(loop.runUntil(onLoop));
            assertTrue(worker.join() != Thread.currentThread());
            CompletableFuture<Object> failing = loop.offload(() -> {
                throw new java.io.IOException("disk gone");
            });
            CompletionException e = assertThrows(CompletionException.class,
                    () -> loop.runUntil(failing));
            assertEquals("disk gone", e.getCause().getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aThrowingTaskReachesTheErrorHandlerAndTheLoopRunsOn(TestBackends.Config config) {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        List<Object> sources = new CopyOnWriteArrayList<>();
        try (EventLoop loop = config.builder()
                .errorHandler((l, source, error) -> {
                    sources.add(source);
                    errors.add(error);
                }).build()) {
            Runnable bad = () -> {
                throw new IllegalStateException("bad task");
            };
            loop.execute(bad);
            CompletableFuture<String> after = loop.submit(() -> "still running");
            assertEquals("still running", loop.runUntil(after));
            assertEquals(1, errors.size());
            assertEquals("bad task", errors.get(0).getMessage());
            assertSame(bad, sources.get(0));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aSleepingLoopWakesForATaskFromAnotherThread(TestBackends.Config config)
            throws Exception {
        try (EventLoop loop = config.open().start()) {
            for (int round = 0; round < 20; round++) {
                Thread.sleep(round % 5 == 0 ? 20 : 1);
                CountDownLatch ran = new CountDownLatch(1);
                loop.execute(ran::countDown);
                assertTrue(ran.await(10, TimeUnit.SECONDS), "round " + round);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void nullTasksAreRejectedAtTheCall(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            assertThrows(NullPointerException.class, () -> loop.execute(null));
            assertThrows(NullPointerException.class,
                    () -> loop.submit((java.util.concurrent.Callable<Object>) null));
            assertThrows(NullPointerException.class, () -> loop.offload(null));
            assertThrows(NullPointerException.class,
                    () -> loop.schedule((Runnable) null, 1, TimeUnit.SECONDS));
            assertThrows(NullPointerException.class, () -> loop.runUntil(null));
        }
    }
}
