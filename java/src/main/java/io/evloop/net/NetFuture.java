package io.evloop.net;

import io.evloop.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A future that a loop completes: its {@code *Async} stages run on the loop, and its blocking
 * methods refuse to wait on the loop thread, where they would wait forever.
 */
final class NetFuture<T> extends CompletableFuture<T> {
    private final EventLoop loop;

    NetFuture(EventLoop loop) {
        this.loop = loop;
    }

    static <T> NetFuture<T> failed(EventLoop loop, Throwable failure) {
        NetFuture<T> future = new NetFuture<>(loop);
        future.completeExceptionally(failure);
        return future;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new NetFuture<>(loop);
    }

    @Override
    public Executor defaultExecutor() {
        return loop;
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        checkNotOnLoop("get()");
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        checkNotOnLoop("get(timeout)");
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        checkNotOnLoop("join()");
        return super.join();
    }

    private void checkNotOnLoop(String method) {
        if (!isDone() && loop.inEventLoop()) {
            throw new IllegalStateException(method + " on an unfinished future, called on the "
                    + "thread of " + loop + ", would block the loop that has to complete it");
        }
    }
}
