package io.evloop.pipeline;

import io.evloop.internal.TraceBuffer;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * A source that subscribes to a {@link Flow.Publisher} and requests only what its output queue
 * has room for, in chunks of at least half the queue so that a busy pipeline does not call
 * {@code request} per item. Signals from any thread are handed to the loop.
 */
final class PublisherSource extends Node implements Flow.Subscriber<Object> {
    private final Flow.Publisher<?> publisher;
    private Flow.Subscription subscription;
    private long requested;

    PublisherSource(Engine engine, StageSpec spec) {
        super(engine, spec);
        this.publisher = spec.publisher;
    }

    void subscribe() {
        try {
            publisher.subscribe(this);
        } catch (Throwable t) {
            engine.sourceFailed(0, t);
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        Objects.requireNonNull(s, "subscription");
        engine.onLoop(() -> {
            if (subscription != null || !engine.running()) {
                s.cancel();
                return;
            }
            subscription = s;
            engine.pump();
        });
    }

    @Override
    public void onNext(Object item) {
        Objects.requireNonNull(item, "item");
        engine.onLoop(() -> arrived(item));
    }

    @Override
    public void onError(Throwable error) {
        Objects.requireNonNull(error, "error");
        engine.onLoop(() -> {
            if (engine.running()) {
                engine.sourceFailed(received, error);
            }
        });
    }

    @Override
    public void onComplete() {
        engine.onLoop(() -> {
            finished = true;
            engine.pump();
        });
    }

    private void arrived(Object item) {
        if (!engine.running() || finished) {
            return;
        }
        long position = received++;
        emit(new Envelope(position, item));
        items++;
        TraceBuffer trace = engine.tracing();
        if (trace != null) {
            trace.instant(traceName, System.nanoTime(), new TraceArgs(this, position, null, 0,
                    null));
        }
        engine.pump();
    }

    @Override
    boolean pump() {
        if (subscription == null || finished) {
            return false;
        }
        long outstanding = requested - received;
        long room = capacity - out.size() - outstanding;
        if (room > 0 && (2 * room >= capacity || outstanding == 0)) {
            requested += room;
            subscription.request(room);
        }
        return false;
    }

    @Override
    void cancel() {
        super.cancel();
        finished = true;
        if (subscription != null) {
            subscription.cancel();
        }
    }
}
