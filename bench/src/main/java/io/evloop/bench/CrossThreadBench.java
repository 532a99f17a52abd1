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
import org.openjdk.jmh.annotations.Threads;

/**
 * Cross-thread submission: one or two producer threads submit tasks to one loop. Each
 * operation submits a batch of {@value #BATCH} tasks and waits until the loop has run them all,
 * so the figure is the time per task from the producer's side, the loop's share included (a
 * producer cannot run ahead of the loop by more than one batch). With two producers both
 * batches compete for the same loop.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class CrossThreadBench {
    static final int BATCH = 10_000;

    @Param({"evloop-EPOLL-JNA", "evloop-EPOLL-PANAMA", "evloop-KQUEUE-JNA",
            "evloop-KQUEUE-PANAMA", "evloop-NIO", "netty-epoll", "netty-kqueue", "netty-nio"})
    public String impl;

    private RunningLoop loop;

    @Setup(Level.Trial)
    public void setUp() {
        if (!Impl.isEvloop(impl) && !Impl.isNetty(impl)) {
            throw Impl.unknown("CrossThreadBench", impl);
        }
        loop = RunningLoop.start(impl);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        loop.close();
    }

    /** What one producer thread submits: a counting task and the task that ends its batch. */
    @State(Scope.Thread)
    public static class Producer {
        private final Waiter waiter = new Waiter();
        private final Runnable end = waiter::signal;
        private long ran;
        private final Runnable count = () -> ran++;

        void submitBatch(Executor executor) {
            waiter.arm();
            for (int i = 1; i < BATCH; i++) {
                executor.execute(count);
            }
            executor.execute(end);
            waiter.await();
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public void oneProducer(Producer producer) {
        producer.submitBatch(loop.executor);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public void twoProducers(Producer producer) {
        producer.submitBatch(loop.executor);
    }
}
