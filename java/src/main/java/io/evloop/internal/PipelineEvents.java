package io.evloop.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/**
 * The Java Flight Recorder events of pipelines ({@code io.evloop.pipeline}). Like
 * {@link LoopEvents}, this class is loaded only once JFR runs ({@link JfrSwitch}), so a JVM
 * that does not record pays nothing for it.
 *
 * <p>What they are for, in JDK Mission Control: {@link Stage} is a time series per stage
 * (throughput, busy time, queue fill) to chart next to GC and CPU and find the stage that
 * limits the pipeline at each moment; {@link Run} spans a pipeline's whole run on the
 * timeline; {@link Task} shows the individual items that took long, on the thread that ran
 * them, which a summary averages away. A per-item event without a threshold would cost as
 * much as the work of a cheap stage, so items below the threshold leave no event.
 */
public final class PipelineEvents {
    /** The type of {@link Stage}, to ask cheaply whether a recording wants it. */
    public static final EventType STAGE = EventType.getEventType(Stage.class);
    /** The type of {@link Task}. */
    public static final EventType TASK = EventType.getEventType(Task.class);
    /** The type of {@link Run}. */
    public static final EventType RUN = EventType.getEventType(Run.class);

    private PipelineEvents() {}

    /** What one stage did since its previous summary; periodic, and once at the end. */
    @Name("io.evloop.PipelineStage")
    @Label("Pipeline Stage")
    @Category({"evloop", "Pipeline"})
    @Description("Items in and out, failures, busy time and queue fill of one pipeline stage "
            + "over the interval since its previous summary")
    @Period("1 s")
    @StackTrace(false)
    public static final class Stage extends Event {
        @Label("Pipeline")
        public String pipeline;
        @Label("Stage")
        public String stage;
        @Label("Kind")
        @Description("source, pipe, pipeAsync, aggregate or disaggregate")
        public String kind;
        @Label("Interval")
        @Description("The time this summary covers")
        @Timespan(Timespan.NANOSECONDS)
        public long interval;
        @Label("Items In")
        @Description("Items the stage took from the stage before it (pulled, for the source)")
        public long itemsIn;
        @Label("Items Out")
        @Description("Items the stage put into its output queue (batches, for aggregate)")
        public long itemsOut;
        @Label("Failures")
        public long failures;
        @Label("Dropped")
        @Description("Items whose function returned null")
        public long dropped;
        @Label("Busy")
        @Description("The sum of the task times of the items finished in the interval; "
                + "busy divided by interval is the mean number of busy calls")
        @Timespan(Timespan.NANOSECONDS)
        public long busy;
        @Label("Concurrency")
        public int concurrency;
        @Label("In Flight")
        @Description("Calls running at the end of the interval")
        public int inFlight;
        @Label("Queued")
        @Description("Items in the output queue at the end of the interval")
        public int queued;
        @Label("Queue Capacity")
        public int queueCapacity;
        @Label("Mean Queue Fill")
        @Description("The mean number of items in the output queue over the interval, sampled "
                + "after every step of the loop that moved items")
        public double meanQueueFill;
    }

    /** One item in one stage that took longer than the threshold. */
    @Name("io.evloop.PipelineTask")
    @Label("Pipeline Task")
    @Category({"evloop", "Pipeline"})
    @Description("One call of a pipe or pipeAsync stage that ran longer than the threshold: a "
            + "blocking call on the thread that made it, an asynchronous one from the call to "
            + "its completion")
    @Threshold("20 ms")
    @StackTrace(false)
    public static final class Task extends Event {
        @Label("Pipeline")
        public String pipeline;
        @Label("Stage")
        public String stage;
        @Label("Item")
        @Description("The position of the item in the source, counted from 0")
        public long item;
        @Label("Outcome")
        @Description("ok, dropped (the function returned null) or failed")
        public String outcome;
    }

    /** A pipeline from the moment it pulls its source to the moment it stops. */
    @Name("io.evloop.PipelineRun")
    @Label("Pipeline Run")
    @Category({"evloop", "Pipeline"})
    @Description("A pipeline's run, from the first pull of its source until it ended, failed "
            + "or was closed")
    @StackTrace(false)
    public static final class Run extends Event {
        @Label("Pipeline")
        public String pipeline;
        @Label("Loop")
        public String loop;
        @Label("State")
        @Description("ENDED, FAILED or CLOSED")
        public String state;
        @Label("Source Items")
        public long sourceItems;
        @Label("Consumed")
        public long consumed;
        @Label("Bottleneck")
        @Description("The stage that most likely limited the throughput (see PipelineStats)")
        public String bottleneck;
        @Label("Elapsed")
        @Description("The run's length, also when the recording began after the run did")
        @Timespan(Timespan.NANOSECONDS)
        public long elapsed;
    }
}
