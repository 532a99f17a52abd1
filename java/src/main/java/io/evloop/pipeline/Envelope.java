package io.evloop.pipeline;

/**
 * An item on its way through the stages, with the position of the source item it came from.
 * One envelope per source item is reused by every stage that maps it, so a stage costs no
 * allocation of its own for carrying an item; only the loop thread touches it while it waits
 * in a queue, and the worker that runs a blocking function reads it through the hand-off.
 */
final class Envelope {
    /** The index of the source item, counted from 0 (for a batch: of its first item). */
    final long position;
    Object item;

    Envelope(long position, Object item) {
        this.position = position;
        this.item = item;
    }
}
