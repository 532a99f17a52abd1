package io.evloop.pipeline;

import io.evloop.internal.TraceBuffer;

/**
 * The arguments of a pipeline's trace record: pipeline, stage, the item's position in the
 * source, and one more count or an outcome where the record has them. Made only while the
 * loop records a trace; turned into JSON only when the trace is written.
 */
final class TraceArgs implements TraceBuffer.Args {
    private final String pipeline;
    private final String stage;
    private final long item;
    private final String key;
    private final long value;
    private final String outcome;

    /**
     * @param item the position of the item in the source, or -1 for a record of several
     * @param key the name of {@code value}, or null for none
     * @param outcome {@code ok}, {@code dropped}, {@code failed}, or null
     */
    TraceArgs(Node node, long item, String key, long value, String outcome) {
        this(node.engine.name, node.name, item, key, value, outcome);
    }

    TraceArgs(String pipeline, String stage, long item, String key, long value,
            String outcome) {
        this.pipeline = pipeline;
        this.stage = stage;
        this.item = item;
        this.key = key;
        this.value = value;
        this.outcome = outcome;
    }

    @Override
    public void appendJson(StringBuilder json) {
        json.append("\"pipeline\":").append(TraceBuffer.quote(pipeline))
                .append(",\"stage\":").append(TraceBuffer.quote(stage));
        if (item >= 0) {
            json.append(",\"item\":").append(item);
        }
        if (key != null) {
            json.append(",\"").append(key).append("\":").append(value);
        }
        if (outcome != null) {
            json.append(",\"outcome\":\"").append(outcome).append('"');
        }
    }
}
