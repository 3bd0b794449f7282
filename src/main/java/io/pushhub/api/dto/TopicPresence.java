package io.pushhub.api.dto;

import io.pushhub.Presence;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /api/topics/{topic}/presence}: a topic's subscribers on every node. */
@Schema(description = "The connections subscribed to a topic on every node of the cluster, and their users")
@JsonbPropertyOrder({"topic", "subscribers", "users", "connections", "complete", "cluster", "clusterError", "seq"})
public record TopicPresence(
        @Schema(required = true) String topic,

        @Schema(required = true, description = "Subscribed connections")
        int subscribers,

        @Schema(required = true, description = "Their distinct users, sorted")
        List<String> users,

        @Schema(required = true) List<Subscriber> connections,

        @Schema(
                required = true,
                description = "Whether every node answered; when not, only this node's " + "connections are listed")
        boolean complete,

        @Schema(description = "'unavailable' when not complete", enumeration = "unavailable")
        String cluster,

        @Schema(description = "Why not complete") String clusterError,

        @Schema(
                description = "Sequence number of the topic's latest hub event (docs/hooks.md), read before the"
                        + " subscribers: events up to it are reflected here. Absent when hub events are off or the topic"
                        + " had none")
        Long seq) {

    /** One subscribed connection. */
    @Schema(name = "TopicSubscriber", description = "A subscribed connection somewhere in the cluster")
    @JsonbPropertyOrder({"connectionId", "userId", "node"})
    public record Subscriber(
            @Schema(required = true) String connectionId,
            @Schema(required = true) String userId,

            @Schema(required = true, description = "The node that holds it")
            String node) {}

    public static TopicPresence of(String topic, Presence.Snapshot s) {
        return of(topic, s, java.util.OptionalLong.empty());
    }

    public static TopicPresence of(String topic, Presence.Snapshot s, java.util.OptionalLong seq) {
        List<Subscriber> conns = s.entries().stream()
                .map(e -> new Subscriber(e.connectionId(), e.userId(), e.node()))
                .toList();
        return new TopicPresence(
                topic,
                conns.size(),
                s.users(),
                conns,
                s.complete(),
                Cluster.state(s),
                Cluster.error(s),
                seq.isPresent() ? seq.getAsLong() : null);
    }
}
