package io.pushhub.api.dto;

import io.pushhub.tracing.TraceEntry;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /api/push/{messageId}/trace}: what every node recorded about a journaled message, and in plain words. */
@Schema(description = "The trace journal of a message: per node entries, and a summary in plain words")
@JsonbPropertyOrder({"messageId", "user", "clusterWide", "nodes", "summary"})
public record TraceAnswer(
        @Schema(required = true, example = "m-1f2e-7") String messageId,

        @Schema(description = "The user the answer is narrowed to (the query's user), else absent", example = "alice")
        String user,

        @Schema(
                required = true,
                description = "true: read from the cluster's journal (Redis), every node's entries; false:"
                        + " this node's only (memory broker)")
        boolean clusterWide,

        @Schema(required = true) List<Node> nodes,

        @Schema(
                required = true,
                description = "Sentences, node by node, e.g. 'node 1f2e: connection c-1 of alice written at"
                        + " 10:00:01.234 UTC'")
        List<String> summary) {

    /** One node's entries, oldest first. */
    @JsonbPropertyOrder({"node", "entries"})
    public record Node(
            @Schema(required = true) String node,
            @Schema(required = true) List<Entry> entries) {}

    /** One fact a node recorded. */
    @JsonbPropertyOrder({"kind", "time", "at", "connection", "user", "detail"})
    public record Entry(
            @Schema(
                    required = true,
                    enumeration = {
                        "pushed",
                        "queued",
                        "written",
                        "dropped",
                        "no_connection",
                        "no_subscriber",
                        "excluded",
                        "truncated"
                    })
            String kind,

            @Schema(required = true, description = "ISO-8601 UTC")
            String time,

            @Schema(required = true, description = "epoch milliseconds")
            long at,

            String connection,
            String user,

            @Schema(
                    description = "dropped: the reason (expired, queue_overflow, slow_consumer, send_failed,"
                            + " closed); no_subscriber: the topic; pushed: the target")
            String detail) {

        static Entry of(TraceEntry e) {
            return new Entry(
                    e.kind().label(),
                    Instant.ofEpochMilli(e.at()).toString(),
                    e.at(),
                    e.connection(),
                    e.user(),
                    e.detail());
        }
    }

    /** The answer for entries already narrowed to {@code user} and grouped by node. */
    public static TraceAnswer of(
            String messageId,
            String user,
            boolean clusterWide,
            Map<String, List<TraceEntry>> byNode,
            List<String> summary) {
        List<Node> nodes = byNode.entrySet().stream()
                .map(n -> new Node(
                        n.getKey(), n.getValue().stream().map(Entry::of).toList()))
                .toList();
        return new TraceAnswer(messageId, user, clusterWide, nodes, summary);
    }
}
