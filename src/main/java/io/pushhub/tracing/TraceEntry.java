package io.pushhub.tracing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Locale;

/**
 * One fact of a message's trace journal, recorded by one node: the message was pushed, queued for / written to /
 * dropped by one connection, or it matched nothing there (the user had no connection, the topic no subscriber, the
 * connection was excluded).
 *
 * @param node the node that recorded it
 * @param kind what happened
 * @param at epoch milliseconds
 * @param connection the connection id, or null
 * @param user the connection's user or the target user, or null
 * @param detail the drop reason's label ({@code slow_consumer}), the topic, the push's target, or null
 */
public record TraceEntry(String node, Kind kind, long at, String connection, String user, String detail) {

    /** What a node recorded. */
    public enum Kind {
        /** The push was accepted on this node (its origin); detail: target kind and names, traceparent. */
        PUSHED,
        /** The message was queued for a matching connection. */
        QUEUED,
        /** The message was written to the connection's socket. */
        WRITTEN,
        /** The message will not reach the connection; detail: the reason's label. */
        DROPPED,
        /** A target user had no connection on this node. */
        NO_CONNECTION,
        /** The topic had no subscriber on this node; detail: the topic. */
        NO_SUBSCRIBER,
        /** The connection matched but was excluded by the push ({@code exceptConnection}). */
        EXCLUDED,
        /** This node stopped recording the message: it reached {@code pushhub.trace.journal.max-entries}. */
        TRUNCATED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }

    /** Compact JSON, as stored in Redis and answered by the trace endpoint. */
    public JsonObject toJson() {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("node", node)
                .add("kind", kind.label())
                .add("at", at);
        if (connection != null) {
            b.add("connection", connection);
        }
        if (user != null) {
            b.add("user", user);
        }
        if (detail != null) {
            b.add("detail", detail);
        }
        return b.build();
    }

    /** Reads {@link #toJson()}'s text; null for anything else (a corrupt or foreign entry is skipped). */
    public static TraceEntry parse(String text) {
        try (var r = Json.createReader(new StringReader(text))) {
            JsonObject o = r.readObject();
            return new TraceEntry(
                    o.getString("node"),
                    Kind.of(o.getString("kind")),
                    o.getJsonNumber("at").longValue(),
                    string(o, "connection"),
                    string(o, "user"),
                    string(o, "detail"));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String string(JsonObject o, String name) {
        JsonValue v = o.get(name);
        return v instanceof JsonString s ? s.getString() : null;
    }
}
