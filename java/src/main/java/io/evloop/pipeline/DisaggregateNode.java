package io.evloop.pipeline;

import io.evloop.internal.TraceBuffer;
import java.util.Iterator;

/**
 * Flattens each item into the elements of the {@link Iterable} its function returns, one at a
 * time as the output queue has room, so a large collection is not copied into the queue.
 * Elements keep the position of the item they came from; {@code null} elements are dropped.
 * A function or an iteration that throws counts as a failure of that item, and the rest of
 * its elements are skipped.
 */
final class DisaggregateNode extends Node {
    private final StageFunction<Object, ? extends Iterable<?>> split;
    private Iterator<?> current;
    private long position;

    DisaggregateNode(Engine engine, StageSpec spec) {
        super(engine, spec);
        this.split = spec.split;
    }

    @Override
    boolean pump() {
        boolean moved = false;
        while (out.size() < capacity && engine.running()) {
            if (current != null) {
                moved |= next();
                continue;
            }
            if (upstream.out.isEmpty()) {
                break;
            }
            Envelope envelope = upstream.out.poll();
            moved = true;
            received++;
            TraceBuffer trace = engine.tracing();
            long start = trace != null ? System.nanoTime() : 0;
            try {
                Iterable<?> elements = split.apply(envelope.item);
                if (trace != null) {
                    trace.span(traceName, start, System.nanoTime(), null,
                            new TraceArgs(this, envelope.position, null, 0,
                                    elements == null ? "dropped" : "ok"));
                }
                if (elements == null) {
                    dropped++;
                    items++;
                } else {
                    current = elements.iterator();
                    position = envelope.position;
                }
            } catch (Throwable t) {
                if (trace != null) {
                    trace.span(traceName, start, System.nanoTime(), null,
                            new TraceArgs(this, envelope.position, null, 0, "failed"));
                }
                failed(envelope.position, t);
            }
        }
        if (!finished && current == null && upstream.exhausted() && engine.running()) {
            finished = true;
            moved = true;
        }
        return moved;
    }

    /** Emits the next element of the current item; true if one was emitted. */
    private boolean next() {
        Object element;
        try {
            if (!current.hasNext()) {
                current = null;
                items++;
                return false;
            }
            element = current.next();
        } catch (Throwable t) {
            current = null;
            failed(position, t);
            return false;
        }
        if (element == null) {
            return false;
        }
        emit(new Envelope(position, element));
        return true;
    }

    @Override
    void cancel() {
        super.cancel();
        finished = true;
        current = null;
    }
}
