package io.evloop.internal;

import java.io.IOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bounded record of a loop's activity: spans (poll waits, callbacks, and work other threads
 * did for the loop, such as the blocking calls of a pipeline), asynchronous spans (work that
 * overlaps other work, such as an asynchronous pipeline stage) and instants (tasks submitted
 * from other threads). When full, the oldest records are overwritten. Written by the loop
 * thread and, for work they did, by other threads; {@link #writeChromeTrace} may run on any
 * thread. Methods are synchronized: a recording loop pays an uncontended lock per record, a
 * loop that does not record pays nothing.
 */
public final class TraceBuffer {
    private static final byte SPAN = 0;
    private static final byte INSTANT = 1;
    private static final byte ASYNC = 2;
    /** Asynchronous spans of one file need distinct ids: the loop's track in the high bits. */
    private static final int ID_SHIFT = 40;

    /** Arguments of a record, turned into JSON only when the trace is written. */
    public interface Args {
        /**
         * Appends the arguments as the members of a JSON object, without the braces, such as
         * {@code "stage":"read","item":3}; {@link TraceBuffer#quote} makes string literals.
         */
        void appendJson(StringBuilder json);
    }

    private final long[] starts;
    private final long[] durations;
    private final byte[] kinds;
    private final Object[] names;
    private final String[] threads;
    private final Args[] args;
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
        threads = new String[capacity];
        args = new Args[capacity];
        this.origin = origin;
    }

    /** Records a span; {@code name} is turned into text only when the trace is written. */
    public synchronized void span(Object name, long startNanos, long endNanos) {
        add(SPAN, name, startNanos, endNanos - startNanos, null, null);
    }

    /**
     * Records a span with arguments on the track of the named thread, or on the loop's own
     * track when {@code thread} is null.
     */
    public synchronized void span(Object name, long startNanos, long endNanos, String thread,
            Args arguments) {
        add(SPAN, name, startNanos, endNanos - startNanos, thread, arguments);
    }

    /**
     * Records a span that may overlap others of the loop (Chrome's nestable asynchronous
     * events): viewers draw it on a track of its own under the loop's process.
     */
    public synchronized void async(Object name, long startNanos, long endNanos,
            Args arguments) {
        add(ASYNC, name, startNanos, endNanos - startNanos, null, arguments);
    }

    /** Records an instant. */
    public synchronized void instant(Object name, long atNanos) {
        add(INSTANT, name, atNanos, 0, null, null);
    }

    /** Records an instant with arguments on the loop's track. */
    public synchronized void instant(Object name, long atNanos, Args arguments) {
        add(INSTANT, name, atNanos, 0, null, arguments);
    }

    private void add(byte kind, Object name, long start, long duration, String thread,
            Args arguments) {
        int i = (int) (count % starts.length);
        kinds[i] = kind;
        names[i] = name;
        starts[i] = start;
        durations[i] = duration;
        threads[i] = thread;
        args[i] = arguments;
        count++;
    }

    /** The number of records kept (at most the capacity). */
    public synchronized int size() {
        return (int) Math.min(count, starts.length);
    }

    /**
     * Gives the threads that records name their own track ids in one trace file, after the
     * ids of the loops, and writes each one's name once.
     */
    public static final class Tracks {
        private final Map<String, Integer> ids = new HashMap<>();
        private int next;

        /** Ids from {@code firstId} upwards; the loops use the ids below. */
        public Tracks(int firstId) {
            this.next = firstId;
        }

        int id(Writer out, String thread) throws IOException {
            Integer id = ids.get(thread);
            if (id == null) {
                id = next++;
                ids.put(thread, id);
                out.write(",\n" + threadName(id, thread));
            }
            return id;
        }
    }

    /**
     * Writes the records as Chrome Trace Event JSON objects (without the enclosing array), one
     * per line, for thread {@code tid} of process 1; records of other threads go to the
     * tracks that {@code tracks} gives them.
     *
     * @return whether anything was written
     */
    public synchronized boolean writeChromeTrace(Writer out, int tid, String threadName,
            boolean first, Tracks tracks) throws IOException {
        out.write((first ? "" : ",\n") + threadName(tid, threadName));
        long kept = Math.min(count, starts.length);
        StringBuilder line = new StringBuilder(160);
        for (long n = count - kept; n < count; n++) {
            int i = (int) (n % starts.length);
            int track = threads[i] == null ? tid : tracks.id(out, threads[i]);
            line.setLength(0);
            if (kinds[i] == ASYNC) {
                long id = ((long) tid << ID_SHIFT) | (n & ((1L << ID_SHIFT) - 1));
                appendAsync(line, i, track, id);
            } else {
                appendRecord(line, i, track);
            }
            out.append(line);
        }
        return true;
    }

    private void appendRecord(StringBuilder line, int i, int track) {
        boolean span = kinds[i] == SPAN;
        line.append(",\n{\"ph\":\"").append(span ? "X" : "i").append("\",\"pid\":1,\"tid\":")
                .append(track).append(",\"ts\":").append(micros(starts[i] - origin));
        if (span) {
            line.append(",\"dur\":").append(micros(durations[i]));
        } else {
            line.append(",\"s\":\"t\"");
        }
        line.append(",\"name\":").append(quote(String.valueOf(names[i])));
        appendArgs(line, i);
        line.append('}');
    }

    /** An asynchronous span: a begin and an end event that share a category and an id. */
    private void appendAsync(StringBuilder line, int i, int track, long id) {
        String name = quote(String.valueOf(names[i]));
        String common = "\"pid\":1,\"tid\":" + track + ",\"cat\":\"evloop\",\"id\":" + id
                + ",\"name\":" + name;
        line.append(",\n{\"ph\":\"b\",").append(common).append(",\"ts\":")
                .append(micros(starts[i] - origin));
        appendArgs(line, i);
        line.append("},\n{\"ph\":\"e\",").append(common).append(",\"ts\":")
                .append(micros(starts[i] + durations[i] - origin)).append('}');
    }

    private void appendArgs(StringBuilder line, int i) {
        if (args[i] != null) {
            line.append(",\"args\":{");
            args[i].appendJson(line);
            line.append('}');
        }
    }

    private static String threadName(int tid, String name) {
        return "{\"ph\":\"M\",\"pid\":1,\"tid\":" + tid
                + ",\"name\":\"thread_name\",\"args\":{\"name\":" + quote(name) + "}}";
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1000.0);
    }

    /** A JSON string literal. */
    public static String quote(String text) {
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
