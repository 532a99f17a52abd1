package io.evloop.net;

import io.evloop.EventLoop;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands failures of user code to the loop's error handler. The loop reports whatever a task
 * throws, so the failure travels as a task that rethrows it; that keeps networking on the
 * public loop API. A closed loop no longer runs tasks; the failure is logged instead.
 */
final class Failures {
    private static final System.Logger LOG = System.getLogger("io.evloop.net");

    private Failures() {}

    /**
     * Loads this class and what a report needs, for a failure path that must work when no
     * descriptor is left to read a class file with.
     */
    static void preload() {
        new Rethrow("preload", null).toString();
    }

    static void report(EventLoop loop, Object source, Throwable failure) {
        try {
            loop.execute(new Rethrow(source, failure));
        } catch (RejectedExecutionException closed) {
            LOG.log(System.Logger.Level.ERROR, loop + ": " + source + " failed", failure);
        }
    }

    /** A task whose only job is to throw a failure so that the loop reports it. */
    private static final class Rethrow implements Runnable {
        private final Object source;
        private final Throwable failure;

        Rethrow(Object source, Throwable failure) {
            this.source = source;
            this.failure = failure;
        }

        @Override
        public void run() {
            Failures.<RuntimeException>sneakyThrow(failure);
        }

        @Override
        public String toString() {
            return String.valueOf(source);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }
}
