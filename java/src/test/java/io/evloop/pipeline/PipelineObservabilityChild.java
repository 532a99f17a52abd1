package io.evloop.pipeline;

import io.evloop.Backend;
import io.evloop.Binding;
import io.evloop.EventLoop;

/**
 * The child JVM of {@code PipelineObservabilityTest.withoutJfrNoEventClassIsLoaded}: runs a
 * traced pipeline in a JVM that never starts JFR.
 */
public final class PipelineObservabilityChild {
    private PipelineObservabilityChild() {}

    /** Arguments: backend and binding. */
    public static void main(String[] args) {
        EventLoop.Builder builder = EventLoop.builder().backend(Backend.valueOf(args[0]))
                .binding(Binding.valueOf(args[1]));
        try (EventLoop loop = builder.build().start()) {
            loop.trace().start();
            int count = PipelineObservabilityTest.consume(
                    PipelineObservabilityTest.pipeline(loop, "child"));
            System.out.println("consumed " + count);
        }
    }
}
