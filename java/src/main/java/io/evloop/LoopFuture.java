package io.evloop;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link CompletableFuture} that belongs to a loop: its {@code *Async} methods without an
 * executor run on the loop, and its blocking methods refuse to block the loop's own thread,
 * where waiting would deadlock.
 */
class LoopFuture<T> extends CompletableFuture<T> {
    final EventLoop loop;

    LoopFuture(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new LoopFuture<>(loop);
    }

    @Override
    public Executor defaultExecutor() {
        return loop;
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        checkNotBlockingLoop("get()");
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        checkNotBlockingLoop("get(timeout)");
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        checkNotBlockingLoop("join()");
        return super.join();
    }

    /**
     * Cancels as {@link CompletableFuture#cancel} does, with a {@link CancellationException}
     * that has no stack trace: filling one in made cancelling a timer cost about 1 µs and 800
     * bytes, ten times Netty's whole schedule and cancel (bench/RESULTS.md, TimerBench), and
     * the trace would only show this method's caller.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return completeExceptionally(new Cancelled()) || isCancelled();
    }

    private void checkNotBlockingLoop(String method) {
        if (!isDone() && loop.inEventLoop()) {
            throw new IllegalStateException(method + " on an unfinished future, called on the "
                    + "thread of " + loop + ", would block the loop that has to complete it");
        }
    }

    /** The exception of a cancelled loop future; see {@link #cancel}. */
    private static final class Cancelled extends CancellationException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super("cancelled");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
