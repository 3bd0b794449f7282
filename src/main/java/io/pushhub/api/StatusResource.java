package io.pushhub.api;

import io.pushhub.Connections;
import io.pushhub.History;
import io.pushhub.Presence;
import io.pushhub.problem.ApiProblem;
import io.pushhub.protocol.TopicName;
import io.pushhub.security.Publisher;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

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
    @Operation(summary = "Close one connection now (close code 1012); the client is expected to reconnect")
    @APIResponse(responseCode = "204", description = "Closed")
    @APIResponse(responseCode = "404", description = "No open connection with this id")
    public Response close(@PathParam("id") String id) {
        if (!connections.close(id, CLOSE_BY_OPERATOR, "closed by an operator")) {
            throw ApiProblem.unknownConnections(List.of(id));
        }
        return Response.noContent().build();
    }

    @GET
    @Path("stats")
    @Operation(summary = "Gauges and counters since start, for the dashboard (rates are computed by the reader)")
    public String stats() {
        JsonArrayBuilder topics = topicCounts();
        Map<String, Integer> byTransport = connections.countByTransport();
        Connections.Totals t = connections.totals();
        return Json.createObjectBuilder()
                .add("time", System.currentTimeMillis())
                .add("connections", connections.count())
                .add("transports", Json.createObjectBuilder()
                        .add("websocket", byTransport.getOrDefault("websocket", 0))
                        .add("sse", byTransport.getOrDefault("sse", 0)))
                .add("users", connections.users())
                .add("subscriptions", connections.subscriptions())
                .add("topics", topics)
                .add("totals", Json.createObjectBuilder()
                        .add("connectionsOpened", t.connectionsOpened())
                        .add("pushes", t.pushes())
                        .add("enqueued", t.enqueued())
                        .add("delivered", t.delivered())
                        .add("frames", t.frames())
                        .add("dropped", t.dropped())
                        .add("slowConsumerDisconnects", t.slowConsumerDisconnects())
                        .add("sendFailures", t.sendFailures())
                        .add("handshakesRejected", t.handshakesRejected())
                        .add("errors", t.errors()))
                .build()
                .toString();
    }

    @GET
    @Path("connections")
    @Operation(summary = "Open connections: totals and the connection ids of each user")
    public String connections() {
        Map<String, List<String>> byUser = connections.idsByUser();
        JsonArrayBuilder users = Json.createArrayBuilder();
        int total = 0;
        for (Map.Entry<String, List<String>> e : byUser.entrySet()) {
            JsonArrayBuilder ids = Json.createArrayBuilder();
            e.getValue().forEach(ids::add);
            total += e.getValue().size();
            users.add(Json.createObjectBuilder().add("userId", e.getKey()).add("connections", ids));
        }
        return Json.createObjectBuilder()
                .add("connections", total)
                .add("users", byUser.size())
                .add("byUser", users)
                .build()
                .toString();
    }

    @GET
    @Path("topics")
    @Operation(summary = "Topics with at least one subscriber, and how many")
    public String topics() {
        JsonArrayBuilder topics = topicCounts();
        return Json.createObjectBuilder()
                .add("subscriptions", connections.subscriptions())
                .add("topics", topics)
                .build()
                .toString();
    }

    @GET
    @Path("topics/{topic}/presence")
    @Operation(summary = "Connections subscribed to a topic on every node of the cluster, and their users")
    public String topicPresence(@PathParam("topic") String topic) {
        checkTopic(topic);
        Presence.Snapshot s = presence.topic(topic);
        JsonArrayBuilder conns = Json.createArrayBuilder();
        Set<String> users = new TreeSet<>();
        for (Presence.Entry e : s.entries()) {
            users.add(e.userId());
            conns.add(Json.createObjectBuilder()
                    .add("connectionId", e.connectionId())
                    .add("userId", e.userId())
                    .add("node", e.node()));
        }
        JsonArrayBuilder userArr = Json.createArrayBuilder();
        users.forEach(userArr::add);
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("topic", topic)
                .add("subscribers", s.entries().size())
                .add("users", userArr)
                .add("connections", conns);
        return withCompleteness(body, s).build().toString();
    }

    @GET
    @Path("users/{id}")
    @Operation(summary = "Whether a user is online anywhere in the cluster, and on how many connections")
    public String user(@PathParam("id") String userId) {
        Presence.Snapshot s = presence.user(userId);
        JsonArrayBuilder conns = Json.createArrayBuilder();
        Set<String> nodes = new TreeSet<>();
        for (Presence.Entry e : s.entries()) {
            nodes.add(e.node());
            conns.add(Json.createObjectBuilder().add("connectionId", e.connectionId()).add("node", e.node()));
        }
        JsonArrayBuilder nodeArr = Json.createArrayBuilder();
        nodes.forEach(nodeArr::add);
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("userId", userId)
                .add("online", !s.entries().isEmpty())
                .add("connections", s.entries().size())
                .add("nodes", nodeArr)
                .add("connectionIds", conns);
        return withCompleteness(body, s).build().toString();
    }

    /** {@code complete}: whether every node answered; when not, {@code cluster: unavailable} and why. */
    private static JsonObjectBuilder withCompleteness(JsonObjectBuilder body, Presence.Snapshot s) {
        body.add("complete", s.complete());
        if (!s.complete()) {
            body.add("cluster", "unavailable").add("clusterError", "only this node's connections are listed: " + s.problem());
        }
        return body;
    }

    @GET
    @Path("topics/{topic}/history")
    @Operation(summary = "A topic's kept messages after offset 'since' (of epoch 'epoch', if given), oldest first")
    @APIResponse(responseCode = "200", description = "{topic, epoch, offset, complete, more, messages[]}; when not "
            + "complete also reason (trimmed, expired, epoch_changed) and missed {fromOffset, toOffset}")
    @APIResponse(responseCode = "400", description = "Bad topic, since or limit")
    @APIResponse(responseCode = "404", description = "The topic keeps no history (pushhub.history.topics)")
    @APIResponse(responseCode = "503", description = "The broker (Redis) is unreachable")
    public String history(
            @PathParam("topic") String topic,
            @QueryParam("since") String sinceText,
            @QueryParam("epoch") String epoch,
            @QueryParam("limit") String limitText) {
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
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("topic", topic)
                .add("epoch", page.epoch())
                .add("offset", page.offset());
        body.add("complete", page.complete());
        if (!page.complete()) {
            body.add("reason", page.reason());
            if (page.missedTo() > 0) {
                body.add("missed", Json.createObjectBuilder()
                        .add("fromOffset", page.missedFrom())
                        .add("toOffset", page.missedTo()));
            }
        }
        body.add("more", page.more());
        JsonArrayBuilder messages = Json.createArrayBuilder();
        for (History.Message p : page.messages()) {
            JsonObjectBuilder m = Json.createObjectBuilder()
                    .add("offset", p.offset())
                    .add("messageId", p.messageId())
                    .add("time", p.time());
            if (p.from() != null) {
                m.add("from", p.from());
            }
            messages.add(m.add("data", p.data()));
        }
        return body.add("messages", messages).build().toString();
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

    /** {@code [{"topic":..., "subscribers":n}, ...]}, sorted by topic. */
    private JsonArrayBuilder topicCounts() {
        JsonArrayBuilder topics = Json.createArrayBuilder();
        connections.topicCounts().forEach((topic, n) ->
                topics.add(Json.createObjectBuilder().add("topic", topic).add("subscribers", n)));
        return topics;
    }
}
