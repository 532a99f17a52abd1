package io.evloop.pipeline;

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
        while (out.size() < capacity && engine.running()) {
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
            out.add(new Envelope(position++, item));
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
