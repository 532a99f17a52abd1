package io.evloop;

/**
 * Receives readiness of a watched descriptor or channel. Called on the loop thread.
 */
@FunctionalInterface
public interface WatchCallback {
    /**
     * Called on the loop thread when the watched descriptor is ready. Readiness is
     * level-triggered: as long as the condition holds and the interest asks for it, the
     * callback is called again in the next iteration.
     *
     * @param watch the watch that became ready
     * @param ready a combination of {@link Watch#READABLE}, {@link Watch#WRITABLE},
     *     {@link Watch#ERROR} and {@link Watch#HANGUP}
     * @throws Exception anything; it goes to the loop's {@link ErrorHandler} and the watch stays
     */
    void onReady(Watch watch, int ready) throws Exception;
}
