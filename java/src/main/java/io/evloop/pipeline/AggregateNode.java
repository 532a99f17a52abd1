package io.evloop.pipeline;

import io.evloop.internal.TraceBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects items into lists of a fixed size, on the loop thread. The last, partial list is
 * emitted or dropped at the end as the builder said. A batch carries the position of its
 * first item. While a trace records, each batch is an asynchronous span from its first item
 * to its emission: how long the stage waited to fill it.
 */
final class AggregateNode extends Node {
    private final int size;
    private final boolean keepPartial;
    private List<Object> batch;
    private Envelope first;
    /** When the batch began, if a trace recorded then; else 0. */
    private long batchStart;

    AggregateNode(Engine engine, StageSpec spec) {
        super(engine, spec);
        this.size = spec.batchSize;
        this.keepPartial = spec.keepPartial;
    }

    @Override
    boolean pump() {
        boolean moved = false;
        Node up = upstream;
        while (out.size() < capacity && !up.out.isEmpty()) {
            Envelope envelope = up.out.poll();
            if (batch == null) {
                batch = new ArrayList<>(size);
                first = envelope;
                batchStart = engine.tracing() != null ? System.nanoTime() : 0;
            }
            batch.add(envelope.item);
            received++;
            moved = true;
            if (batch.size() == size) {
                emit();
            }
        }
        if (!finished && up.exhausted() && (batch == null || out.size() < capacity)) {
            if (batch != null) {
                if (keepPartial) {
                    emit();
                } else {
                    dropped += batch.size();
                    batch = null;
                    first = null;
                }
            }
            finished = true;
            moved = true;
        }
        return moved;
    }

    private void emit() {
        if (batchStart != 0) {
            TraceBuffer trace = engine.tracing();
            if (trace != null) {
                trace.async(traceName, batchStart, System.nanoTime(),
                        new TraceArgs(this, first.position, "size", batch.size(), null));
            }
        }
        first.item = batch;
        emit(first);
        items++;
        batch = null;
        first = null;
    }

    @Override
    void cancel() {
        super.cancel();
        finished = true;
        batch = null;
        first = null;
    }
}
