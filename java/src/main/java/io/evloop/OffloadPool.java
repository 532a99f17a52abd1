package io.evloop;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor for {@link EventLoop#offload}: shared by all loops, created on first
 * use, with a bounded number of daemon threads (twice the processors, at least 4, at most 64)
 * that time out after a minute idle. Work beyond the threads waits in an unbounded queue, so an
 * offload is never rejected because the pool is busy.
 */
final class OffloadPool {
    private static final int THREADS =
            Math.min(64, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));

    private OffloadPool() {}

    static ExecutorService get() {
        return Holder.POOL;
    }

    private static final class Holder {
        static final ExecutorService POOL = create();

        private static ExecutorService create() {
            AtomicInteger count = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 60,
                    TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
                        Thread t = new Thread(task, "evloop-offload-" + count.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }
    }
}
