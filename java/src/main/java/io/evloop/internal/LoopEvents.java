package io.evloop.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * The loop's Java Flight Recorder events, so that {@code jfr print} and JDK Mission Control show
 * the loop next to GC and threads. They cost nothing while no recording enables them: the loop
 * checks {@link JfrSwitch#active()}, then {@link #ITERATION}, before it creates an event, and
 * this class is not even loaded before JFR starts.
 */
public final class LoopEvents {
    /** The type of {@link Iteration}, to ask cheaply whether a recording wants it. */
    public static final EventType ITERATION = EventType.getEventType(Iteration.class);
    public static final EventType WAKEUP = EventType.getEventType(Wakeup.class);

    private LoopEvents() {}

    /** One iteration of a loop: what it ran and how long it waited. */
    @Name("io.evloop.Iteration")
    @Label("Event Loop Iteration")
    @Category("evloop")
    @Description("One iteration: tasks, timers and I/O callbacks run, and time blocked in poll")
    public static final class Iteration extends Event {
        @Label("Loop")
        public String loop;
        @Label("Tasks")
        public int tasks;
        @Label("Timers")
        public int timers;
        @Label("I/O Events")
        public int ioEvents;
        @Label("Blocked")
        @Timespan(Timespan.NANOSECONDS)
        public long blocked;
    }

    /** A callback that ran longer than the loop's threshold. */
    @Name("io.evloop.SlowCallback")
    @Label("Slow Event Loop Callback")
    @Category("evloop")
    @Description("A task, timer or I/O callback that kept the loop busy beyond its threshold")
    public static final class SlowCallback extends Event {
        @Label("Loop")
        public String loop;
        @Label("Callback")
        public String callback;
        @Label("Duration (approximate)")
        @Timespan(Timespan.NANOSECONDS)
        public long approximateDuration;
    }

    /** Another thread woke a sleeping loop. */
    @Name("io.evloop.Wakeup")
    @Label("Event Loop Wake-up")
    @Category("evloop")
    @Description("A thread woke a loop that was sleeping in poll")
    public static final class Wakeup extends Event {
        @Label("Loop")
        public String loop;
    }
}
