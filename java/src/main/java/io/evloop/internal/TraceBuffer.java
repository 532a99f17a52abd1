package io.evloop.internal;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/**
 * A bounded record of a loop's activity: spans (poll waits, callbacks) and instants (tasks
 * submitted from other threads). When full, the oldest records are overwritten. Written by the
 * loop thread; {@link #writeChromeTrace} may run on any thread. Methods are synchronized: a
 * recording loop pays an uncontended lock per record, a loop that does not record pays nothing.
 */
public final class TraceBuffer {
    private static final byte SPAN = 0;
    private static final byte INSTANT = 1;

    private final long[] starts;
    private final long[] durations;
    private final byte[] kinds;
    private final Object[] names;
    private final long origin;
    private long count;

    /** A buffer for up to {@code capacity} records; times are relative to {@code origin}. */
    public TraceBuffer(int capacity, long origin) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("trace capacity must be positive: " + capacity);
        }
        starts = new long[capacity];
        durations = new long[capacity];
        kinds = new byte[capacity];
        names = new Object[capacity];
        this.origin = origin;
    }

    /** Records a span; {@code name} is turned into text only when the trace is written. */
    public synchronized void span(Object name, long startNanos, long endNanos) {
        add(SPAN, name, startNanos, endNanos - startNanos);
    }

    /** Records an instant. */
    public synchronized void instant(Object name, long atNanos) {
        add(INSTANT, name, atNanos, 0);
    }

    private void add(byte kind, Object name, long start, long duration) {
        int i = (int) (count % starts.length);
        kinds[i] = kind;
        names[i] = name;
        starts[i] = start;
        durations[i] = duration;
        count++;
    }

    /** The number of records kept (at most the capacity). */
    public synchronized int size() {
        return (int) Math.min(count, starts.length);
    }

    /**
     * Writes the records as Chrome Trace Event JSON objects (without the enclosing array), one
     * per line, for thread {@code tid} of process 1.
     *
     * @return whether anything was written
     */
    public synchronized boolean writeChromeTrace(Writer out, int tid, String threadName,
            boolean first) throws IOException {
        boolean wrote = !first;
        out.write((wrote ? ",\n" : "") + "{\"ph\":\"M\",\"pid\":1,\"tid\":" + tid
                + ",\"name\":\"thread_name\",\"args\":{\"name\":" + quote(threadName) + "}}");
        long kept = Math.min(count, starts.length);
        for (long n = count - kept; n < count; n++) {
            int i = (int) (n % starts.length);
            String ts = micros(starts[i] - origin);
            out.write(",\n{\"ph\":\"" + (kinds[i] == SPAN ? "X" : "i") + "\",\"pid\":1,\"tid\":"
                    + tid + ",\"ts\":" + ts);
            if (kinds[i] == SPAN) {
                out.write(",\"dur\":" + micros(durations[i]));
            } else {
                out.write(",\"s\":\"t\"");
            }
            out.write(",\"name\":" + quote(String.valueOf(names[i])) + "}");
        }
        return true;
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1000.0);
    }

    /** A JSON string literal. */
    static String quote(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
