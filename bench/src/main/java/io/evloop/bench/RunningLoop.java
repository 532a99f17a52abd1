package io.evloop.bench;

import io.evloop.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One loop of any implementation, running on a thread of its own, seen as a
 * {@link ScheduledExecutorService} (all of them are one, except the ArrayDeque floor, which is
 * only an {@link Executor}).
 */
final class RunningLoop implements AutoCloseable {
    final Executor executor;
    private final AutoCloseable closer;

    private RunningLoop(Executor executor, AutoCloseable closer) {
        this.executor = executor;
        this.closer = closer;
    }

    /**
     * Starts a loop: {@code evloop-*}, {@code netty-epoll}, {@code netty-kqueue},
     * {@code netty-nio}, {@code arraydeque} or {@code stpe} (a one-thread
     * {@link ScheduledThreadPoolExecutor} that removes cancelled timers).
     */
    static RunningLoop start(String impl) {
        if (Impl.isEvloop(impl)) {
            EventLoop loop = Impl.openEvloop(impl).start();
            return new RunningLoop(loop, loop);
        }
        if (Impl.isNetty(impl)) {
            MultiThreadIoEventLoopGroup group = Impl.openNetty(impl);
            return new RunningLoop(group.next(),
                    () -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync());
        }
        switch (impl) {
            case "arraydeque":
                ArrayDequeLoop floor = new ArrayDequeLoop();
                return new RunningLoop(floor, floor);
            case "stpe":
                ScheduledThreadPoolExecutor stpe = new ScheduledThreadPoolExecutor(1);
                stpe.setRemoveOnCancelPolicy(true);
                return new RunningLoop(stpe, () -> {
                    stpe.shutdownNow();
                    stpe.awaitTermination(5, TimeUnit.SECONDS);
                });
            default:
                throw new IllegalArgumentException("no running loop for " + impl);
        }
    }

    /** The loop as a scheduler; fails for the ArrayDeque floor. */
    ScheduledExecutorService scheduler() {
        if (!(executor instanceof ScheduledExecutorService)) {
            throw new IllegalStateException(executor + " cannot schedule timers");
        }
        return (ScheduledExecutorService) executor;
    }

    @Override
    public void close() throws Exception {
        closer.close();
    }
}
