package io.evloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two behaviours the benchmarks depend on: a chain of tasks runs to its end without starving
 * timers (tasks queued by tasks run in the same iteration, up to a budget), and a cancelled
 * future reports its cancellation as {@link CompletableFuture#cancel} specifies.
 */
class TaskBudgetAndCancelTest {
    static Iterable<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void longTaskChainRunsToItsEnd(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            CompletableFuture<Integer> done = new CompletableFuture<>();
            AtomicInteger ran = new AtomicInteger();
            int length = 100_000;
            Runnable[] step = new Runnable[1];
            step[0] = () -> {
                if (ran.incrementAndGet() < length) {
                    loop.execute(step[0]);
                } else {
                    done.complete(ran.get());
                }
            };
            loop.execute(step[0]);
            assertEquals(length, loop.runUntil(done));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void taskThatRequeuesItselfDoesNotStarveATimer(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            CompletableFuture<Void> timerRan = new CompletableFuture<>();
            Runnable[] spin = new Runnable[1];
            spin[0] = () -> {
                if (!timerRan.isDone()) {
                    loop.execute(spin[0]);
                }
            };
            loop.execute(spin[0]);
            loop.schedule(() -> timerRan.complete(null), 1, TimeUnit.MILLISECONDS);
            loop.runUntil(timerRan);
            assertTrue(timerRan.isDone());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void cancelledTimerReportsCancellation(TestBackends.Config config) throws Exception {
        try (EventLoop loop = config.open()) {
            AtomicInteger ran = new AtomicInteger();
            ScheduledFuture<?> timer = loop.schedule(ran::incrementAndGet, 1,
                    TimeUnit.MILLISECONDS);
            assertTrue(timer.cancel(false));
            assertTrue(timer.isCancelled());
            assertTrue(timer.isDone());
            assertTrue(timer.cancel(false), "cancel again reports the cancellation");
            assertThrows(CancellationException.class, timer::get);
            CompletableFuture<?> asFuture = (CompletableFuture<?>) timer;
            assertTrue(asFuture.isCompletedExceptionally());
            CompletableFuture<Void> later = new CompletableFuture<>();
            loop.schedule(() -> later.complete(null), 20, TimeUnit.MILLISECONDS);
            loop.runUntil(later);
            assertEquals(0, ran.get(), "a cancelled timer never runs");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void completedFutureIsNotCancelled(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            CompletableFuture<Integer> future = loop.submit(() -> 7);
            assertEquals(7, loop.runUntil(future));
            assertEquals(false, future.cancel(false));
            assertEquals(false, future.isCancelled());
        }
    }
}
