package io.pushhub.api;

import io.pushhub.Connections;
import io.pushhub.History;
import io.pushhub.Presence;
import io.pushhub.api.dto.ConnectionList;
import io.pushhub.api.dto.HistoryPage;
import io.pushhub.api.dto.Stats;
import io.pushhub.api.dto.TopicCount;
import io.pushhub.api.dto.TopicList;
import io.pushhub.api.dto.TopicPresence;
import io.pushhub.api.dto.UserPresence;
import io.pushhub.problem.ApiError;
import io.pushhub.problem.ApiProblem;
import io.pushhub.protocol.TopicName;
import io.pushhub.security.Publisher;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Who is connected and which topics have subscribers: {@code /api/connections} and {@code /api/topics} for this node,
 * {@code /api/topics/{topic}/presence} and {@code /api/users/{id}} for the whole cluster, topic history, the counters
 * the dashboard draws ({@code /api/stats}), and the operator's way to drop a connection.
 */
@Path("")
@Publisher
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "apiKey")
// Every operation here: no or bad credentials (401), a JWT without the publisher group (403).
@APIResponse(
        responseCode = "401",
        description = "No or bad credentials",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
@APIResponse(
        responseCode = "403",
        description = "JWT without the publisher group",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
@Tag(name = "status", description = "Who is connected, topics, history and counters; closing a connection")
public class StatusResource {

    /** WebSocket close code 1012 "service restart": the client should reconnect (pushhub.js does). */
    static final int CLOSE_BY_OPERATOR = 1012;

    static final int MAX_HISTORY_LIMIT = 1000;

    @Inject
    Connections connections;

    @Inject
    Presence presence;

    @Inject
    History history;

    @DELETE
    @Path("connections/{id}")
    @Operation(
            operationId = "closeConnection",
            summary = "Close one connection now (close code 1012); the client is expected to reconnect")
    @APIResponse(responseCode = "204", description = "Closed")
    @APIResponse(
            responseCode = "404",
            description = "No open connection with this id",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response close(@PathParam("id") String id) {
        if (!connections.close(id, CLOSE_BY_OPERATOR, "closed by an operator")) {
            throw ApiProblem.unknownConnections(List.of(id));
        }
        return Response.noContent().build();
    }

    @GET
    @Path("stats")
    @Operation(
            operationId = "stats",
            summary = "Gauges and counters since start, for the dashboard (rates are computed by the reader)")
    @APIResponse(
            responseCode = "200",
            description = "The gauges and counters",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Stats.class)))
    public Stats stats() {
        List<TopicCount> topics = TopicCount.of(connections.topicCounts());
        return new Stats(
                System.currentTimeMillis(),
                connections.count(),
                Stats.TransportCounts.of(connections.countByTransport()),
                connections.users(),
                connections.subscriptions(),
                topics,
                Stats.StatsTotals.of(connections.totals()));
    }

    @GET
    @Path("connections")
    @Operation(operationId = "connections", summary = "Open connections: totals and the connection ids of each user")
    @APIResponse(
            responseCode = "200",
            description = "This node's connections",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ConnectionList.class)))
    public ConnectionList connections() {
        return ConnectionList.of(connections.idsByUser());
    }

    @GET
    @Path("topics")
    @Operation(operationId = "topics", summary = "Topics with at least one subscriber, and how many")
    @APIResponse(
            responseCode = "200",
            description = "This node's topics",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TopicList.class)))
    public TopicList topics() {
        List<TopicCount> topics = TopicCount.of(connections.topicCounts());
        return new TopicList(connections.subscriptions(), topics);
    }

    @GET
    @Path("topics/{topic}/presence")
    @Operation(
            operationId = "topicPresence",
            summary = "Connections subscribed to a topic on every node of the cluster, and their users")
    @APIResponse(
            responseCode = "200",
            description = "The subscribers; complete is false (and cluster, clusterError "
                    + "say why) when only this node's could be listed",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TopicPresence.class)))
    @APIResponse(
            responseCode = "400",
            description = "Bad topic name",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public TopicPresence topicPresence(@PathParam("topic") String topic) {
        checkTopic(topic);
        java.util.OptionalLong seq = presence.topicSequence(topic); // first: the snapshot is then at least as new
        return TopicPresence.of(topic, presence.topic(topic), seq);
    }

    @GET
    @Path("users/{id}")
    @Operation(
            operationId = "userPresence",
            summary = "Whether a user is online anywhere in the cluster, and on how many connections")
    @APIResponse(
            responseCode = "200",
            description = "The user's connections",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = UserPresence.class)))
    public UserPresence user(@PathParam("id") String userId) {
        java.util.OptionalLong seq = presence.userSequence(userId);
        return UserPresence.of(userId, presence.user(userId), seq);
    }

    @GET
    @Path("topics/{topic}/history")
    @Operation(
            operationId = "history",
            summary = "A topic's kept messages after offset 'since' (of epoch 'epoch', if given), oldest first: what a"
                    + " resume would replay, so messages whose expiry has passed are skipped and counted in 'expired'")
    @APIResponse(
            responseCode = "200",
            description = "{topic, epoch, offset, complete, more, expired, messages[]}; when not "
                    + "complete also reason (trimmed, expired, epoch_changed) and missed {fromOffset, toOffset}",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = HistoryPage.class)))
    @APIResponse(
            responseCode = "400",
            description = "Bad topic, since or limit",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "The topic keeps no history (pushhub.history.topics)",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "The broker (Redis) is unreachable",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public HistoryPage history(
            @PathParam("topic") String topic,
            @Parameter(
                            description = "Messages after this offset (default 0: all kept)",
                            schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "0"))
                    @QueryParam("since")
                    String sinceText,
            @Parameter(
                            description =
                                    "The epoch 'since' belongs to (from a message or an earlier page); when it is "
                                            + "not the current one the page says reason epoch_changed")
                    @QueryParam("epoch")
                    String epoch,
            @Parameter(
                            description = "At most this many messages (default 100)",
                            schema =
                                    @Schema(
                                            type = SchemaType.INTEGER,
                                            format = "int32",
                                            minimum = "1",
                                            maximum = "1000"))
                    @QueryParam("limit")
                    String limitText) {
        checkTopic(topic);
        if (!history.keeps(topic)) {
            throw ApiProblem.of(404, "no_history", "topic " + topic + " keeps no history; see pushhub.history.topics");
        }
        long since = number(sinceText, "since", 0, 0, Long.MAX_VALUE - 1);
        int limit = (int) number(limitText, "limit", 100, 1, MAX_HISTORY_LIMIT);
        History.Page page;
        try {
            page = history.read(topic, since, epoch, limit);
        } catch (History.UnavailableException e) {
            throw ApiProblem.of(503, "broker_unavailable", "history cannot be read now: " + e.getMessage());
        }
        return HistoryPage.of(topic, page);
    }

    private static void checkTopic(String topic) {
        String reason = TopicName.problem(topic);
        if (reason != null) {
            throw ApiProblem.of(400, "invalid_topic", reason);
        }
    }

    private static long number(String text, String name, long dflt, long min, long max) {
        if (text == null || text.isBlank()) {
            return dflt;
        }
        try {
            long v = Long.parseLong(text.trim());
            if (v < min || v > max) {
                throw ApiProblem.badRequest("'" + name + "' must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("'" + name + "' must be an integer, got '" + text + "'");
        }
    }
}
