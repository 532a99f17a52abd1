package io.evloop.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JMH JSON result files (and the lines the C baseline programs print) into one Markdown
 * table: for each benchmark and combination of its other parameters, every {@code evloop-*}
 * implementation beside every other implementation of the same group, with the ratio of their
 * costs.
 *
 * <p>Usage: {@code Table [--c FILE]... RESULT.json...}. A C results file has one line per
 * figure: benchmark (class simple name and method), parameters ({@code k=64}, comma-separated,
 * or {@code -}), implementation, and nanoseconds per operation, separated by white space.
 *
 * <p>The ratio is always evloop's cost over the baseline's cost, so below 1 evloop is cheaper.
 * For a benchmark scored as a rate (a unit without {@code /op}), the two are inverted.
 */
public final class Table {
    /** One figure: a benchmark run with one implementation and one set of parameters. */
    static final class Figure {
        final String benchmark;
        final String params;
        final String impl;
        final double score;
        /** JMH's 99.9% confidence half-width, NaN when unknown (one iteration, or C). */
        final double error;
        final String unit;
        final Double allocPerOp;

        Figure(String benchmark, String params, String impl, double score, double error,
                String unit, Double allocPerOp) {
            this.benchmark = benchmark;
            this.params = params;
            this.impl = impl;
            this.score = score;
            this.error = error;
            this.unit = unit;
            this.allocPerOp = allocPerOp;
        }

        String group() {
            return benchmark + "\u0000" + params;
        }
    }

    private Table() {}

    public static void main(String[] args) throws IOException {
        List<Figure> figures = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--c")) {
                if (++i == args.length) {
                    throw new IllegalArgumentException("--c needs a file name");
                }
                figures.addAll(readC(Path.of(args[i])));
            } else {
                figures.addAll(readJmh(Path.of(args[i])));
            }
        }
        System.out.print(render(figures));
    }

    static List<Figure> readJmh(Path file) throws IOException {
        List<Figure> figures = new ArrayList<>();
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return figures;  // JMH leaves an empty file when every run failed
        }
        for (Object item : (List<?>) Json.parse(text)) {
            Map<?, ?> run = (Map<?, ?>) item;
            Map<String, String> params = new TreeMap<>();
            Object rawParams = run.get("params");
            if (rawParams instanceof Map) {
                for (Map.Entry<?, ?> p : ((Map<?, ?>) rawParams).entrySet()) {
                    params.put(String.valueOf(p.getKey()), String.valueOf(p.getValue()));
                }
            }
            String impl = params.remove("impl");
            if (impl == null) {
                continue;  // not a comparison benchmark
            }
            Map<?, ?> primary = (Map<?, ?>) run.get("primaryMetric");
            Double alloc = null;
            Object secondary = run.get("secondaryMetrics");
            if (secondary instanceof Map) {
                Object norm = ((Map<?, ?>) secondary).get("gc.alloc.rate.norm");
                if (norm instanceof Map) {
                    alloc = number(((Map<?, ?>) norm).get("score"));
                }
            }
            figures.add(new Figure(shortName((String) run.get("benchmark")), join(params), impl,
                    number(primary.get("score")), number(primary.get("scoreError")),
                    (String) primary.get("scoreUnit"), alloc));
        }
        return figures;
    }

    static List<Figure> readC(Path file) throws IOException {
        List<Figure> figures = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] f = trimmed.split("\\s+");
            if (f.length != 4) {
                throw new IllegalArgumentException(file + ": expected 'benchmark params impl "
                        + "ns', got: " + line);
            }
            figures.add(new Figure(f[0], f[1].equals("-") ? "" : f[1], f[2],
                    Double.parseDouble(f[3]), Double.NaN, "ns/op", null));
        }
        return figures;
    }

    static String render(List<Figure> figures) {
        Map<String, List<Figure>> groups = new LinkedHashMap<>();
        for (Figure f : figures) {
            groups.computeIfAbsent(f.group(), g -> new ArrayList<>()).add(f);
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"benchmark", "params", "evloop", "cost", "alloc", "baseline",
                "cost", "alloc", "ratio"});
        for (List<Figure> group : groups.values()) {
            List<Figure> ours = new ArrayList<>();
            List<Figure> theirs = new ArrayList<>();
            for (Figure f : group) {
                (Impl.isEvloop(f.impl) ? ours : theirs).add(f);
            }
            for (Figure e : ours) {
                if (theirs.isEmpty()) {
                    rows.add(row(e, null));
                }
                for (Figure b : theirs) {
                    rows.add(row(e, b));
                }
            }
            if (ours.isEmpty()) {
                for (Figure b : theirs) {
                    rows.add(row(null, b));
                }
            }
        }
        return markdown(rows) + "\nratio = evloop cost / baseline cost (below 1: evloop is "
                + "cheaper). cost: per operation as the benchmark defines it, +- JMH's 99.9% "
                + "error as a share of the score (large: a noisy or too short run). alloc: "
                + "bytes per operation (JMH -prof gc, gc.alloc.rate.norm; '-' when not "
                + "measured).\n";
    }

    private static String[] row(Figure e, Figure b) {
        Figure any = e != null ? e : b;
        String ratio = "-";
        if (e != null && b != null && e.unit.equals(b.unit) && e.score > 0 && b.score > 0) {
            double r = isCost(e.unit) ? e.score / b.score : b.score / e.score;
            ratio = String.format(Locale.ROOT, "%.2f", r);
        }
        return new String[] {any.benchmark, any.params.isEmpty() ? "-" : any.params,
            e == null ? "-" : e.impl, e == null ? "-" : score(e), e == null ? "-" : alloc(e),
            b == null ? "-" : b.impl, b == null ? "-" : score(b), b == null ? "-" : alloc(b),
            ratio};
    }

    private static boolean isCost(String unit) {
        return unit.endsWith("/op");
    }

    private static String score(Figure f) {
        String text = decimal(f.score) + " " + f.unit;
        if (!Double.isNaN(f.error) && f.score > 0) {
            text += String.format(Locale.ROOT, " +-%.0f%%", 100 * f.error / f.score);
        }
        return text;
    }

    private static String alloc(Figure f) {
        if (f.allocPerOp == null || f.allocPerOp.isNaN()) {
            return "-";
        }
        return (f.allocPerOp < 0.5 ? "0" : decimal(f.allocPerOp)) + " B";
    }

    /** About three significant digits, without an exponent. */
    static String decimal(double value) {
        double abs = Math.abs(value);
        String format = abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : abs >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, format, value);
    }

    private static String markdown(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            line(sb, rows.get(r), widths);
            if (r == 0) {
                String[] rule = new String[widths.length];
                for (int i = 0; i < rule.length; i++) {
                    rule[i] = "-".repeat(widths[i]);
                }
                line(sb, rule, widths);
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] widths) {
        sb.append('|');
        for (int i = 0; i < cells.length; i++) {
            sb.append(' ').append(cells[i]).append(" ".repeat(widths[i] - cells[i].length()))
                    .append(" |");
        }
        sb.append('\n');
    }

    private static String shortName(String benchmark) {
        int method = benchmark.lastIndexOf('.');
        int cls = benchmark.lastIndexOf('.', method - 1);
        return benchmark.substring(cls + 1);
    }

    private static String join(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(p.getKey()).append('=').append(p.getValue());
        }
        return sb.toString();
    }

    private static Double number(Object value) {
        if (value instanceof Double) {
            return (Double) value;
        }
        return Double.NaN;  // JMH writes "NaN" as a string
    }
}
