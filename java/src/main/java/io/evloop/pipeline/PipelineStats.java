package io.evloop.pipeline;

import java.time.Duration;
import java.util.List;

/**
 * A snapshot of a pipeline: every stage in order from the source, the sink, and which stage
 * limits the throughput.
 *
 * @param state {@code RUNNING}, {@code ENDED}, {@code FAILED} or {@code CLOSED}
 * @param stages the stages, the source first
 * @param consumed items the consumer has taken from the sink
 * @param sinkCapacity how many results the sink buffers for the consumer
 * @param meanSinkFill the mean number of results waiting in the sink, sampled like the
 *     stage queues
 * @param elapsed the time since the pipeline started to pull its source
 */
public record PipelineStats(String state, List<StageStats> stages, long consumed,
        int sinkCapacity, double meanSinkFill, Duration elapsed) {

    public PipelineStats {
        stages = List.copyOf(stages);
    }

    /**
     * The stage that most likely limits the throughput: in a chain of bounded queues, every
     * queue before the slowest stage fills up and every queue after it stays nearly empty. So
     * this is the stage after the last queue that was on average more than half full, or
     * {@code "consumer"} when the sink was, or the source when no queue was.
     */
    public String bottleneck() {
        if (sinkCapacity > 0 && meanSinkFill / sinkCapacity > 0.5) {
            return "consumer";
        }
        for (int i = stages.size() - 2; i >= 0; i--) {
            if (stages.get(i).queueFillRatio() > 0.5) {
                return stages.get(i + 1).name();
            }
        }
        return stages.isEmpty() ? "source" : stages.get(0).name();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("pipeline ").append(state).append(" after ")
                .append(elapsed.toMillis()).append(" ms, ").append(consumed)
                .append(" consumed, bottleneck: ").append(bottleneck());
        for (StageStats stage : stages) {
            text.append("\n  ").append(stage);
        }
        text.append(String.format("%n  sink: %.1f of %d", meanSinkFill, sinkCapacity));
        return text.toString();
    }
}
