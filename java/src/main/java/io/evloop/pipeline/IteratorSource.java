package io.evloop.pipeline;

import io.evloop.internal.TraceBuffer;
import java.util.Iterator;

/**
 * A source that pulls an {@link Iterator} on the loop thread, as long as its output queue has
 * room. Calls to the iterator should be cheap: a slow {@code hasNext} holds up the loop.
 */
final class IteratorSource extends Node {
    private final StageSpec spec;
    private Iterator<?> iterator;
    private long position;
    private boolean closed;

    IteratorSource(Engine engine, StageSpec spec) {
        super(engine, spec);
        this.spec = spec;
    }

    @Override
    boolean pump() {
        if (finished) {
            return false;
        }
        boolean moved = false;
        // Read once per step: while no trace records, a branch per item on a local.
        TraceBuffer trace = engine.tracing();
        while (out.size() < capacity && engine.running()) {
            long start = trace != null ? System.nanoTime() : 0;
            Object item;
            try {
                if (iterator == null) {
                    iterator = spec.iterator.get();
                }
                if (!iterator.hasNext()) {
                    finished = true;
                    close();
                    return true;
                }
                item = iterator.next();
            } catch (Throwable t) {
                engine.sourceFailed(position, t);
                return true;
            }
            if (item == null) {
                engine.sourceFailed(position, new NullPointerException("the source gave null"));
                return true;
            }
            if (trace != null) {
                trace.span(traceName, start, System.nanoTime(), null,
                        new TraceArgs(this, position, null, 0, null));
            }
            emit(new Envelope(position++, item));
            received++;
            items++;
            moved = true;
        }
        return moved;
    }

    @Override
    void cancel() {
        super.cancel();
        finished = true;
        close();
    }

    /** Closes a {@code Stream} or closeable iterator given as the source, once. */
    private void close() {
        if (closed || spec.closer == null) {
            return;
        }
        closed = true;
        try {
            spec.closer.close();
        } catch (Exception e) {
            Engine.LOG.log(System.Logger.Level.WARNING, "closing the source of a pipeline "
                    + "failed", e);
        }
    }
}
