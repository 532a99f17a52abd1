package io.evloop.bench;

import io.evloop.EventLoop;
import java.io.IOException;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Empty poll: one loop iteration with nothing ready. evloop is driven by the benchmark thread
 * through its public API: the operation queues a task that calls {@link EventLoop#stop()} and
 * calls {@link EventLoop#run()}, which runs exactly one iteration (run the task, poll without
 * waiting since a stop is pending, dispatch nothing) and returns. So the figure includes taking
 * and releasing the loop, one queued task and the poll. The baselines are
 * {@link Selector#selectNow()} and {@code epoll_wait} (or {@code kevent}) with a zero timeout
 * from C ({@code bench/c/empty_poll.c}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class EmptyPollBench {
    @Param({"evloop-EPOLL-JNA", "evloop-EPOLL-PANAMA", "evloop-KQUEUE-JNA",
            "evloop-KQUEUE-PANAMA", "evloop-NIO", "nio-selector"})
    public String impl;

    private EventLoop loop;
    private Runnable stop;
    private Selector selector;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (Impl.isEvloop(impl)) {
            loop = Impl.openEvloop(impl);
            stop = loop::stop;
        } else if (impl.equals("nio-selector")) {
            selector = Selector.open();
        } else {
            throw Impl.unknown("EmptyPollBench", impl);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (loop != null) {
            loop.close();
        }
        if (selector != null) {
            selector.close();
        }
    }

    @Benchmark
    public int poll() throws IOException {
        if (loop != null) {
            loop.execute(stop);
            loop.run();
            return 0;
        }
        return selector.selectNow();
    }
}
