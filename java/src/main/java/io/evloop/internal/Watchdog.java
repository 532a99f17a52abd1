package io.evloop.internal;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Finds callbacks that keep a loop busy too long, without timing each callback on the loop: the
 * loop only counts callbacks and says when it polls, and one shared daemon thread samples every
 * loop a few times per threshold. A loop seen outside its poll with the same count in
 * consecutive samples has run one callback for at least as long as those samples span, so
 * durations are exact to one sampling period (a quarter of the smallest threshold, at least
 * 5 ms). The callback is named once, at the second such sample, while it still runs.
 */
public final class Watchdog {
    /** What a loop shows the watchdog. Implementations are safe to call from any thread. */
    public interface Monitored {
        /** Changes whenever a callback ends or an iteration begins. */
        long callbackSequence();

        /** Whether the loop waits in its poll now (dispatching is not waiting). */
        boolean polling();

        /**
         * Names the callback running now, or returns null if the loop runs none (its own
         * bookkeeping). May sample the loop thread's stack: called only for a suspect.
         */
        String describeRunning();

        long slowThresholdNanos();

        /** Whether the loop has terminated; the watchdog then forgets it. */
        boolean terminated();

        /** Called on the watchdog thread when a slow callback finished, or still runs. */
        void reportSlow(String callback, long approximateNanos, boolean finished);
    }

    private static final long MIN_PERIOD_NANOS = 5_000_000;
    private static final List<Entry> ENTRIES = new ArrayList<>();
    private static Thread thread;

    private Watchdog() {}

    /** Starts watching a loop; the watchdog holds it weakly and drops it when it terminates. */
    public static synchronized void watch(Monitored loop) {
        ENTRIES.add(new Entry(loop));
        if (thread == null) {
            thread = new Thread(Watchdog::run, "evloop-watchdog");
            thread.setDaemon(true);
            thread.start();
        }
        Watchdog.class.notifyAll();
    }

    private static void run() {
        while (true) {
            long period;
            synchronized (Watchdog.class) {
                period = sampleAll(System.nanoTime());
                try {
                    if (ENTRIES.isEmpty()) {
                        Watchdog.class.wait();
                    } else {
                        Watchdog.class.wait(period / 1_000_000, (int) (period % 1_000_000));
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Samples every loop; returns the period until the next sample. */
    private static long sampleAll(long now) {
        JfrSwitch.refresh();
        long period = Long.MAX_VALUE;
        for (Iterator<Entry> it = ENTRIES.iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            Monitored loop = entry.loop.get();
            if (loop == null || loop.terminated()) {
                it.remove();
                continue;
            }
            long threshold = loop.slowThresholdNanos();
            period = Math.min(period, Math.max(MIN_PERIOD_NANOS, threshold / 4));
            entry.sample(loop, now, Math.max(MIN_PERIOD_NANOS, threshold / 4));
        }
        return period == Long.MAX_VALUE ? MIN_PERIOD_NANOS : period;
    }

    private static final class Entry {
        final WeakReference<Monitored> loop;
        long sequence = -1;
        /** Whether the last sample saw the loop outside its poll. */
        boolean busy;
        /** The suspect's name once asked for (null: not a callback, or not asked yet). */
        String name;
        boolean named;
        long firstSeen;
        long lastSeen;
        boolean warnedStillRunning;

        Entry(Monitored loop) {
            this.loop = new WeakReference<>(loop);
        }

        void sample(Monitored loop, long now, long period) {
            long seq = loop.callbackSequence();
            boolean busyNow = !loop.polling();
            if (busyNow && busy && seq == sequence) {
                stillRunning(loop, now, period);
                return;
            }
            finish(loop, period);
            sequence = seq;
            busy = busyNow;
            name = null;
            named = false;
            firstSeen = now;
            lastSeen = now;
            warnedStillRunning = false;
        }

        private void stillRunning(Monitored loop, long now, long period) {
            lastSeen = now;
            if (!named) {
                named = true;
                name = loop.describeRunning();
            }
            long soFar = lastSeen - firstSeen + period;
            if (name != null && !warnedStillRunning
                    && soFar >= 10 * loop.slowThresholdNanos()) {
                warnedStillRunning = true;
                loop.reportSlow(name, soFar, false);
            }
        }

        /** The callback seen before has ended: report it if it ran too long. */
        private void finish(Monitored loop, long period) {
            if (name == null) {
                return;
            }
            long duration = lastSeen - firstSeen + period;
            if (duration >= loop.slowThresholdNanos()) {
                loop.reportSlow(name, duration, true);
            }
        }
    }
}
