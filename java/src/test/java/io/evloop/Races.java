package io.evloop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Helpers for the lifecycle race tests: the iteration count, threads that start together and
 * record what they throw, and the count of open descriptors.
 */
final class Races {
    /**
     * How often each race repeats: the system property {@value #ITERATIONS_PROPERTY}, default
     * {@value #DEFAULT_ITERATIONS} (a few seconds per backend). Raise it for a long run, for
     * example {@code mvn verify -Devloop.stress.iterations=2000 -Dtest=LifecycleRaceTest}.
     */
    static final String ITERATIONS_PROPERTY = "evloop.stress.iterations";
    static final int DEFAULT_ITERATIONS = 24;
    /** A generous bound for anything that must not hang: far above any normal duration. */
    static final long HANG_SECONDS = 30;

    private Races() {}

    static int iterations() {
        return Integer.getInteger(ITERATIONS_PROPERTY, DEFAULT_ITERATIONS);
    }

    /** Waits 0 to maxMicros, so that the race hits different points of the other threads. */
    static void jitter(int maxMicros) {
        long until = System.nanoTime()
                + ThreadLocalRandom.current().nextInt(maxMicros + 1) * 1000L;
        while (System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
    }

    /**
     * Open descriptors of this process, from /proc/self/fd (Linux): the least of a few counts,
     * since the JVM itself opens files for a moment (cgroup and /proc files, for one).
     */
    static int openFds() throws InterruptedException {
        int least = Integer.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            least = Math.min(least, fdTargets().size());
            Thread.sleep(2);
        }
        return least;
    }

    /** What each open descriptor refers to ("anon_inode:[eventpoll]", a path, ...). */
    static Map<String, String> fdTargets() {
        Map<String, String> targets = new TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    targets.put(fd.getFileName().toString(),
                            Files.readSymbolicLink(fd).toString());
                } catch (IOException gone) {
                    // The descriptor that listed the directory, closed by now.
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return targets;
    }

    static boolean canCountFds() {
        return Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /**
     * Threads that wait for one signal and then run their bodies. What a body throws is kept,
     * so that the test fails with it instead of losing it in a thread that nobody joins.
     */
    static final class Crew {
        private final CountDownLatch go = new CountDownLatch(1);
        private final List<Thread> threads = new ArrayList<>();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

        interface Body {
            void run() throws Exception;
        }

        Crew add(String name, Body body) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    body.run();
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, name);
            t.setDaemon(true);
            threads.add(t);
            t.start();
            return this;
        }

        void go() {
            go.countDown();
        }

        /** Joins every thread; a thread still alive after the bound is a deadlock. */
        void join() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_SECONDS);
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) {
                    StringBuilder stack = new StringBuilder();
                    for (StackTraceElement e : t.getStackTrace()) {
                        stack.append("\n\tat ").append(e);
                    }
                    throw new AssertionError(t.getName() + " still runs after " + HANG_SECONDS
                            + " s (deadlock?)" + stack);
                }
            }
        }

        /** Joins, then fails with the first thing a thread threw. */
        void joinAndCheck() throws InterruptedException {
            join();
            Throwable first = failures.peek();
            if (first != null) {
                AssertionError e = new AssertionError("a thread threw " + first, first);
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
        }
    }

    /** Fails unless every thread that the test's loops started has ended by the bound. */
    static void assertNoLoopThreadLeft(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_SECONDS);
        while (true) {
            List<String> alive = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith(prefix) && t.isAlive()) {
                    alive.add(t.getName());
                }
            }
            if (alive.isEmpty()) {
                return;
            }
            assertFalse(System.nanoTime() - deadline > 0, "loop threads left: " + alive);
            Thread.sleep(5);
        }
    }

    /**
     * Fails if more descriptors are open than before, for good: the count is taken again for
     * up to a second, since the JVM opens files for a moment too, while a leaked descriptor
     * stays. The message lists every descriptor, to tell a loop's epoll, eventfd or pipe from
     * a file of the JVM.
     */
    static void assertNoFdLeft(int before, String what) throws InterruptedException {
        if (!canCountFds() || before < 0) {
            // No count was taken: a run of a single round has no second round to count from.
            return;
        }
        Map<String, String> now = fdTargets();
        for (int i = 0; i < 50 && now.size() > before; i++) {
            Thread.sleep(20);
            now = fdTargets();
        }
        assertTrue(now.size() <= before, "descriptors left after " + what + ": " + before
                + " before, now " + now);
    }
}
