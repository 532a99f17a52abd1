package io.evloop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The README's trace example: runs a small workload with tracing on, writes the Chrome trace
 * JSON, and draws it as an SVG timeline (the picture in the README). Run it with
 * {@code java -cp ... io.evloop.TraceExample docs}.
 */
public final class TraceExample {
    private TraceExample() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "docs");
        Files.createDirectories(dir);
        Path json = dir.resolve("trace.json");
        try (EventLoop loop = EventLoop.open().start()) {
            loop.trace().start();
            CompletableFuture<String> data = loop.offload(() -> {
                Thread.sleep(15);
                return "file contents";
            });
            loop.execute(EventLoop.named("parse-config", () -> spin(2)));
            loop.schedule(EventLoop.named("heartbeat", () -> spin(1)), 5, TimeUnit.MILLISECONDS);
            loop.schedule(EventLoop.named("heartbeat", () -> spin(1)), 10,
                    TimeUnit.MILLISECONDS);
            CompletableFuture<Integer> size = data.thenApply(text -> {
                spin(3);
                return text.length();
            });
            size.get(10, TimeUnit.SECONDS);
            Thread.sleep(5);
            loop.trace().stop();
            loop.trace().writeChromeTrace(json);
        }
        Files.writeString(dir.resolve("trace.svg"), svg(json), StandardCharsets.UTF_8);
    }

    /** Draws the spans and instants of a trace file as one SVG timeline per thread. */
    static String svg(Path json) throws IOException {
        JsonNode events = new ObjectMapper().readTree(Files.readString(json)).get("traceEvents");
        double end = 0;
        for (JsonNode e : events) {
            if (e.has("ts")) {
                end = Math.max(end, e.get("ts").asDouble() + e.path("dur").asDouble(0));
            }
        }
        double start = end;
        for (JsonNode e : events) {
            if (e.has("ts")) {
                start = Math.min(start, e.get("ts").asDouble());
            }
        }
        int width = 1000;
        double scale = (width - 160) / Math.max(1, end - start);
        StringBuilder out = new StringBuilder();
        out.append("<svg xmlns='http://www.w3.org/2000/svg' width='").append(width)
                .append("' height='190' font-family='sans-serif' font-size='11'>\n")
                .append("<rect width='100%' height='100%' fill='white'/>\n")
                .append("<text x='20' y='18'>evloop trace (").append(fmt((end - start) / 1000))
                .append(" ms): grey = waiting in poll, colour = callbacks, ▼ = task from "
                        + "another thread</text>\n");
        double[] rowEnds = new double[6];
        for (JsonNode e : events) {
            if (!e.has("ts")) {
                continue;
            }
            double x = 20 + (e.get("ts").asDouble() - start) * scale;
            String name = e.get("name").asText();
            if (e.get("ph").asText().equals("X")) {
                double w = Math.max(1, e.get("dur").asDouble() * scale);
                boolean poll = name.equals("poll");
                int row = 0;
                while (!poll && row < rowEnds.length - 1 && rowEnds[row] > x) {
                    row++;
                }
                if (!poll) {
                    rowEnds[row] = x + w + 6 * name.length() + 8;
                }
                int y = poll ? 40 : 62 + 17 * row;
                out.append("<rect x='").append(fmt(x)).append("' y='").append(y)
                        .append("' width='").append(fmt(w)).append("' height='16' fill='")
                        .append(poll ? "#c8c8c8" : color(name)).append("'><title>")
                        .append(escape(name)).append("</title></rect>\n");
                if (!poll) {
                    out.append("<text x='").append(fmt(x + w + 3)).append("' y='").append(y + 12)
                            .append("'>").append(escape(name)).append("</text>\n");
                }
            } else {
                out.append("<text x='").append(fmt(x - 4)).append("' y='36'>▼</text>\n");
            }
        }
        out.append("<line x1='20' y1='170' x2='").append(width - 20)
                .append("' y2='170' stroke='black'/>\n<text x='20' y='185'>0 ms</text>\n")
                .append("<text x='").append(width - 70).append("' y='185'>")
                .append(fmt((end - start) / 1000)).append(" ms</text>\n</svg>\n");
        return out.toString();
    }

    private static String color(String name) {
        String[] palette = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"};
        return palette[Math.floorMod(name.hashCode(), palette.length)];
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;");
    }

    private static void spin(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
