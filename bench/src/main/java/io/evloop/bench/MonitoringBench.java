package io.evloop.bench;

import io.evloop.EventLoop;
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
 * What the loop's monitoring costs on task dispatch (the chain of {@link TaskDispatchBench}),
 * on the default backend of this JDK: {@code evloop-AUTO} is a loop as users get it (stats and
 * slow-callback detection on, tracing off); the baselines are the same loop built with
 * {@code monitoring(false)} ({@code unmonitored-AUTO}) and with a trace recording
 * ({@code traced-AUTO}). The ratio against {@code unmonitored-AUTO} is the cost of stats and
 * of tracing while off (target: at most 1.05); the ratio against {@code traced-AUTO} is below
 * 1 by what recording a trace costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// A 5% difference is finer than the fork-to-fork variation here (about 15%: each fork's JIT
// and thread placement differ), so the comparison averages five forks of each; even that can
// read 1.2 on a busy machine. The figure in bench/RESULTS.md comes from bench/interleave,
// which alternates single forks of each value for 25 rounds.
@Fork(value = 5, jvmArgsAppend = {"--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class MonitoringBench {
    @Param({"evloop-AUTO", "unmonitored-AUTO", "traced-AUTO"})
    public String impl;

    private EventLoop loop;
    private TaskDispatchBench.Chain chain;

    @Setup(Level.Trial)
    public void setUp() {
        EventLoop.Builder builder = EventLoop.builder().name("bench-" + impl);
        switch (impl) {
            case "evloop-AUTO":
                loop = builder.build();
                break;
            case "unmonitored-AUTO":
                loop = builder.monitoring(false).build();
                break;
            case "traced-AUTO":
                loop = builder.build();
                // Small enough to stay in cache; the buffer wraps, as a long recording does.
                loop.trace().start(4096);
                break;
            default:
                throw Impl.unknown("MonitoringBench", impl);
        }
        loop.start();
        chain = new TaskDispatchBench.Chain(loop);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(TaskDispatchBench.CHAIN)
    public void chain() {
        chain.run(TaskDispatchBench.CHAIN);
    }
}
