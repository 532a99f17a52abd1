package io.evloop.pipeline;

/**
 * Counts blocking calls that were handed to an executor and have neither returned nor been
 * cancelled before they started, so that closing can wait until no user function still runs.
 */
final class RunningCalls {
    private int count;

    synchronized void add() {
        count++;
    }

    synchronized void done() {
        if (--count == 0) {
            notifyAll();
        }
    }

    /** Waits until no call runs; keeps the interrupt status for the caller to see. */
    synchronized void awaitNone() {
        boolean interrupted = false;
        while (count > 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
