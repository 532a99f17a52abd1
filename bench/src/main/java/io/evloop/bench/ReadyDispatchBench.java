package io.evloop.bench;

import io.evloop.EventLoop;
import io.evloop.Interest;
import io.evloop.Watch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Ready-event dispatch: {@code k} pipes, each holding one unread byte, so they stay readable
 * (level-triggered) and every poll reports all of them. The figure is the cost per event
 * dispatched to a callback: an operation dispatches {@value #EVENTS} events, that is
 * {@code EVENTS / k} polls.
 *
 * <p>evloop watches each pipe's channel with {@link Interest#READ} (on a native backend that
 * watches its descriptor) and is driven by the benchmark thread: the callback that sees the
 * last event of the operation calls {@link EventLoop#stop()}, so {@link EventLoop#run()} returns
 * after that iteration. {@code nio-selector} is the raw loop: {@code selectNow()}, then iterate
 * and remove the selected keys. {@code netty-epoll} registers each pipe as an
 * {@code EpollIoHandle} (Netty 4.2's raw descriptor API, no channel pipeline) on a loop that
 * runs on its own thread; the benchmark thread waits until the handles have counted enough
 * events, a volatile read per event that the others do not pay.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class ReadyDispatchBench {
    static final int EVENTS = 1024;

    @Param({"1", "64", "1024"})
    public int k;

    @Param({"evloop-EPOLL-JNA", "evloop-EPOLL-PANAMA", "evloop-KQUEUE-JNA",
            "evloop-KQUEUE-PANAMA", "evloop-NIO", "nio-selector", "netty-epoll"})
    public String impl;

    private final List<Pipe> pipes = new ArrayList<>();
    private EventLoop loop;
    private long dispatched;
    private long target;
    private Selector selector;
    private NettyPipes netty;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (EVENTS % k != 0) {
            throw new IllegalArgumentException("k must divide " + EVENTS + ": " + k);
        }
        if (impl.equals("netty-epoll")) {
            netty = new NettyPipes(k);
            return;
        }
        for (int i = 0; i < k; i++) {
            Pipe pipe = Pipe.open();
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            pipes.add(pipe);
        }
        if (Impl.isEvloop(impl)) {
            loop = Impl.openEvloop(impl);
            for (Pipe pipe : pipes) {
                loop.watch(pipe.source(), Interest.READ, this::onReady);
            }
        } else if (impl.equals("nio-selector")) {
            selector = Selector.open();
            for (Pipe pipe : pipes) {
                pipe.source().configureBlocking(false);
                pipe.source().register(selector, SelectionKey.OP_READ, pipe);
            }
        } else {
            throw Impl.unknown("ReadyDispatchBench", impl);
        }
    }

    private void onReady(Watch watch, int ready) {
        if (++dispatched == target) {
            loop.stop();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (loop != null) {
            loop.close();
        }
        if (selector != null) {
            selector.close();
        }
        if (netty != null) {
            netty.close();
        }
        for (Pipe pipe : pipes) {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void dispatch(Blackhole blackhole) throws Exception {
        if (loop != null) {
            target = dispatched + EVENTS;
            loop.run();
        } else if (selector != null) {
            selectLoop(blackhole);
        } else {
            netty.awaitEvents(EVENTS);
        }
    }

    private void selectLoop(Blackhole blackhole) throws IOException {
        Set<SelectionKey> selected = selector.selectedKeys();
        int events = 0;
        while (events < EVENTS) {
            selector.selectNow();
            Iterator<SelectionKey> keys = selected.iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                blackhole.consume(key.attachment());
                events++;
            }
        }
    }
}
