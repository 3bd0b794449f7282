package io.pushhub.tracing;

import io.pushhub.delivery.DeliveryWatch;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message's trace journal in plain words: the entries of every node, grouped by node, and a {@code summary} of
 * sentences a person can read ("node n1: connection c-1 of alice written at 10:00:01.234 UTC"). Pure: built from the
 * entries alone.
 */
public final class TraceReport {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private TraceReport() {}

    /**
     * The answer of {@code GET /api/push/{messageId}/trace}.
     *
     * @param user null, or only this user's connections (and the facts without a user: pushed, no subscriber)
     */
    public static JsonObject render(String messageId, List<TraceEntry> entries, String user, boolean clusterWide) {
        Map<String, List<TraceEntry>> byNode = byNode(entries, user);
        JsonArrayBuilder nodes = Json.createArrayBuilder();
        byNode.forEach((node, list) -> {
            JsonArrayBuilder items = Json.createArrayBuilder();
            for (TraceEntry e : list) {
                items.add(Json.createObjectBuilder(e.toJson())
                        .remove("node")
                        .add("time", Instant.ofEpochMilli(e.at()).toString()));
            }
            nodes.add(Json.createObjectBuilder().add("node", node).add("entries", items));
        });
        JsonArrayBuilder summary = Json.createArrayBuilder();
        summary(byNode, user).forEach(summary::add);
        JsonObjectBuilder b = Json.createObjectBuilder().add("messageId", messageId);
        if (user != null) {
            b.add("user", user);
        }
        return b.add("clusterWide", clusterWide)
                .add("nodes", nodes)
                .add("summary", summary)
                .build();
    }

    /**
     * The entries narrowed to {@code user} (null: all; entries without a user are always kept), grouped by node in
     * the order of each node's first entry.
     */
    public static Map<String, List<TraceEntry>> byNode(List<TraceEntry> entries, String user) {
        Map<String, List<TraceEntry>> byNode = new LinkedHashMap<>();
        for (TraceEntry e : entries) {
            if (user == null || e.user() == null || user.equals(e.user())) {
                byNode.computeIfAbsent(e.node(), n -> new ArrayList<>()).add(e);
            }
        }
        return byNode;
    }

    /** The sentences, node by node, then one about the user when one was asked for. */
    public static List<String> summary(Map<String, List<TraceEntry>> byNode, String user) {
        List<String> out = new ArrayList<>();
        boolean userConnection = false;
        boolean userWritten = false;
        boolean userOffline = false;
        for (Map.Entry<String, List<TraceEntry>> n : byNode.entrySet()) {
            String node = n.getKey();
            // the last word per connection: written / dropped beat queued
            Map<String, TraceEntry> last = new LinkedHashMap<>();
            for (TraceEntry e : n.getValue()) {
                switch (e.kind()) {
                    case PUSHED ->
                        out.add("node " + node + ": pushed at " + time(e.at())
                                + (e.detail() == null ? "" : " to " + e.detail()));
                    case NO_CONNECTION -> {
                        out.add("node " + node + ": " + e.user() + " had no connection here");
                        userOffline |= e.user() != null && e.user().equals(user);
                    }
                    case NO_SUBSCRIBER -> out.add("node " + node + ": topic " + e.detail() + " had no subscriber here");
                    case TRUNCATED ->
                        out.add("node " + node
                                + ": more than pushhub.trace.journal.max-entries facts; the rest was not recorded");
                    default -> {
                        TraceEntry before = last.get(e.connection());
                        if (before == null || before.kind() == TraceEntry.Kind.QUEUED) {
                            last.put(e.connection(), e);
                        }
                    }
                }
            }
            for (TraceEntry e : last.values()) {
                String who = "connection " + e.connection() + (e.user() == null ? "" : " of " + e.user());
                boolean mine = user != null && user.equals(e.user());
                userConnection |= mine;
                switch (e.kind()) {
                    case WRITTEN -> {
                        out.add("node " + node + ": " + who + " written at " + time(e.at()));
                        userWritten |= mine;
                    }
                    case DROPPED ->
                        out.add("node " + node + ": " + who + " dropped: " + words(e.detail()) + " (at " + time(e.at())
                                + ")");
                    case EXCLUDED ->
                        out.add("node " + node + ": " + who + " excluded by the push (exceptConnection), not sent");
                    case QUEUED ->
                        out.add("node " + node + ": " + who + " queued at " + time(e.at()) + ", not written yet");
                    default -> {}
                }
            }
        }
        if (user != null) {
            if (!userConnection) {
                out.add(
                        userOffline
                                ? user + " had no connection on any node (user offline)"
                                : "no connection of " + user + " matched on any node (" + user
                                        + " is offline or not subscribed)");
            } else if (!userWritten) {
                out.add(user + " did not get it on any connection");
            }
        }
        return out;
    }

    /** The drop reason's label in plain words. */
    static String words(String label) {
        if (label == null) {
            return "unknown reason";
        }
        try {
            return DeliveryWatch.Drop.valueOf(label.toUpperCase(java.util.Locale.ROOT))
                    .words();
        } catch (IllegalArgumentException e) {
            return label;
        }
    }

    static String time(long epochMillis) {
        return TIME.format(Instant.ofEpochMilli(epochMillis)) + " UTC";
    }
}
