package io.pushhub.api.dto;

import io.pushhub.Connections;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /api/stats}: gauges now and counters since start, what the dashboard draws. */
@Schema(description = "This node's gauges now and counters since it started (rates are the reader's business)")
@JsonbPropertyOrder({"time", "connections", "transports", "users", "subscriptions", "topics", "totals"})
public record Stats(
        @Schema(required = true, description = "Server time, epoch milliseconds")
        long time,

        @Schema(required = true, description = "Open connections")
        int connections,

        @Schema(required = true) TransportCounts transports,

        @Schema(required = true, description = "Distinct users with a connection")
        int users,

        @Schema(required = true) int subscriptions,
        @Schema(required = true) List<TopicCount> topics,
        @Schema(required = true) StatsTotals totals) {

    /** Open connections by transport. */
    @Schema(description = "Open connections by transport")
    @JsonbPropertyOrder({"websocket", "sse"})
    public record TransportCounts(
            @Schema(required = true) int websocket,
            @Schema(required = true) int sse) {

        public static TransportCounts of(Map<String, Integer> byTransport) {
            return new TransportCounts(byTransport.getOrDefault("websocket", 0), byTransport.getOrDefault("sse", 0));
        }
    }

    /** The counters of {@link Connections.Totals}, in the same order. */
    @Schema(description = "Counters since this node started")
    @JsonbPropertyOrder({
        "connectionsOpened",
        "pushes",
        "enqueued",
        "delivered",
        "frames",
        "dropped",
        "slowConsumerDisconnects",
        "sendFailures",
        "handshakesRejected",
        "errors"
    })
    public record StatsTotals(
            @Schema(required = true) long connectionsOpened,
            @Schema(required = true) long pushes,
            @Schema(required = true) long enqueued,
            @Schema(required = true) long delivered,
            @Schema(required = true) long frames,
            @Schema(required = true) long dropped,
            @Schema(required = true) long slowConsumerDisconnects,
            @Schema(required = true) long sendFailures,
            @Schema(required = true) long handshakesRejected,
            @Schema(required = true) long errors) {

        public static StatsTotals of(Connections.Totals t) {
            return new StatsTotals(
                    t.connectionsOpened(),
                    t.pushes(),
                    t.enqueued(),
                    t.delivered(),
                    t.frames(),
                    t.dropped(),
                    t.slowConsumerDisconnects(),
                    t.sendFailures(),
                    t.handshakesRejected(),
                    t.errors());
        }
    }
}
