package io.evloop;

/** What a {@link Watch} waits for on its descriptor or channel. */
public enum Interest {
    /** Nothing: the watch stays registered but reports nothing. */
    NONE(0),
    /** Readable (for a listening socket: a connection to accept). */
    READ(Watch.READABLE),
    /** Writable (for a connecting socket: the connection completed or failed). */
    WRITE(Watch.WRITABLE),
    /** Readable or writable. */
    READ_WRITE(Watch.READABLE | Watch.WRITABLE);

    private final int bits;

    Interest(int bits) {
        this.bits = bits;
    }

    /** The bits of this interest, as {@link Watch#READABLE} and {@link Watch#WRITABLE}. */
    public int bits() {
        return bits;
    }
}
