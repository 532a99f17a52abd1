package io.evloop.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects items into lists of a fixed size, on the loop thread. The last, partial list is
 * emitted or dropped at the end as the builder said. A batch carries the position of its
 * first item.
 */
final class AggregateNode extends Node {
    private final int size;
    private final boolean keepPartial;
    private List<Object> batch;
    private Envelope first;

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
            }
            batch.add(envelope.item);
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
        first.item = batch;
        out.add(first);
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
