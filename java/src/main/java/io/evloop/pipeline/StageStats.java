package io.evloop.pipeline;

import java.time.Duration;

/**
 * What one stage did, at the moment of a {@link Pipeline#stats()} call or at the end.
 *
 * @param name the stage's name ({@code source}, or as given to {@code named}, or its kind and
 *     index, such as {@code pipe#1})
 * @param kind {@code source}, {@code pipe}, {@code pipeAsync}, {@code aggregate} or
 *     {@code disaggregate}
 * @param concurrency how many tasks the stage may run at once (1 for the others)
 * @param received items the stage took from the stage before it (for the source: items it
 *     pulled); tasks started, for {@code pipe} and {@code pipeAsync}
 * @param emitted items the stage put into its output queue: for {@code aggregate} batches,
 *     for {@code disaggregate} elements
 * @param items items the stage finished without failure, dropped ones included (for
 *     {@code aggregate}: batches made)
 * @param failures items whose function threw or completed exceptionally
 * @param dropped items for which the function returned {@code null}
 * @param inFlight tasks running at the moment of the snapshot
 * @param busy the sum of the task times (see {@code meanTime}), like
 *     {@link io.evloop.LoopStats#running()} for a loop: divided by the elapsed time, the mean
 *     number of calls that ran; zero for stages without tasks
 * @param meanTime the mean task time (a blocking call on its executor; an asynchronous one from
 *     the call to the completion of its stage); zero for stages without tasks
 * @param p50 the median task time, within 12.5%
 * @param p99 the 99th percentile task time, within 12.5%
 * @param maxTime the longest task time
 * @param queueCapacity how many items the stage's output queue holds at most: its buffer,
 *     plus its concurrency for {@code pipe} and {@code pipeAsync} stages, whose running calls
 *     may all finish while the next stage takes nothing
 * @param meanQueueFill the mean number of items in the output queue, sampled after every step
 *     of the loop that moved items; a full queue means that the stages after it are slower
 * @param maxQueueFill the most items seen in the output queue
 */
public record StageStats(String name, String kind, int concurrency, long received,
        long emitted, long items, long failures, long dropped, int inFlight, Duration busy,
        Duration meanTime, Duration p50, Duration p99, Duration maxTime, int queueCapacity,
        double meanQueueFill, int maxQueueFill) {

    /** The mean fill of the output queue as a fraction of its capacity, from 0 to 1. */
    public double queueFillRatio() {
        return queueCapacity == 0 ? 0 : meanQueueFill / queueCapacity;
    }

    @Override
    public String toString() {
        String tasks = kind.startsWith("pipe") ? String.format(", %d in flight, busy %s, task "
                + "mean %s p50 %s p99 %s max %s", inFlight, micros(busy), micros(meanTime),
                micros(p50), micros(p99), micros(maxTime)) : "";
        return String.format("%s: %d in, %d out, %d items, %d failed, %d dropped%s, queue %.1f"
                + " of %d (max %d)", name, received, emitted, items, failures, dropped, tasks,
                meanQueueFill, queueCapacity, maxQueueFill);
    }

    static String micros(Duration duration) {
        return String.format("%.1fus", duration.toNanos() / 1000.0);
    }
}
