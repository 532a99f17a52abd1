package io.evloop.pipeline;

/**
 * The pipeline stopped because a stage failed beyond what it allows, or its source failed.
 * The failures that caused it are attached as suppressed exceptions (the first
 * {@value Engine#KEPT_CAUSES} of them), and the message names the stage and the positions of
 * the items that failed.
 */
public final class PipelineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String stage;

    PipelineException(String stage, String message, Throwable cause) {
        super(message, cause);
        this.stage = stage;
    }

    /** The name of the stage that failed ({@code source} when the source did). */
    public String stage() {
        return stage;
    }
}
