package io.pushhub.api;

import io.pushhub.problem.ApiProblem;
import io.pushhub.config.HubConfig;
import io.pushhub.Presence;
import io.pushhub.PushResult;
import io.pushhub.Pusher;
import io.pushhub.ScheduledPush;
import io.pushhub.TooManyScheduledException;
import io.pushhub.Target;
import io.pushhub.security.Publisher;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** {@code POST /api/push}: push now or later; {@code /api/push/scheduled}: list and cancel later pushes. */
@Path("push")
@Publisher
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "apiKey")
public class PushResource {

    @Inject
    Pusher pusher;

    @Inject
    Presence presence;

    @Inject
    HubConfig config;

    @POST
    @BodyLimit
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Push a message now, or schedule it with 'at' or 'delay'")
    @RequestBody(
            required = true,
            content = @Content(
                    mediaType = MediaType.APPLICATION_JSON,
                    examples = {
                        @ExampleObject(name = "topic", value = "{\"topic\":\"news\",\"data\":{\"text\":\"hi\"}}"),
                        @ExampleObject(name = "users", value = "{\"users\":[\"alice\"],\"data\":{\"n\":1}}"),
                        @ExampleObject(name = "everyone", value = "{\"data\":\"maintenance at 22:00\"}"),
                        @ExampleObject(name = "later", value = "{\"topic\":\"news\",\"delay\":\"PT30S\",\"data\":1}")
                    }))
    @APIResponse(responseCode = "200", description = "Pushed: {messageId, reached} (reached: connections on this node); "
            + "in a cluster also cluster: published | unavailable (then clusterError says why)")
    @APIResponse(responseCode = "202", description = "Scheduled: {scheduledId, messageId, at}")
    @APIResponse(responseCode = "400", description = "Malformed body, bad topic name, schedule beyond "
            + "pushhub.scheduled.max-delay, or JSON nested deeper than 64 levels")
    @APIResponse(responseCode = "401", description = "No or bad credentials")
    @APIResponse(responseCode = "403", description = "JWT without the publisher group")
    @APIResponse(responseCode = "404", description = "Unknown connection ids (nothing was pushed)")
    @APIResponse(responseCode = "413", description = "Body larger than pushhub.push.max-body-bytes (nothing was pushed)")
    @APIResponse(responseCode = "429", description = "Too many scheduled pushes pending")
    public Response push(String body) {
        Instant now = Instant.now();
        PushRequest request = PushRequest.parse(body, now, config.scheduledMaxDelay());
        if (request.target() instanceof Target.Connections c) {
            List<String> unknown = presence.unknownConnections(c.connectionIds());
            if (!unknown.isEmpty()) {
                throw ApiProblem.unknownConnections(unknown);
            }
        }
        if (request.scheduled()) {
            ScheduledPush e;
            try {
                e = pusher.schedule(request.target(), request.data(), request.deliverAt());
            } catch (TooManyScheduledException tooMany) {
                throw ApiProblem.of(429, "too_many_scheduled", tooMany.getMessage());
            }
            return Response.accepted(Json.createObjectBuilder()
                            .add("scheduledId", e.id())
                            .add("messageId", e.messageId())
                            .add("at", e.at().toString())
                            .build()
                            .toString())
                    .build();
        }
        PushResult result = pusher.push(request.target(), request.data());
        JsonObjectBuilder answer = Json.createObjectBuilder()
                .add("messageId", result.messageId())
                .add("reached", result.reached());
        if (result.cluster() != null) {
            // reached counts this node's connections; the other nodes' are not known here.
            answer.add("cluster", result.cluster());
            if (result.clusterProblem() != null) {
                answer.add("clusterError", "other nodes were not reached, only this node's connections: "
                        + result.clusterProblem());
            }
        }
        return Response.ok(answer.build().toString()).build();
    }

    @GET
    @Path("scheduled")
    @Operation(summary = "Pushes scheduled for later, soonest first")
    public String pending() {
        JsonArrayBuilder arr = Json.createArrayBuilder();
        for (ScheduledPush e : pusher.scheduled()) {
            arr.add(toJson(e));
        }
        return Json.createObjectBuilder().add("scheduled", arr).build().toString();
    }

    @DELETE
    @Path("scheduled/{id}")
    @Operation(summary = "Cancel a scheduled push")
    @APIResponse(responseCode = "204", description = "Cancelled; it will not be delivered")
    @APIResponse(responseCode = "404", description = "No pending push with this id")
    public Response cancel(@PathParam("id") String id) {
        if (!pusher.cancel(id)) {
            throw ApiProblem.of(404, "not_found", "no pending scheduled push '" + id + "' (unknown, delivered or cancelled)");
        }
        return Response.noContent().build();
    }

    private static JsonObject toJson(ScheduledPush e) {
        JsonArrayBuilder targets = Json.createArrayBuilder();
        e.target().names().forEach(targets::add);
        return Json.createObjectBuilder()
                .add("scheduledId", e.id())
                .add("messageId", e.messageId())
                .add("at", e.at().toString())
                .add("scope", e.target().scope())
                .add("targets", targets)
                .build();
    }
}
