package io.evloop;

import io.evloop.internal.TraceBuffer;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Records what a loop does into a bounded in-memory buffer, and writes it as Chrome Trace Event
 * JSON, which Perfetto ({@code ui.perfetto.dev}) and {@code chrome://tracing} open: a span for
 * each poll that waited, a span for each callback (named by {@link EventLoop#named} or its
 * class), an instant for each task submitted from another thread, and what the pipelines that
 * run on the loop do (see {@code docs/pipeline.md}): a span for each blocking call on the track
 * of the thread that made it, an asynchronous span for each asynchronous call and batch.
 *
 * <p>Recording is switched on and off at run time from any thread; while off, it costs the loop
 * one branch per callback. While on, each callback costs two clock reads and an uncontended
 * lock. When the buffer is full the oldest records are dropped.
 */
public final class LoopTrace {
    /** The default capacity, in records. */
    public static final int DEFAULT_CAPACITY = 100_000;

    private final LoopMonitor monitor;
    private final String loopName;

    LoopTrace(LoopMonitor monitor, String loopName) {
        this.monitor = monitor;
        this.loopName = loopName;
    }

    /** Starts recording into a new buffer of {@link #DEFAULT_CAPACITY} records. */
    public void start() {
        start(DEFAULT_CAPACITY);
    }

    /** Starts recording into a new buffer of {@code capacity} records, dropping an old one. */
    public void start(int capacity) {
        monitor.trace(new TraceBuffer(capacity, TraceClock.ORIGIN));
    }

    /** Stops recording; what was recorded stays until the next {@link #start}. */
    public void stop() {
        monitor.stopTrace();
    }

    /** Whether the loop records now. */
    public boolean isRecording() {
        return monitor.isTracing();
    }

    /** The number of records kept. */
    public int size() {
        TraceBuffer buffer = monitor.traceBuffer();
        return buffer == null ? 0 : buffer.size();
    }

    /** Writes this loop's records as a Chrome Trace Event JSON file. */
    public void writeChromeTrace(Path file) throws IOException {
        writeChromeTrace(file, List.of(this));
    }

    /** Writes the records of several loops into one file, one track per loop. */
    public static void writeChromeTrace(Path file, Collection<LoopTrace> traces)
            throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writeChromeTrace(out, traces);
        }
    }

    /** Writes the records of several loops as Chrome Trace Event JSON. */
    public static void writeChromeTrace(Writer out, Collection<LoopTrace> traces)
            throws IOException {
        out.write("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
        boolean first = true;
        int tid = 1;
        // Threads that worked for a loop (a pipeline's blocking calls) get the ids after the
        // loops', shared by every loop in the file.
        TraceBuffer.Tracks tracks = new TraceBuffer.Tracks(traces.size() + 1);
        for (LoopTrace trace : traces) {
            TraceBuffer buffer = trace.monitor.traceBuffer();
            if (buffer != null
                    && buffer.writeChromeTrace(out, tid, trace.loopName, first, tracks)) {
                first = false;
            }
            tid++;
        }
        out.write("\n]}\n");
    }

    /** One time origin for every trace in this JVM, so traces of several loops line up. */
    static final class TraceClock {
        static final long ORIGIN = System.nanoTime();

        private TraceClock() {}
    }
}
