package io.evloop.bench;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Timers: schedule {@value #TIMERS} timers with deadlines spread over a minute in a shuffled
 * order, then cancel them all in the order they were scheduled, as timeouts that never fire
 * do. Everything runs on the loop's own thread, where a loop's timers are normally managed;
 * the benchmark thread hands the batch over and waits. The figure is one schedule plus one
 * cancel.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class TimerBench {
    static final int TIMERS = 10_000;

    @Param({"evloop-EPOLL-JNA", "evloop-EPOLL-PANAMA", "evloop-KQUEUE-JNA",
            "evloop-KQUEUE-PANAMA", "evloop-NIO", "netty-epoll", "netty-kqueue", "stpe"})
    public String impl;

    private RunningLoop loop;
    private Batch batch;

    @Setup(Level.Trial)
    public void setUp() {
        if (impl.equals("arraydeque") || impl.equals("netty-nio")) {
            throw Impl.unknown("TimerBench", impl);
        }
        loop = RunningLoop.start(impl);
        batch = new Batch(loop.scheduler());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public void scheduleCancel() {
        batch.runOnLoop();
    }

    /** Schedules and cancels the timers, on the loop thread. */
    static final class Batch implements Runnable {
        private static final Runnable NEVER = () -> {
            throw new AssertionError("a cancelled benchmark timer ran");
        };

        private final ScheduledExecutorService scheduler;
        private final ScheduledFuture<?>[] futures = new ScheduledFuture<?>[TIMERS];
        private final long[] delays = new long[TIMERS];
        private final Waiter waiter = new Waiter();

        Batch(ScheduledExecutorService scheduler) {
            this.scheduler = scheduler;
            long spread = TimeUnit.SECONDS.toMicros(60);
            for (int i = 0; i < TIMERS; i++) {
                // 7919 is prime, so i * 7919 mod TIMERS visits every slot once: a shuffle.
                delays[i] = spread + (long) i * 7919 % TIMERS * (spread / TIMERS);
            }
        }

        void runOnLoop() {
            waiter.arm();
            scheduler.execute(this);
            waiter.await();
        }

        @Override
        public void run() {
            for (int i = 0; i < TIMERS; i++) {
                futures[i] = scheduler.schedule(NEVER, delays[i], TimeUnit.MICROSECONDS);
            }
            for (int i = 0; i < TIMERS; i++) {
                futures[i].cancel(false);
                futures[i] = null;
            }
            waiter.signal();
        }
    }
}
