package io.pushhub.api.dto;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /api/connections}: this node's open connections, per user. */
@Schema(description = "This node's open connections: totals and each user's connection ids")
@JsonbPropertyOrder({"connections", "users", "byUser"})
public record ConnectionList(
        @Schema(required = true) int connections,
        @Schema(required = true) int users,
        @Schema(required = true) List<UserConnections> byUser) {

    /** One user's connections on this node. */
    @Schema(description = "One user's connection ids on this node, sorted")
    @JsonbPropertyOrder({"userId", "connections"})
    public record UserConnections(
            @Schema(required = true) String userId,
            @Schema(required = true) List<String> connections) {}

    /** From the ids of each user (users and ids sorted). */
    public static ConnectionList of(Map<String, List<String>> idsByUser) {
        List<UserConnections> users = idsByUser.entrySet().stream()
                .map(e -> new UserConnections(e.getKey(), List.copyOf(e.getValue())))
                .toList();
        int total = users.stream().mapToInt(u -> u.connections().size()).sum();
        return new ConnectionList(total, users.size(), users);
    }
}
