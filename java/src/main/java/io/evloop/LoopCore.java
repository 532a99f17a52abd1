package io.evloop;

import io.evloop.internal.JfrSwitch;
import io.evloop.internal.LoopEvents;
import io.evloop.internal.Poller;
import io.evloop.internal.TimerHeap;
import io.evloop.internal.Watchdog;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;

/**
 * The engine behind {@link EventLoop}: the run queues, the timer heap, the iteration, and the
 * rules for running, stopping and closing.
 *
 * <p>One iteration runs the tasks that were queued when it began, and those they queue up to a
 * budget (so a chain of tasks costs no poll per task, and a task that queues another does not
 * starve I/O), runs the timers that are due, then polls: without waiting when work is pending,
 * else until the next timer or a wake-up.
 *
 * <p>Tasks from the loop thread go to a plain deque. Tasks from other threads go to a lock-free
 * multi-producer queue and wake the loop only when it announced that it is about to sleep; the
 * announcement is taken back by the first submitter, so concurrent submitters cause one wake-up.
 */
final class LoopCore {
    private static final int AWAKE = 0;
    private static final int SLEEPING = 1;

    private static final int OPEN = 0;
    private static final int SHUTDOWN = 1;
    private static final int CLOSING = 2;
    private static final int HALTING = 3;

    /** How many tasks one iteration runs at least, when they keep coming, before it polls. */
    private static final int TASK_BUDGET = 1024;
    /** The sign bit of {@link #gate}: set once the loop accepts no more work. */
    private static final long GATE_CLOSED = Long.MIN_VALUE;
    /** Delays are capped so that deadlines stay comparable by subtraction. */
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE >> 2;
    /** How long a waiting caller sleeps before checking whether it must drive the loop itself. */
    private static final long OWNER_CHECK_MILLIS = 20;

    private final EventLoop loop;
    final Poller poller;

    private final ArrayDeque<Runnable> localTasks = new ArrayDeque<>();
    private final MpscUnboundedVarHandleArrayQueue<Runnable> remoteTasks =
            new MpscUnboundedVarHandleArrayQueue<>(1024);
    private final TimerHeap<ScheduledTask<?>> timers = new TimerHeap<>();
    private final List<ScheduledTask<?>> rescheduled = new ArrayList<>();
    private final Set<WatchImpl> watches = new LinkedHashSet<>();
    /** Run once when the loop terminates, before its watches and poller go; see LoopAccess. */
    private final List<Runnable> terminationHooks = new ArrayList<>();

    /**
     * Counts submissions from other threads that are between their check and their enqueue,
     * plus {@link #GATE_CLOSED}. Termination waits for the count to reach zero, so no task that
     * passed the check is lost after the last drain.
     */
    private final AtomicLong gate = new AtomicLong();
    private final AtomicInteger wakeState = new AtomicInteger(AWAKE);
    private final ReentrantLock runLock = new ReentrantLock();
    private final CountDownLatch terminatedLatch = new CountDownLatch(1);

    private volatile Thread thread;
    /** What {@link LoopMonitor#enter} replaced for the thread that runs the loop now. */
    private LoopMonitor monitorBefore;
    private volatile boolean stopRequested;
    private volatile boolean wakePending;
    private volatile int mode = OPEN;
    private volatile boolean terminated;
    /**
     * The tasks that a halting loop never ran, set before {@link #terminated}; the first
     * {@code shutdownNow} caller that finds the loop terminated takes them, so each task is
     * handed back exactly once even when several threads halt the loop at the same time.
     */
    private final AtomicReference<List<Runnable>> neverRan = new AtomicReference<>();
    private boolean timersTrimmed;

    final LoopMonitor monitor;

    LoopCore(EventLoop loop, Poller poller, LoopMonitor monitor) {
        this.loop = loop;
        this.poller = poller;
        this.monitor = monitor;
        monitor.attach(this);
        poller.observe(monitor);
        if (monitor.isOn()) {
            Watchdog.watch(monitor);
        }
    }

    /** The thread running the loop now, or null. */
    Thread thread() {
        return thread;
    }

    boolean inEventLoop() {
        return thread == Thread.currentThread();
    }

    // ---------------------------------------------------------------- submission

    void execute(Runnable task) {
        if (inEventLoop()) {
            if (gate.get() < 0) {
                throw rejected(task);
            }
            localTasks.add(task);
            return;
        }
        if (gate.getAndIncrement() < 0) {
            gate.getAndDecrement();
            throw rejected(task);
        }
        try {
            remoteTasks.offer(monitor.onRemoteSubmit(task));
            wakeIfSleeping();
        } finally {
            gate.getAndDecrement();
        }
    }

    void checkAccepting(Object task) {
        if (gate.get() < 0) {
            throw rejected(task);
        }
    }

    private RejectedExecutionException rejected(Object task) {
        return new RejectedExecutionException(loop + " is " + (terminated ? "closed"
                : "shutting down") + "; it rejects " + task);
    }

    private void wakeIfSleeping() {
        if (wakeState.get() == SLEEPING && wakeState.compareAndSet(SLEEPING, AWAKE)) {
            poller.wakeup();
            if (JfrSwitch.active() && LoopEvents.WAKEUP.isEnabled()) {
                LoopEvents.Wakeup event = new LoopEvents.Wakeup();
                event.loop = loop.name();
                event.commit();
            }
        }
    }

    /**
     * Wakes the loop for a reason other than a task: stop, close, a completed future. The flag
     * also keeps an iteration that is still running from going to sleep afterwards.
     */
    private void wakeUp() {
        wakePending = true;
        if (wakeState.getAndSet(AWAKE) == SLEEPING && !terminated) {
            poller.wakeup();
        }
    }

    // ---------------------------------------------------------------- timers

    <V> ScheduledTask<V> schedule(Callable<V> callable, Object source, long delayNanos,
            long period) {
        long delay = Math.min(Math.max(0, delayNanos), MAX_DELAY_NANOS);
        ScheduledTask<V> task = new ScheduledTask<>(loop, callable, source,
                System.nanoTime() + delay, period);
        if (inEventLoop()) {
            checkAccepting(source);
            addTimer(task);
        } else {
            execute(new AddTimer(task));
        }
        return task;
    }

    private void addTimer(ScheduledTask<?> task) {
        int current = mode;
        if (current >= CLOSING || (current == SHUTDOWN && task.isPeriodic())) {
            // Accepted before the loop began closing, but closing cancels such timers.
            task.cancel(false);
            return;
        }
        if (!task.isDone()) {
            task.sequence(timers.nextSequence());
            timers.add(task);
        }
    }

    void reschedule(ScheduledTask<?> task) {
        addTimer(task);
    }

    void unschedule(ScheduledTask<?> task) {
        if (inEventLoop()) {
            timers.remove(task);
            return;
        }
        try {
            execute(new RemoveTimer(task));
        } catch (RejectedExecutionException closing) {
            // Closing cancels and drops every timer, this one included.
        }
    }

    /**
     * A task the engine queues for itself. {@code shutdownNow} never hands such a task to the
     * caller, who could not tell what it is; it finishes it instead.
     */
    interface InternalTask extends Runnable {
        /** Called instead of {@link #run()} when the halting loop will never run the task. */
        void neverRun();
    }

    /** Adds a timer scheduled from another thread; named lazily for reports and traces. */
    private final class AddTimer implements InternalTask {
        private final ScheduledTask<?> task;

        AddTimer(ScheduledTask<?> task) {
            this.task = task;
        }

        @Override
        public void run() {
            addTimer(task);
        }

        /** A timer that never reached the heap is cancelled like those in it. */
        @Override
        public void neverRun() {
            task.cancel(false);
        }

        @Override
        public String toString() {
            return "schedule " + EventLoop.describe(task.source());
        }
    }

    /** Removes a timer cancelled from another thread. */
    private final class RemoveTimer implements InternalTask {
        private final ScheduledTask<?> task;

        RemoveTimer(ScheduledTask<?> task) {
            this.task = task;
        }

        @Override
        public void run() {
            timers.remove(task);
        }

        @Override
        public void neverRun() {
            // The halting loop drops every timer anyway.
        }

        @Override
        public String toString() {
            return "cancel " + EventLoop.describe(task.source());
        }
    }

    private void runDueTimers() {
        if (timers.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        ScheduledTask<?> task;
        while ((task = timers.peek()) != null && task.deadline() - now <= 0) {
            timers.poll();
            monitor.beginTimerOrIo();
            boolean again = task.runOnLoop();
            monitor.endTimer(task.source());
            if (again) {
                rescheduled.add(task);
            }
        }
        // Periodic tasks go back after the loop, so one that is behind schedule runs once per
        // iteration instead of in a burst that would keep I/O waiting.
        for (int i = 0; i < rescheduled.size(); i++) {
            addTimer(rescheduled.get(i));
        }
        rescheduled.clear();
    }

    // ---------------------------------------------------------------- watches

    Void registerWatch(WatchImpl watch) throws IOException {
        if (gate.get() < 0 || terminated) {
            throw rejected(watch);
        }
        poller.register(watch);
        watches.add(watch);
        return null;
    }

    /** Runs a watch callback on the loop thread; what it throws goes to the error handler. */
    void dispatchWatch(WatchImpl watch, WatchCallback callback, int ready) {
        monitor.beginTimerOrIo();
        try {
            callback.onReady(watch, ready);
        } catch (Throwable t) {
            loop.reportError(callback, t);
        }
        monitor.endIo(callback);
    }

    /** Adds a hook that runs on the loop thread when the loop terminates; loop thread only. */
    void addTerminationHook(Runnable hook) {
        terminationHooks.add(hook);
    }

    void deregisterWatch(WatchImpl watch) {
        if (!watches.remove(watch) || terminated) {
            return;
        }
        try {
            poller.deregister(watch);
        } catch (IOException | RuntimeException e) {
            loop.reportError(watch, e);
        }
    }

    /**
     * Runs an action on the loop: at once on the loop thread or when no thread runs the loop
     * (holding the loop meanwhile), else queued. A queued action that the closing loop rejects
     * is dropped unless {@code rejectWhenClosed}, since closing cancels watches anyway.
     */
    void onLoop(Runnable action, boolean rejectWhenClosed) {
        if (inEventLoop()) {
            action.run();
            return;
        }
        if (runLock.tryLock()) {
            try {
                if (!terminated) {
                    action.run();
                } else if (rejectWhenClosed) {
                    throw rejected(action);
                }
                return;
            } finally {
                runLock.unlock();
            }
        }
        try {
            execute(action);
        } catch (RejectedExecutionException e) {
            if (rejectWhenClosed) {
                throw e;
            }
        }
    }

    /** Runs an action on the loop and waits for its result; see {@link #awaitOnLoop}. */
    <T> T callOnLoop(Callable<T> action) throws IOException {
        if (inEventLoop()) {
            return callUnchecked(action);
        }
        if (runLock.tryLock()) {
            try {
                return callUnchecked(action);
            } finally {
                runLock.unlock();
            }
        }
        CompletableFuture<T> result = loop.submit(action);
        try {
            return awaitOnLoop(result);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IOException(cause);
        }
    }

    private static <T> T callUnchecked(Callable<T> action) throws IOException {
        try {
            return action.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /**
     * Waits for a future that the loop completes. If the thread that ran the loop lets go of it
     * meanwhile, the waiting thread runs the queued tasks itself, so it never waits for a loop
     * that nobody runs.
     */
    private <T> T awaitOnLoop(CompletableFuture<T> result)
            throws ExecutionException, InterruptedIOException {
        while (true) {
            try {
                return result.get(OWNER_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                runQueuedIfUnowned();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + loop);
            }
        }
    }

    private void runQueuedIfUnowned() {
        if (runLock.tryLock()) {
            try {
                if (!terminated) {
                    enter();
                    drainRemoteTasks();
                    runLocalTasks();
                }
            } finally {
                release();
            }
        }
    }

    // ---------------------------------------------------------------- running

    void run() {
        own("run()");
        try {
            // At least one iteration, so that stop() called before run() still lets the
            // loop run what is ready once, as asyncio's run_forever does.
            do {
                runIteration();
            } while (!stopRequested && !terminated);
        } finally {
            stopRequested = false;
            release();
        }
    }

    void runUntil(CompletableFuture<?> future) {
        if (future.isDone()) {
            return;
        }
        own("runUntil()");
        try {
            future.whenComplete((value, failure) -> wakeUp());
            while (!future.isDone()) {
                if (terminated) {
                    throw new IllegalStateException(loop + " terminated before the future "
                            + "completed");
                }
                runIteration();
            }
        } finally {
            release();
        }
    }

    void start(String name, boolean daemon) {
        if (terminated) {
            throw new IllegalStateException(loop + " is closed");
        }
        CountDownLatch owning = new CountDownLatch(1);
        RuntimeException[] failure = new RuntimeException[1];
        Thread runner = new Thread(() -> {
            try {
                own("start()");
            } catch (RuntimeException e) {
                failure[0] = e;
                owning.countDown();
                return;
            }
            owning.countDown();
            try {
                while (!stopRequested && !terminated) {
                    runIteration();
                }
            } catch (Throwable t) {
                ErrorHandlers.LOG.log(System.Logger.Level.ERROR, loop + " stopped by a failure",
                        t);
            } finally {
                stopRequested = false;
                release();
            }
        }, name);
        runner.setDaemon(daemon);
        runner.start();
        try {
            owning.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    void stop() {
        stopRequested = true;
        wakeUp();
    }

    private void own(String method) {
        if (inEventLoop()) {
            throw new IllegalStateException(method + " called from a callback of " + loop
                    + " would block the loop it runs on");
        }
        if (terminated) {
            throw new IllegalStateException(method + ": " + loop + " is closed");
        }
        if (!runLock.tryLock()) {
            Thread owner = thread;
            throw new IllegalStateException(method + ": " + loop + " is already run by thread "
                    + (owner == null ? "(another)" : owner.getName()));
        }
        enter();
    }

    /** The calling thread, holding {@link #runLock}, starts running the loop. */
    private void enter() {
        thread = Thread.currentThread();
        monitorBefore = monitor.enter();
    }

    /** The calling thread stops running the loop and lets go of {@link #runLock}. */
    private void release() {
        if (thread != null) {
            LoopMonitor.leave(monitorBefore);
            monitorBefore = null;
            thread = null;
        }
        runLock.unlock();
    }

    void checkNotOnLoop(String method) {
        if (inEventLoop()) {
            throw new IllegalStateException(method + " called on the thread of " + loop
                    + " would wait for the loop it blocks");
        }
    }

    // ---------------------------------------------------------------- one iteration

    private void runIteration() {
        int seenMode = mode;
        if (seenMode != OPEN && closeStep()) {
            return;
        }
        wakePending = false;
        monitor.beginIteration();
        drainRemoteTasks();
        runLocalTasks();
        runDueTimers();
        long timeout = pollTimeout();
        if (timeout != 0) {
            wakeState.set(SLEEPING);
            // Checked after announcing sleep: a submitter either sees SLEEPING and wakes us,
            // or enqueued before this check and we do not wait.
            if (!remoteTasks.isEmpty() || wakePending || mode != seenMode) {
                timeout = 0;
            }
        }
        monitor.beforePoll(timeout);
        try {
            poller.poll(timeout);
            monitor.waitEnded();
        } catch (IOException e) {
            throw new UncheckedIOException(loop + ": polling failed", e);
        } finally {
            wakeState.lazySet(AWAKE);
        }
    }

    private void drainRemoteTasks() {
        Runnable task;
        while ((task = remoteTasks.relaxedPoll()) != null) {
            monitor.drained(task);
            localTasks.add(task);
        }
    }

    /**
     * Runs the tasks queued when the iteration began and, until the iteration has run
     * {@link #TASK_BUDGET} tasks, those that they queue. Polling after every task of a chain
     * cost a system call per task: 800 ns per task through JNA against Netty's 19 ns
     * (bench/RESULTS.md, TaskDispatchBench). The budget still lets I/O and timers in after at
     * most that many tasks, so a task that requeues itself does not starve them.
     *
     * <p>Tasks go through a loop of their own while a task sampled for latency waits in the
     * queue or a trace records: the common loop never meets a wrapper, so its compiled code
     * has no path for one. With that path, a monitored loop took 1.3x an unmonitored one on
     * the cheapest dispatch (bench/RESULTS.md, Monitoring).
     */
    private void runLocalTasks() {
        int budget = Math.max(localTasks.size(), TASK_BUDGET);
        boolean traced = monitor.tracingNow();
        if (traced || monitor.sampledTasksQueued()) {
            runWrappedTasks(budget, traced);
        } else {
            runPlainTasks(budget);
        }
    }

    private void runPlainTasks(int budget) {
        for (int ran = 0; ran < budget; ran++) {
            Runnable task = localTasks.poll();
            if (task == null) {
                return;
            }
            runTask(task);
            if (mode == HALTING) {
                return;
            }
        }
    }

    /** {@link #runPlainTasks} for a queue that may hold wrapped tasks, or while tracing. */
    private void runWrappedTasks(int budget, boolean traced) {
        for (int ran = 0; ran < budget; ran++) {
            Runnable queued = localTasks.poll();
            if (queued == null) {
                return;
            }
            if (traced) {
                runTracedTask(queued);
            } else {
                runTask(monitor.unwrap(queued));
            }
            if (mode == HALTING) {
                return;
            }
        }
    }

    /** Runs a task that is not wrapped: a local submission, or one already unwrapped. */
    private void runTask(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            loop.reportError(task, t);
        }
        monitor.endTask();
    }

    /** {@link #runTask} while a trace records: the task also becomes a span. */
    private void runTracedTask(Runnable queued) {
        Runnable task = monitor.unwrap(queued);
        monitor.beginTracedTask();
        try {
            task.run();
        } catch (Throwable t) {
            loop.reportError(task, t);
        }
        monitor.endTracedTask(task);
    }

    private long pollTimeout() {
        // A closing loop never sleeps: nothing may come to wake it, since close() only waits.
        if (!localTasks.isEmpty() || wakePending || stopRequested || mode >= CLOSING) {
            return 0;
        }
        ScheduledTask<?> next = timers.peek();
        if (next == null) {
            // A shut-down loop with no timer left terminates in the next iteration.
            return mode == SHUTDOWN ? 0 : -1;
        }
        long wait = next.deadline() - System.nanoTime();
        return wait <= 0 ? 0 : wait;
    }

    // ---------------------------------------------------------------- closing

    /** One step of shutting down; returns true when the loop has terminated. */
    private boolean closeStep() {
        int current = mode;
        if (current == HALTING) {
            terminate(true);
            return true;
        }
        if (!timersTrimmed) {
            timersTrimmed = true;
            cancelTimers(current == CLOSING);
        }
        if (readyToTerminate(current)) {
            terminate(false);
            return true;
        }
        return false;
    }

    /** Whether a closing loop has nothing left to run: no task, and no timer it must wait for. */
    private boolean readyToTerminate(int current) {
        return quiescent() && (current == CLOSING || timers.isEmpty());
    }

    private boolean quiescent() {
        return (gate.get() & ~GATE_CLOSED) == 0 && remoteTasks.isEmpty() && localTasks.isEmpty();
    }

    /** Cancels every timer, or only the periodic ones (the shutdown policy). */
    private void cancelTimers(boolean all) {
        for (ScheduledTask<?> task : timers.drain(new ScheduledTask<?>[0])) {
            if (all || task.isPeriodic()) {
                task.cancel(false);
            } else {
                timers.add(task);
            }
        }
    }

    private void terminate(boolean collect) {
        while ((gate.get() & ~GATE_CLOSED) != 0) {
            Thread.onSpinWait();
        }
        drainRemoteTasks();
        List<Runnable> halted = new ArrayList<>();
        if (collect) {
            collectNeverRan(halted);
        } else {
            Runnable task;
            while ((task = localTasks.poll()) != null) {
                runTask(monitor.unwrap(task));
            }
        }
        for (Runnable hook : terminationHooks) {
            runTask(hook);
        }
        terminationHooks.clear();
        cancelTimers(true);
        for (WatchImpl watch : watches) {
            watch.markCancelled();
        }
        watches.clear();
        // Published before terminated, so a shutdownNow that sees the loop terminated finds it.
        neverRan.set(halted);
        // Closed before terminated is set: close() and shutdownNow() return as soon as they
        // see it, and promise that the native resources are free by then.
        poller.close();
        terminated = true;
        monitor.markTerminated();
        terminatedLatch.countDown();
    }

    private void collectNeverRan(List<Runnable> halted) {
        Runnable task;
        while ((task = localTasks.poll()) != null) {
            Runnable original = LoopMonitor.original(task);
            if (original instanceof InternalTask) {
                ((InternalTask) original).neverRun();
            } else {
                halted.add(original);
            }
        }
    }

    private void closeGate(int newMode) {
        gate.getAndUpdate(value -> value | GATE_CLOSED);
        int current;
        while ((current = mode) < newMode) {
            if (MODE.compareAndSet(this, current, newMode)) {
                break;
            }
        }
        wakeUp();
    }

    private static final java.lang.invoke.VarHandle MODE;

    static {
        try {
            MODE = java.lang.invoke.MethodHandles.lookup().findVarHandle(LoopCore.class, "mode",
                    int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    void shutdown() {
        closeGate(SHUTDOWN);
    }

    void close() {
        if (terminated) {
            return;
        }
        closeGate(CLOSING);
        if (inEventLoop()) {
            return;
        }
        driveUntilTerminated();
    }

    List<Runnable> shutdownNow() {
        if (terminated) {
            return takeNeverRan();
        }
        closeGate(HALTING);
        if (inEventLoop()) {
            List<Runnable> halted = new ArrayList<>();
            // Submitters that passed the gate before it closed are about to enqueue.
            while ((gate.get() & ~GATE_CLOSED) != 0) {
                Thread.onSpinWait();
            }
            drainRemoteTasks();
            collectNeverRan(halted);
            return halted;
        }
        driveUntilTerminated();
        return takeNeverRan();
    }

    private List<Runnable> takeNeverRan() {
        List<Runnable> halted = neverRan.getAndSet(null);
        return halted != null ? halted : new ArrayList<>();
    }

    /**
     * Waits until the loop has terminated; if no thread runs it, the caller runs the closing
     * iterations itself.
     */
    private void driveUntilTerminated() {
        boolean interrupted = false;
        while (!terminated) {
            if (runLock.tryLock()) {
                try {
                    enter();
                    while (!terminated) {
                        runIteration();
                    }
                } finally {
                    release();
                }
            } else {
                try {
                    terminatedLatch.await(OWNER_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    LoopStats stats() {
        return new LoopStats(monitor.counters(), localTasks.size() + remoteTasks.size(),
                timers.size(), watches.size(), monitor.latency(),
                new long[] {poller.nativeCoreBytes(), poller.nativeBufferBytes()});
    }

    boolean isShutdown() {
        return gate.get() < 0;
    }

    boolean isTerminated() {
        return terminated;
    }

    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminatedLatch.await(timeout, unit);
    }
}
