package io.evloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Timers: deadline order, ties, cancellation, periodic runs, and the JDK contract. */
class TimerTest {
    static List<TestBackends.Config> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void timersRunByDeadlineAndTiesByScheduleOrder(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            List<String> order = new ArrayList<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            loop.execute(() -> {
                loop.schedule(() -> order.add("30ms"), 30, TimeUnit.MILLISECONDS);
                loop.schedule(() -> order.add("10ms-a"), 10, TimeUnit.MILLISECONDS);
                loop.schedule(() -> order.add("10ms-b"), 10, TimeUnit.MILLISECONDS);
                loop.schedule(() -> order.add("now"), -5, TimeUnit.SECONDS);
                loop.schedule(() -> order.add("zero"), Duration.ZERO);
                loop.schedule(() -> done.complete(null), 40, TimeUnit.MILLISECONDS);
            });
            loop.runUntil(done);
            assertEquals(List.of("now", "zero", "10ms-a", "10ms-b", "30ms"), order);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aCancelledTimerDoesNotRun(TestBackends.Config config) throws Exception {
        try (EventLoop loop = config.open().start()) {
            AtomicInteger runs = new AtomicInteger();
            ScheduledFuture<?> timer = loop.schedule(runs::incrementAndGet, 50,
                    TimeUnit.MILLISECONDS);
            assertTrue(timer.cancel(false));
            assertTrue(timer.isCancelled());
            ScheduledFuture<?> later = loop.schedule(() -> { }, 100, TimeUnit.MILLISECONDS);
            later.get(10, TimeUnit.SECONDS);
            assertEquals(0, runs.get());
            assertThrows(CancellationException.class, timer::get);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void scheduleCallableCompletesWithItsValue(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            ScheduledFuture<String> timer = loop.schedule(() -> "tick", 1, TimeUnit.MILLISECONDS);
            assertEquals("tick", loop.runUntil((CompletableFuture<String>) timer));
            assertTrue(timer.getDelay(TimeUnit.NANOSECONDS) <= 0);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void fixedRateAndFixedDelayRunUntilCancelled(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            AtomicInteger rate = new AtomicInteger();
            AtomicInteger delay = new AtomicInteger();
            CompletableFuture<Void> enough = new CompletableFuture<>();
            ScheduledFuture<?>[] timers = new ScheduledFuture<?>[2];
            timers[0] = loop.scheduleAtFixedRate(() -> {
                if (rate.incrementAndGet() >= 5 && delay.get() >= 5) {
                    enough.complete(null);
                }
            }, 0, 2, TimeUnit.MILLISECONDS);
            timers[1] = loop.scheduleWithFixedDelay(() -> {
                if (delay.incrementAndGet() >= 5 && rate.get() >= 5) {
                    enough.complete(null);
                }
            }, 1, 2, TimeUnit.MILLISECONDS);
            loop.runUntil(enough);
            timers[0].cancel(false);
            timers[1].cancel(false);
            int rateRuns = rate.get();
            int delayRuns = delay.get();
            CompletableFuture<Void> pause = new CompletableFuture<>();
            loop.schedule(() -> pause.complete(null), 20, TimeUnit.MILLISECONDS);
            loop.runUntil(pause);
            assertEquals(rateRuns, rate.get());
            assertEquals(delayRuns, delay.get());
            assertTrue(timers[0].isCancelled() && timers[1].isCancelled());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aPeriodicTaskThatThrowsStopsAndFailsItsFuture(TestBackends.Config config) {
        List<Throwable> reported = new ArrayList<>();
        try (EventLoop loop = config.builder()
                .errorHandler((l, source, error) -> reported.add(error)).build()) {
            AtomicInteger runs = new AtomicInteger();
            ScheduledFuture<?> timer = loop.scheduleAtFixedRate(() -> {
                if (runs.incrementAndGet() == 3) {
                    throw new IllegalStateException("third run fails");
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
            CompletionException e = assertThrows(CompletionException.class,
                    () -> loop.runUntil((CompletableFuture<?>) timer));
            assertEquals("third run fails", e.getCause().getMessage());
            CompletableFuture<Void> pause = new CompletableFuture<>();
            loop.schedule(() -> pause.complete(null), 10, TimeUnit.MILLISECONDS);
            loop.runUntil(pause);
            assertEquals(3, runs.get());
            assertEquals(1, reported.size());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void badPeriodsAreRejectedAtTheCall(TestBackends.Config config) {
        try (EventLoop loop = config.open()) {
            assertThrows(IllegalArgumentException.class,
                    () -> loop.scheduleAtFixedRate(() -> { }, 0, 0, TimeUnit.SECONDS));
            assertThrows(IllegalArgumentException.class,
                    () -> loop.scheduleWithFixedDelay(() -> { }, 0, -1, TimeUnit.SECONDS));
            assertThrows(NullPointerException.class,
                    () -> loop.schedule(() -> { }, 1, null));
            ScheduledFuture<?> huge = loop.schedule(() -> { }, Long.MAX_VALUE, TimeUnit.DAYS);
            assertFalse(huge.isDone());
            assertTrue(huge.getDelay(TimeUnit.DAYS) > 365);
        }
    }
}
