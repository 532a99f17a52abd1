package io.evloop.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether Java Flight Recorder runs in this JVM. Loading the first JFR event class costs about
 * 300 ms (measured here on JDK 17 and 25), so the loop touches {@link LoopEvents} only once
 * recording has begun. The watchdog thread refreshes the answer at every sample, so a recording
 * started later is seen within one sampling period. A runtime without the {@code jdk.jfr}
 * module simply never records.
 */
public final class JfrSwitch {
    private static volatile boolean active;
    private static volatile boolean unavailable;
    /** Run once JFR starts; guarded by the class. */
    private static final List<Runnable> WHEN_ACTIVE = new ArrayList<>();

    private JfrSwitch() {}

    /** Whether JFR has started; if so, event classes may be loaded. */
    public static boolean active() {
        return active;
    }

    /**
     * Runs {@code action} once JFR has started: now if it has, else on the watchdog thread when
     * it sees JFR start. For code that registers JFR hooks (which loads JFR classes) only in a
     * JVM that records. The action must not throw, and must not open a loop: on the watchdog
     * thread it runs while the watchdog holds its lock.
     */
    public static void whenActive(Runnable action) {
        synchronized (JfrSwitch.class) {
            if (!active) {
                WHEN_ACTIVE.add(action);
                return;
            }
        }
        action.run();
    }

    static void refresh() {
        if (active || unavailable) {
            return;
        }
        boolean started;
        try {
            started = jdk.jfr.FlightRecorder.isInitialized();
        } catch (LinkageError e) {
            unavailable = true;
            return;
        }
        if (!started) {
            return;
        }
        List<Runnable> actions;
        synchronized (JfrSwitch.class) {
            active = true;
            actions = new ArrayList<>(WHEN_ACTIVE);
            WHEN_ACTIVE.clear();
        }
        for (Runnable action : actions) {
            action.run();
        }
    }
}
