package io.evloop.bench;

import java.util.concurrent.Executor;
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
 * Task dispatch on the loop thread: a chain of tasks, each submitting the next from the loop
 * thread, as a handler that continues its work in a new task does. The figure is the time per
 * task. Each operation hands the head of a chain of {@value #CHAIN} tasks to the loop and waits
 * for the last; that hand-off (one wake-up each way, about 20 us) adds about 0.2 ns per task to
 * every implementation alike.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class TaskDispatchBench {
    static final int CHAIN = 100_000;

    @Param({"evloop-EPOLL-JNA", "evloop-EPOLL-PANAMA", "evloop-KQUEUE-JNA",
            "evloop-KQUEUE-PANAMA", "evloop-NIO", "netty-epoll", "netty-kqueue", "netty-nio",
            "arraydeque"})
    public String impl;

    private RunningLoop loop;
    private Chain chain;

    @Setup(Level.Trial)
    public void setUp() {
        if (impl.equals("stpe")) {
            throw Impl.unknown("TaskDispatchBench", impl);
        }
        loop = RunningLoop.start(impl);
        chain = new Chain(loop.executor);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public void chain() {
        chain.run(CHAIN);
    }

    /** One task object that resubmits itself, so the chain itself allocates nothing. */
    static final class Chain implements Runnable {
        private final Executor executor;
        private final Waiter waiter = new Waiter();
        private int remaining;

        Chain(Executor executor) {
            this.executor = executor;
        }

        void run(int length) {
            waiter.arm();
            remaining = length;
            executor.execute(this);
            waiter.await();
        }

        @Override
        public void run() {
            if (--remaining > 0) {
                executor.execute(this);
            } else {
                waiter.signal();
            }
        }
    }
}
