package io.evloop.pipeline;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The results of a pipeline as a {@link Flow.Publisher} for one subscriber. Every signal after
 * {@code onSubscribe} runs on the loop thread, which drains the sink while there is demand;
 * {@code request} and {@code cancel} may come from any thread, and from inside {@code onNext}
 * (the drain is not re-entered, so recursion stays bounded, rule 3.3).
 */
final class PipelinePublisher<T> implements Flow.Publisher<T> {
    private final Pipeline<T> pipeline;
    private final Engine engine;

    PipelinePublisher(Pipeline<T> pipeline, Engine engine) {
        this.pipeline = pipeline;
        this.engine = engine;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!pipeline.claimConsumer()) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            subscriber.onError(new IllegalStateException("this pipeline already has a "
                    + "consumer; a pipeline is consumed once"));
            return;
        }
        Subscription subscription = new Subscription(subscriber);
        subscriber.onSubscribe(subscription);
        engine.start(subscription::drain);
    }

    private final class Subscription implements Flow.Subscription {
        private final Flow.Subscriber<? super T> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private volatile boolean cancelled;
        private boolean done;
        private boolean draining;

        Subscription(Flow.Subscriber<? super T> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (cancelled) {
                return;
            }
            if (n <= 0) {
                IllegalArgumentException error = new IllegalArgumentException("request(" + n
                        + "): demand must be positive (Reactive Streams rule 3.9)");
                engine.onLoop(() -> fail(error));
                return;
            }
            demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            engine.onLoop(() -> {
                engine.pump();
                drain();
            });
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                pipeline.closeAsync();
            }
        }

        /** Sends what is buffered and demanded, then the end; on the loop thread. */
        @SuppressWarnings("unchecked")
        boolean drain() {
            if (done || draining) {
                return false;
            }
            draining = true;
            boolean moved = false;
            Sink sink = engine.sink;
            try {
                while (!cancelled && demand.get() > 0 && !failed(sink)) {
                    Object item = sink.queue.poll();
                    if (item == null) {
                        break;
                    }
                    demand.decrementAndGet();
                    sink.consumed++;
                    moved = true;
                    try {
                        subscriber.onNext((T) item);
                    } catch (Throwable t) {
                        Engine.LOG.log(Level.WARNING, "a subscriber of pipeline " + engine.name
                                + " threw from onNext; the pipeline is closed", t);
                        cancel();
                        return moved;
                    }
                }
                signalEnd(sink);
            } finally {
                draining = false;
            }
            return moved;
        }

        private void signalEnd(Sink sink) {
            Object terminal = sink.terminal;
            if (terminal == null || cancelled || done) {
                return;
            }
            if (terminal == Sink.END && !sink.queue.isEmpty()) {
                return;
            }
            done = true;
            if (terminal == Sink.END) {
                subscriber.onComplete();
            } else {
                subscriber.onError((Throwable) terminal);
            }
            pipeline.closeAsync();
        }

        /** Whether the pipeline failed or was closed: then buffered results are not sent. */
        private boolean failed(Sink sink) {
            Object terminal = sink.terminal;
            return terminal != null && terminal != Sink.END;
        }

        private void fail(Throwable error) {
            if (done || cancelled) {
                return;
            }
            done = true;
            cancelled = true;
            pipeline.closeAsync();
            subscriber.onError(error);
        }
    }
}
