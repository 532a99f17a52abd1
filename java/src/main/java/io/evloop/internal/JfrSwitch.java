package io.evloop.internal;

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

    private JfrSwitch() {}

    /** Whether JFR has started; if so, event classes may be loaded. */
    public static boolean active() {
        return active;
    }

    static void refresh() {
        if (active || unavailable) {
            return;
        }
        try {
            active = jdk.jfr.FlightRecorder.isInitialized();
        } catch (LinkageError e) {
            unavailable = true;
        }
    }
}
