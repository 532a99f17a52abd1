package io.evloop.bench;

import java.io.IOException;
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
 * Wake-up round trip: one task bounces between two idle loops, each asleep in its poller until
 * the other hands it the task. The figure is one round trip (two wake-ups). Each operation is
 * {@value #ROUNDS} round trips started and awaited by the benchmark thread, whose own hand-off
 * adds about 1% to every implementation alike. The C program {@code bench/c/wakeup.c} does the
 * same with two threads, each in {@code epoll_wait} (or {@code kevent}) on its own eventfd.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class WakeupBench {
    static final int ROUNDS = 100;

    @Param({"evloop-EPOLL-JNA", "evloop-EPOLL-PANAMA", "evloop-KQUEUE-JNA",
            "evloop-KQUEUE-PANAMA", "evloop-NIO", "netty-epoll", "netty-kqueue",
            "nio-selector"})
    public String impl;

    private AutoCloseable first;
    private AutoCloseable second;
    private Ball ball;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Executor a;
        Executor b;
        if (impl.equals("nio-selector")) {
            SelectorPingLoop pa = new SelectorPingLoop("bench-ping");
            SelectorPingLoop pb = new SelectorPingLoop("bench-pong");
            first = pa;
            second = pb;
            a = pa;
            b = pb;
        } else if (Impl.isEvloop(impl) || Impl.isNetty(impl)) {
            RunningLoop la = RunningLoop.start(impl);
            RunningLoop lb = RunningLoop.start(impl);
            first = la;
            second = lb;
            a = la.executor;
            b = lb.executor;
        } else {
            throw Impl.unknown("WakeupBench", impl);
        }
        ball = new Ball(a, b);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        first.close();
        second.close();
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void roundTrip() {
        ball.play(ROUNDS);
    }

    /** The bouncing task: one object, handed from loop to loop; allocates nothing. */
    static final class Ball implements Runnable {
        private final Executor a;
        private final Executor b;
        private final Waiter waiter = new Waiter();
        // Written by one loop thread, then read by the other after the hand-off, which orders
        // the two (every executor here publishes a task safely).
        private int hops;
        private boolean atA;

        Ball(Executor a, Executor b) {
            this.a = a;
            this.b = b;
        }

        void play(int rounds) {
            waiter.arm();
            hops = 2 * rounds;
            atA = false;
            a.execute(this);
            waiter.await();
        }

        @Override
        public void run() {
            atA = !atA;
            if (--hops == 0) {
                waiter.signal();
            } else if (atA) {
                b.execute(this);
            } else {
                a.execute(this);
            }
        }
    }
}
