package io.pushhub.api;

import io.pushhub.hub.Connection;
import io.pushhub.hub.ConnectionRegistry;
import io.pushhub.hub.Hub;
import io.pushhub.hub.HubStats;
import io.pushhub.security.Publisher;
import io.pushhub.transport.sse.SseTransport;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Who is connected and which topics have subscribers, on this node; the counters the dashboard draws; and the
 * operator's way to drop a connection.
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

    @Inject
    ConnectionRegistry registry;

    @Inject
    HubStats stats;

    @Inject
    Hub hub;

    @Inject
    SseTransport sse;

    @DELETE
    @Path("connections/{id}")
    @Operation(summary = "Close one connection now (close code 1012); the client is expected to reconnect")
    @APIResponse(responseCode = "204", description = "Closed")
    @APIResponse(responseCode = "404", description = "No open connection with this id")
    public Response close(@PathParam("id") String id) {
        Connection c = registry.find(id);
        if (c == null) {
            throw ApiProblem.unknownConnections(List.of(id));
        }
        hub.disconnect(c, CLOSE_BY_OPERATOR, "closed by an operator");
        return Response.noContent().build();
    }

    @GET
    @Path("stats")
    @Operation(summary = "Gauges and counters since start, for the dashboard (rates are computed by the reader)")
    public String stats() {
        JsonArrayBuilder topics = topicCounts();
        int total = registry.size();
        int overSse = sse.size();
        return Json.createObjectBuilder()
                .add("time", System.currentTimeMillis())
                .add("connections", total)
                .add("transports", Json.createObjectBuilder()
                        .add("websocket", Math.max(0, total - overSse))
                        .add("sse", overSse))
                .add("users", registry.userCount())
                .add("subscriptions", registry.subscriptionCount())
                .add("topics", topics)
                .add("totals", Json.createObjectBuilder()
                        .add("connectionsOpened", stats.connectionsOpened())
                        .add("pushes", stats.pushes())
                        .add("enqueued", stats.enqueued())
                        .add("delivered", stats.delivered())
                        .add("slowConsumerDisconnects", stats.slowConsumerDisconnects())
                        .add("sendFailures", stats.sendFailures())
                        .add("handshakesRejected", stats.handshakesRejected())
                        .add("errors", stats.errorTotal()))
                .build()
                .toString();
    }

    @GET
    @Path("connections")
    @Operation(summary = "Open connections: totals and the connection ids of each user")
    public String connections() {
        Map<String, List<String>> byUser = registry.connectionIdsByUser();
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
                .add("subscriptions", registry.subscriptionCount())
                .add("topics", topics)
                .build()
                .toString();
    }

    /** {@code [{"topic":..., "subscribers":n}, ...]}, sorted by topic. */
    private JsonArrayBuilder topicCounts() {
        JsonArrayBuilder topics = Json.createArrayBuilder();
        registry.topicCounts().forEach((topic, n) ->
                topics.add(Json.createObjectBuilder().add("topic", topic).add("subscribers", n)));
        return topics;
    }
}
