package io.evloop.internal;

/**
 * What a {@link Poller} tells its loop during a poll, so that the loop's stats count dispatching
 * as running time rather than as time blocked in the poll. Called on the loop thread only.
 */
public interface PollObserver {
    /** Hears nothing: what a poller uses until its loop observes it. */
    PollObserver NONE = new PollObserver() {
        @Override
        public void waitEnded() {}

        @Override
        public void completionDispatched() {}
    };

    /**
     * The wait of the current poll ended; what the poller does from now on is dispatching. A
     * poller calls this before it dispatches its first event; it may call it more than once.
     */
    void waitEnded();

    /**
     * A socket I/O completion or failure was handed to its connection. Readiness for a watch is
     * not reported here: the loop counts it when it runs the watch's callback.
     */
    void completionDispatched();
}
