package io.evloop;

import io.evloop.internal.LoopAccess;
import io.evloop.internal.Poller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An event loop: one thread that runs tasks, timers and readiness callbacks, and waits in the
 * operating system (epoll, kqueue, or a NIO {@link java.nio.channels.Selector}) when it has
 * nothing to do.
 *
 * <h2>Threads</h2>
 * Every callback (task, timer, watch callback, and the completion of futures made by this loop)
 * runs on the loop thread: the thread inside {@link #run()}, {@link #runUntil}, or the thread
 * {@link #start()} created. Every public method may be called from any thread; submissions from
 * other threads wake a sleeping loop, with concurrent wake-ups merged into one. Tasks submitted
 * by one thread run in the order submitted. A loop that no thread runs queues work until
 * {@code run}, {@code runUntil} or {@link #close()} runs it.
 *
 * <h2>Errors</h2>
 * What a task given to {@link #execute}, or a watch callback, throws goes to the loop's
 * {@link ErrorHandler} (by default, a log record); the loop keeps running. Tasks that return a
 * future ({@code submit}, {@code schedule}, {@code offload}) complete that future with the
 * exception instead; a periodic timer that throws is reported to the handler too, since it
 * stops for good.
 *
 * <h2>Closing</h2>
 * {@link #close()} stops accepting work, runs every task already accepted, cancels every timer
 * that has not fired (its future completes with a
 * {@link java.util.concurrent.CancellationException}) and every watch, frees the native
 * resources, and returns when all that is done (called on the loop thread, it returns at once
 * and the loop finishes after the current callback).
 * {@link #shutdown()} follows the {@link java.util.concurrent.ScheduledThreadPoolExecutor}
 * defaults instead: queued tasks and one-shot timers still run, periodic timers are cancelled,
 * and the loop terminates when nothing is left. {@link #shutdownNow()} runs nothing more and
 * returns the tasks that never started. After any of them, new work is rejected with
 * {@link RejectedExecutionException}.
 *
 * <h2>Blocking</h2>
 * Methods that wait ({@code runUntil}, {@code invokeAll}, {@code invokeAny},
 * {@code awaitTermination}, and {@code get} or {@code join} on an unfinished future of this loop)
 * throw {@link IllegalStateException} when called on the loop thread, where they would wait
 * forever for the loop they block.
 */
public final class EventLoop extends AbstractExecutorService
        implements ScheduledExecutorService, AutoCloseable {
    private static final AtomicInteger LOOP_COUNT = new AtomicInteger();

    static {
        // Networking's native I/O path reaches the poller, and pipelines the trace, through this
        // seam (see LoopAccess).
        LoopAccess.install(new LoopAccess.Accessor() {
            @Override
            public Poller poller(EventLoop loop) {
                return loop.core.poller;
            }

            @Override
            public int fd(SelectableChannel channel) {
                return ChannelFd.of(channel);
            }

            @Override
            public void onTerminate(EventLoop loop, Runnable hook) {
                loop.core.addTerminationHook(hook);
            }

            @Override
            public LoopAccess.TraceTarget trace(EventLoop loop) {
                return loop.core.monitor;
            }
        });
    }

    private final String name;
    private final boolean daemon;
    private final ErrorHandler errorHandler;
    private final Executor offloadExecutor;
    private final LoopCore core;
    private final LoopTrace trace;

    private EventLoop(Builder builder) throws IOException {
        this.name = builder.name != null ? builder.name
                : "evloop-" + LOOP_COUNT.incrementAndGet();
        this.daemon = builder.daemon;
        this.errorHandler = builder.errorHandler;
        this.offloadExecutor = builder.offloadExecutor;
        Poller poller = BackendChooser.open(builder.backend, builder.binding);
        LoopMonitor monitor = new LoopMonitor(this, builder.slowThreshold.toNanos(),
                builder.monitoring);
        this.core = new LoopCore(this, poller, monitor);
        this.trace = new LoopTrace(monitor, name);
    }

    /**
     * Opens a loop on the best backend available (see {@link Backend#AUTO}).
     *
     * @throws UncheckedIOException if the operating system refuses to create a poller
     */
    public static EventLoop open() {
        return builder().build();
    }

    /**
     * Opens a loop on the given backend.
     *
     * @throws IllegalStateException if that backend is not available here, with the reason
     * @throws UncheckedIOException if the operating system refuses to create a poller
     */
    public static EventLoop open(Backend backend) {
        return builder().backend(backend).build();
    }

    /** Returns a builder for a loop with non-default settings. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether a backend (with a binding, for the native ones) can be opened on this machine:
     * for native backends, whether the library loads and offers that poller.
     */
    public static boolean isAvailable(Backend backend, Binding binding) {
        return BackendChooser.isAvailable(Objects.requireNonNull(backend, "backend"),
                Objects.requireNonNull(binding, "binding"));
    }

    /** The name of this loop, also the name of the thread {@link #start()} creates. */
    public String name() {
        return name;
    }

    /** The backend this loop runs on: {@code EPOLL}, {@code KQUEUE} or {@code NIO}. */
    public Backend backend() {
        return Backend.valueOf(core.poller.backend());
    }

    /** The binding a native backend calls the C core through; empty for NIO. */
    public Optional<Binding> binding() {
        String binding = core.poller.binding();
        return binding == null ? Optional.empty() : Optional.of(Binding.valueOf(binding));
    }

    /** Whether the calling thread is the thread currently running this loop. */
    public boolean inEventLoop() {
        return core.inEventLoop();
    }

    /**
     * A snapshot of what this loop has done: iterations, tasks, I/O events and timers run, time
     * blocked and running, queue depths, sampled submission latency, and the native memory a
     * native backend holds. Cheap; any thread.
     */
    public LoopStats stats() {
        return core.stats();
    }

    /** The trace recorder of this loop: start and stop recording, write Chrome trace JSON. */
    public LoopTrace trace() {
        return trace;
    }

    /**
     * Gives a task a name, which slow-callback reports, traces and error reports show instead
     * of its class.
     */
    public static Runnable named(String name, Runnable task) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        return new NamedTask(name, task);
    }

    /** How reports name a callback: its given name, or its class without lambda noise. */
    static String describe(Object callback) {
        if (callback instanceof NamedTask || callback instanceof LoopCore.InternalTask) {
            return callback.toString();
        }
        if (callback instanceof SubmittedTask) {
            return describe(((SubmittedTask<?>) callback).source);
        }
        if (callback instanceof Runnable && callback.getClass().getEnclosingClass()
                == LoopCore.class) {
            return callback.toString();
        }
        String type = callback.getClass().getName();
        int lambda = type.indexOf("$$Lambda");
        return lambda > 0 ? type.substring(0, lambda) + " (lambda)" : type;
    }

    // ---------------------------------------------------------------- tasks

    /**
     * Runs a task on the loop thread, after the tasks submitted before it by the same thread.
     * Wakes the loop if it sleeps. What the task throws goes to the error handler.
     *
     * @throws RejectedExecutionException if the loop is shut down or closed
     */
    @Override
    public void execute(Runnable task) {
        core.execute(Objects.requireNonNull(task, "task"));
    }

    /**
     * Runs a task on the loop thread; the future completes on the loop thread with its result
     * or its exception. Cancelling the future before the task starts keeps it from running.
     */
    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return submit(task, task);
    }

    private <T> CompletableFuture<T> submit(Callable<T> task, Object source) {
        LoopFuture<T> future = new LoopFuture<>(this);
        execute(new SubmittedTask<>(future, task, source));
        return future;
    }

    /** Like {@link #submit(Callable)}; the future completes with {@code null}. */
    @Override
    public CompletableFuture<Void> submit(Runnable task) {
        Objects.requireNonNull(task, "task");
        return submit(Executors.callable(task, null), task);
    }

    /** Like {@link #submit(Callable)}; the future completes with {@code result}. */
    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task");
        return submit(Executors.callable(task, result), task);
    }

    /**
     * Runs blocking work on the default offload executor (a shared pool of daemon threads,
     * twice the processors, at least 4 and at most 64) and completes the future on the loop
     * thread, so that what depends on it runs on the loop. If the loop closes before the result
     * arrives, the future completes on the executor's thread instead. Cancelling the future does
     * not interrupt the work.
     */
    public <T> CompletableFuture<T> offload(Callable<T> work) {
        return offload(work, offloadExecutor != null ? offloadExecutor : OffloadPool.get());
    }

    /** Like {@link #offload(Callable)}, on the given executor. */
    public <T> CompletableFuture<T> offload(Callable<T> work, Executor executor) {
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(executor, "executor");
        core.checkAccepting(work);
        LoopFuture<T> future = new LoopFuture<>(this);
        executor.execute(() -> {
            if (future.isDone()) {
                return;
            }
            T value = null;
            Throwable failure = null;
            try {
                value = work.call();
            } catch (Throwable t) {
                failure = t;
            }
            deliver(future, value, failure);
        });
        return future;
    }

    private <T> void deliver(LoopFuture<T> future, T value, Throwable failure) {
        OffloadCompletion<T> completion = new OffloadCompletion<>(future, value, failure);
        try {
            execute(completion);
        } catch (RejectedExecutionException closed) {
            completion.run();
        }
    }

    /**
     * Completes an offload future on the loop. The work has already run, so a halting loop
     * still completes the future ({@link #neverRun}) instead of handing this task back.
     */
    private static final class OffloadCompletion<T> implements LoopCore.InternalTask {
        private final LoopFuture<T> future;
        private final T value;
        private final Throwable failure;

        OffloadCompletion(LoopFuture<T> future, T value, Throwable failure) {
            this.future = future;
            this.value = value;
            this.failure = failure;
        }

        @Override
        public void run() {
            if (failure == null) {
                future.complete(value);
            } else {
                future.completeExceptionally(failure);
            }
        }

        @Override
        public void neverRun() {
            run();
        }

        @Override
        public String toString() {
            return "complete offload";
        }
    }

    // ---------------------------------------------------------------- timers

    /**
     * Runs a task once after a delay. Zero and negative delays mean "run now" (in the next
     * iteration). Timers with the same deadline run in the order they were scheduled. The
     * future completes on the loop thread; {@code cancel} removes the timer.
     */
    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        return core.schedule(Executors.callable(task), task, toNanos(delay, unit), 0);
    }

    /** Like {@link #schedule(Runnable, long, TimeUnit)}, completing with the task's result. */
    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> task, long delay, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        return core.schedule(task, task, toNanos(delay, unit), 0);
    }

    /** Like {@link #schedule(Runnable, long, TimeUnit)}, with a {@link Duration}. */
    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        Objects.requireNonNull(delay, "delay");
        return schedule(task, saturatedNanos(delay), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs a task periodically at a fixed rate, as {@link ScheduledExecutorService} specifies:
     * if a run takes longer than the period, the next starts late and runs do not overlap. A run
     * that throws ends the task: its future completes with the exception, which also goes to the
     * error handler.
     *
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long initialDelay, long period,
            TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        long periodNanos = toNanos(period, unit);
        if (period <= 0) {
            throw new IllegalArgumentException("period must be positive: " + period + " " + unit);
        }
        return core.schedule(Executors.callable(task), task, toNanos(initialDelay, unit),
                Math.max(1, periodNanos));
    }

    /**
     * Runs a task periodically with a fixed delay between the end of one run and the start of
     * the next. Failures end the task as in {@link #scheduleAtFixedRate}.
     *
     * @throws IllegalArgumentException if {@code delay} is not positive
     */
    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay,
            long delay, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        long delayNanos = toNanos(delay, unit);
        if (delay <= 0) {
            throw new IllegalArgumentException("delay must be positive: " + delay + " " + unit);
        }
        return core.schedule(Executors.callable(task), task, toNanos(initialDelay, unit),
                -Math.max(1, delayNanos));
    }

    private static long toNanos(long amount, TimeUnit unit) {
        return Objects.requireNonNull(unit, "unit").toNanos(amount);
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    // ---------------------------------------------------------------- watches

    /**
     * Watches a file descriptor (native backends only). The callback runs on the loop thread
     * whenever the descriptor is ready for what {@code interest} asks (level-triggered). The
     * descriptor stays owned by the caller: cancel the watch before closing it.
     *
     * <p>From another thread, this method waits until the loop has registered the descriptor.
     *
     * @throws NativeException if the descriptor cannot be watched (closed, invalid, or of a kind
     *     the poller refuses, such as a regular file on epoll), naming the fd and the OS error
     * @throws UnsupportedOperationException on the NIO backend, which watches channels only
     * @throws RejectedExecutionException if the loop is closed
     */
    public Watch watch(int fd, Interest interest, WatchCallback callback) throws IOException {
        Objects.requireNonNull(interest, "interest");
        Objects.requireNonNull(callback, "callback");
        if (!backend().isNative()) {
            throw new UnsupportedOperationException("watching fd " + fd + " needs a native "
                    + "backend; " + this + " runs NIO, which watches SelectableChannels");
        }
        WatchImpl watch = new WatchImpl(this, fd, null, interest, callback);
        core.callOnLoop(() -> core.registerWatch(watch));
        return watch;
    }

    /**
     * Watches a channel, on every backend. The channel is switched to non-blocking mode. On
     * a native backend its descriptor is watched directly, which needs the JVM option
     * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}. Otherwise as
     * {@link #watch(int, Interest, WatchCallback)}.
     *
     * @throws UnsupportedOperationException on a native backend without that option
     */
    public Watch watch(SelectableChannel channel, Interest interest, WatchCallback callback)
            throws IOException {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(interest, "interest");
        Objects.requireNonNull(callback, "callback");
        int fd = backend().isNative() ? ChannelFd.of(channel) : -1;
        channel.configureBlocking(false);
        WatchImpl watch = new WatchImpl(this, fd, channel, interest, callback);
        core.callOnLoop(() -> core.registerWatch(watch));
        return watch;
    }

    void dispatchWatch(WatchImpl watch, WatchCallback callback, int ready) {
        core.dispatchWatch(watch, callback, ready);
    }

    void updateWatch(WatchImpl watch, Interest interest) {
        if (watch.isActive()) {
            core.poller.update(watch, interest.bits());
        }
    }

    void deregisterWatch(WatchImpl watch) {
        core.deregisterWatch(watch);
    }

    void reschedule(ScheduledTask<?> task) {
        core.reschedule(task);
    }

    void unschedule(ScheduledTask<?> task) {
        core.unschedule(task);
    }

    /** Runs an action on the loop: now when possible, else queued (see {@link Watch}). */
    void onLoop(Runnable action, boolean rejectWhenClosed) {
        core.onLoop(action, rejectWhenClosed);
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs the loop on the calling thread until {@link #stop()} is called or the loop
     * terminates. {@code stop()} called before {@code run()} makes it run one iteration.
     *
     * @throws IllegalStateException if another thread runs the loop, or it is closed
     */
    public void run() {
        core.run();
    }

    /**
     * Runs the loop on the calling thread until the future completes, then returns its result,
     * as {@link CompletableFuture#join()} would.
     *
     * @throws java.util.concurrent.CompletionException with the future's failure
     * @throws java.util.concurrent.CancellationException if the future was cancelled
     * @throws IllegalStateException on the loop thread, if another thread runs the loop, or if
     *     the loop terminates before the future completes
     */
    public <T> T runUntil(CompletionStage<T> future) {
        Objects.requireNonNull(future, "future");
        CompletableFuture<T> done = future.toCompletableFuture();
        core.runUntil(done);
        return done.join();
    }

    /**
     * Starts a new thread, named after the loop, that runs it until it terminates or is
     * stopped; returns when that thread owns the loop. The thread is a daemon unless the
     * builder said otherwise. Errors that end the loop thread are logged.
     *
     * @return this loop
     * @throws IllegalStateException if a thread already runs the loop, or it is closed
     */
    public EventLoop start() {
        core.start(name, daemon);
        return this;
    }

    /**
     * Makes {@link #run()} return after the current iteration; from any thread. The loop keeps
     * its tasks, timers and watches and can be run again.
     */
    public void stop() {
        core.stop();
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Closes the loop by the rule in the class description: accepted tasks run, timers and
     * watches are cancelled, native resources are freed. Waits for that unless called on the
     * loop thread. Closing again does nothing.
     */
    @Override
    public void close() {
        core.close();
    }

    /** See the class description: queued work and one-shot timers finish, then it terminates. */
    @Override
    public void shutdown() {
        core.shutdown();
    }

    /**
     * Stops at once: returns the tasks that never started, cancels timers and watches, and
     * terminates after the current callback. Waits for the loop thread to hand over its queue.
     * A returned task that came from {@code submit} is a {@link Future} of that submission, as
     * with the JDK's executors: its future stays pending until the task is run or cancelled.
     */
    @Override
    public List<Runnable> shutdownNow() {
        return core.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return core.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return core.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        core.checkNotOnLoop("awaitTermination");
        return core.awaitTermination(timeout, unit);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks)
            throws InterruptedException {
        core.checkNotOnLoop("invokeAll");
        return super.invokeAll(tasks);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout,
            TimeUnit unit) throws InterruptedException {
        core.checkNotOnLoop("invokeAll");
        return super.invokeAll(tasks, timeout, unit);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks)
            throws InterruptedException, ExecutionException {
        core.checkNotOnLoop("invokeAny");
        return super.invokeAny(tasks);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        core.checkNotOnLoop("invokeAny");
        return super.invokeAny(tasks, timeout, unit);
    }

    /** Passes a failure to the error handler; a handler that throws is logged. */
    void reportError(Object source, Throwable error) {
        try {
            errorHandler.handle(this, source, error);
        } catch (Throwable t) {
            t.addSuppressed(error);
            ErrorHandlers.LOG.log(System.Logger.Level.ERROR,
                    this + ": the error handler failed on " + source, t);
        }
    }

    @Override
    public String toString() {
        String binding = core.poller.binding();
        return "EventLoop[" + name + ", " + core.poller.backend()
                + (binding == null ? "" : " via " + binding) + "]";
    }

    /** A task with a name given by {@link #named}. */
    private static final class NamedTask implements Runnable {
        private final String name;
        private final Runnable task;

        NamedTask(String name, Runnable task) {
            this.name = name;
            this.task = task;
        }

        @Override
        public void run() {
            LoopMonitor.namedTaskStarts(this);
            task.run();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * A task from {@link #submit}: completes its future unless that was cancelled first. It is
     * also that future, so that the caller of {@link #shutdownNow()} can cancel the tasks it
     * gets back, as with the JDK's executors.
     */
    private static final class SubmittedTask<T> implements RunnableFuture<T> {
        private final LoopFuture<T> future;
        private final Callable<T> task;
        private final Object source;

        SubmittedTask(LoopFuture<T> future, Callable<T> task, Object source) {
            this.future = future;
            this.task = task;
            this.source = source;
        }

        @Override
        public void run() {
            if (future.isDone()) {
                return;
            }
            try {
                future.complete(task.call());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return future.cancel(mayInterruptIfRunning);
        }

        @Override
        public boolean isCancelled() {
            return future.isCancelled();
        }

        @Override
        public boolean isDone() {
            return future.isDone();
        }

        @Override
        public T get() throws InterruptedException, ExecutionException {
            return future.get();
        }

        @Override
        public T get(long timeout, TimeUnit unit)
                throws InterruptedException, ExecutionException, TimeoutException {
            return future.get(timeout, unit);
        }

        @Override
        public String toString() {
            return source.toString();
        }
    }

    /**
     * Settings for a new loop. Not thread-safe; {@link #build()} may be called more than once.
     */
    public static final class Builder {
        private String name;
        private Backend backend = Backend.AUTO;
        private Binding binding = Binding.AUTO;
        private ErrorHandler errorHandler = ErrorHandlers.LOGGING;
        private Executor offloadExecutor;
        private boolean daemon = true;
        private Duration slowThreshold = Duration.ofMillis(100);
        private boolean monitoring = true;

        private Builder() {}

        /**
         * Whether the loop keeps {@linkplain EventLoop#stats() stats}, reports slow callbacks,
         * can record {@linkplain EventLoop#trace() traces} and emits JFR events; default true.
         * Off, {@code stats()} reports zeros for its counters and latencies (queue depths and
         * native memory stay real) and {@code trace().start()} throws. Meant for
         * measuring what monitoring costs; it costs little enough to stay on.
         */
        public Builder monitoring(boolean monitoring) {
            this.monitoring = monitoring;
            return this;
        }

        /**
         * A callback, timer or I/O callback that runs longer than this, or an iteration whose
         * callbacks together do, is reported through {@link System.Logger} (logger
         * {@code io.evloop}, level WARNING) and as a JFR event; default 100 ms.
         */
        public Builder slowCallbackThreshold(Duration threshold) {
            Objects.requireNonNull(threshold, "threshold");
            if (threshold.isNegative() || threshold.isZero()) {
                throw new IllegalArgumentException("the slow-callback threshold must be "
                        + "positive: " + threshold);
            }
            this.slowThreshold = threshold;
            return this;
        }

        /** The loop's name (and its thread's); default {@code evloop-N}. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The backend; default {@link Backend#AUTO}. */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /** The binding of a native backend; default {@link Binding#AUTO}. */
        public Builder binding(Binding binding) {
            this.binding = Objects.requireNonNull(binding, "binding");
            return this;
        }

        /** Where failures of callbacks go; default: a log record through System.Logger. */
        public Builder errorHandler(ErrorHandler handler) {
            this.errorHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** The executor of {@link EventLoop#offload(Callable)}; default a shared pool. */
        public Builder offloadExecutor(Executor executor) {
            this.offloadExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Whether the thread of {@link EventLoop#start()} is a daemon; default true. */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /**
         * Opens the loop.
         *
         * @throws IllegalStateException if a forced backend is not available, with the reason
         * @throws UncheckedIOException if the operating system refuses to create a poller
         */
        public EventLoop build() {
            try {
                return new EventLoop(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open an event loop: " + e.getMessage(), e);
            }
        }
    }
}
