package io.evloop.pipeline;

import java.util.Iterator;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/** The description of one stage, as the builder collects it. Not thread-safe. */
final class StageSpec {
    static final int DEFAULT_SOURCE_BUFFER = 16;

    final String kind;
    String name;
    int concurrency = 1;
    int buffer;
    boolean ordered;
    long allowedFailures;
    double allowedFailureRate;

    Supplier<Iterator<?>> iterator;
    AutoCloseable closer;
    Flow.Publisher<?> publisher;
    StageFunction<Object, Object> function;
    StageFunction<Object, ? extends CompletionStage<?>> asyncFunction;
    Executor executor;
    int batchSize;
    boolean keepPartial;
    StageFunction<Object, ? extends Iterable<?>> split;

    StageSpec(String kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    boolean isTask() {
        return kind.equals("pipe") || kind.equals("pipeAsync");
    }

    /**
     * The output queue capacity when the user set none: as many as the stage runs at once, so
     * a finished task can hand over its result while the next ones run; 16 for the source and
     * for flattening, which make items one at a time; 2 batches for aggregation.
     */
    int effectiveBuffer() {
        if (buffer > 0) {
            return buffer;
        }
        if (isTask()) {
            return concurrency;
        }
        return kind.equals("aggregate") ? 2 : DEFAULT_SOURCE_BUFFER;
    }
}
