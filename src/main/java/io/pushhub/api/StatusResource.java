package io.pushhub.api;

import io.pushhub.hub.ConnectionRegistry;
import io.pushhub.security.Publisher;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** Who is connected and which topics have subscribers, on this node. */
@Path("")
@Publisher
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "apiKey")
public class StatusResource {

    @Inject
    ConnectionRegistry registry;

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
        JsonArrayBuilder topics = Json.createArrayBuilder();
        registry.topicCounts().forEach((topic, n) ->
                topics.add(Json.createObjectBuilder().add("topic", topic).add("subscribers", n)));
        return Json.createObjectBuilder()
                .add("subscriptions", registry.subscriptionCount())
                .add("topics", topics)
                .build()
                .toString();
    }
}
