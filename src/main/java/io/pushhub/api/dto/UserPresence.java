package io.pushhub.api.dto;

import io.pushhub.Presence;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /api/users/{id}}: whether a user is online anywhere in the cluster. */
@Schema(description = "Whether a user is online anywhere in the cluster, and on how many connections")
@JsonbPropertyOrder({
    "userId",
    "online",
    "connections",
    "nodes",
    "connectionIds",
    "complete",
    "cluster",
    "clusterError",
    "seq"
})
public record UserPresence(
        @Schema(required = true) String userId,
        @Schema(required = true) boolean online,

        @Schema(required = true, description = "How many connections the user has")
        int connections,

        @Schema(required = true, description = "The nodes that hold them, sorted")
        List<String> nodes,

        @Schema(required = true) List<NodeConnection> connectionIds,

        @Schema(
                required = true,
                description = "Whether every node answered; when not, only this node's " + "connections are listed")
        boolean complete,

        @Schema(description = "'unavailable' when not complete", enumeration = "unavailable")
        String cluster,

        @Schema(description = "Why not complete") String clusterError,

        @Schema(
                description = "Sequence number of the user's latest hub event (docs/hooks.md), read before the"
                        + " connections: events up to it are reflected here. Absent when hub events are off or the user"
                        + " had none")
        Long seq) {

    /** One of the user's connections. */
    @Schema(description = "A connection and the node that holds it")
    @JsonbPropertyOrder({"connectionId", "node"})
    public record NodeConnection(
            @Schema(required = true) String connectionId,
            @Schema(required = true) String node) {}

    public static UserPresence of(String userId, Presence.Snapshot s) {
        return of(userId, s, java.util.OptionalLong.empty());
    }

    public static UserPresence of(String userId, Presence.Snapshot s, java.util.OptionalLong seq) {
        List<NodeConnection> conns = s.entries().stream()
                .map(e -> new NodeConnection(e.connectionId(), e.node()))
                .toList();
        TreeSet<String> nodes = new TreeSet<>();
        s.entries().forEach(e -> nodes.add(e.node()));
        return new UserPresence(
                userId,
                !conns.isEmpty(),
                conns.size(),
                List.copyOf(nodes),
                conns,
                s.complete(),
                Cluster.state(s),
                Cluster.error(s),
                seq.isPresent() ? seq.getAsLong() : null);
    }
}
