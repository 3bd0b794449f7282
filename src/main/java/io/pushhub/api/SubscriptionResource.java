package io.pushhub.api;

import io.pushhub.StickySubscriptionException;
import io.pushhub.Subscriptions;
import io.pushhub.api.dto.StickyList;
import io.pushhub.api.dto.SubscriptionAnswer;
import io.pushhub.api.dto.SubscriptionRequestBody;
import io.pushhub.config.HubConfig;
import io.pushhub.problem.ApiError;
import io.pushhub.problem.ApiProblem;
import io.pushhub.protocol.TopicName;
import io.pushhub.security.Publisher;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/users/{id}/subscriptions}: the backend subscribes or unsubscribes every connection of a user, on every
 * node, to a topic, optionally sticky for the user's later connections ({@link Subscriptions}). Needs the publisher
 * credentials, like {@code POST /api/push}.
 */
@Path("users/{id}/subscriptions")
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
@APIResponse(
        responseCode = "400",
        description = "Malformed body, bad topic name (invalid_topic), bad user id (invalid_user)",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
@APIResponse(
        responseCode = "503",
        description = "The broker (Redis) could not store, remove or read a sticky subscription (broker_unavailable): "
                + "nothing was changed; retry",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
@Tag(name = "subscriptions", description = "Server-side subscriptions of a user's connections")
public class SubscriptionResource {

    /** Longest user id accepted in the path. */
    static final int MAX_USER_ID = 256;

    private static final Set<String> FIELDS = Set.of("topic", "sticky");

    @Inject
    Subscriptions subscriptions;

    @Inject
    HubConfig config;

    @POST
    @BodyLimit
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "subscribeUser",
            summary = "Subscribe every connection of a user, on every node, to a topic; with sticky also the user's "
                    + "future connections")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = SubscriptionRequestBody.class),
                            examples = {
                                @ExampleObject(name = "now", value = "{\"topic\":\"room:42\"}"),
                                @ExampleObject(name = "sticky", value = "{\"topic\":\"team:ops\",\"sticky\":true}")
                            }))
    @APIResponse(
            responseCode = "200",
            description = "Done on this node (counts), requested on the others; an unknown user is no error (0)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = SubscriptionAnswer.class)))
    @APIResponse(
            responseCode = "409",
            description = "sticky, but the user has pushhub.subscriptions.max-sticky sticky subscriptions already "
                    + "(too_many_sticky): nothing was changed",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public SubscriptionAnswer subscribe(@PathParam("id") String userId, String body) {
        checkUser(userId);
        JsonObject obj = JsonBodies.object(body, "with 'topic'", FIELDS);
        if (!(obj.get("topic") instanceof JsonString t)) {
            throw ApiProblem.badRequest("field 'topic' is required: a topic name string");
        }
        boolean sticky = false;
        if (obj.containsKey("sticky")) {
            JsonValue v = obj.get("sticky");
            if (v != JsonValue.TRUE && v != JsonValue.FALSE) {
                throw ApiProblem.badRequest("'sticky' must be true or false");
            }
            sticky = v == JsonValue.TRUE;
        }
        String topic = t.getString();
        checkTopic(topic);
        try {
            return SubscriptionAnswer.subscribed(subscriptions.subscribe(userId, topic, sticky));
        } catch (StickySubscriptionException e) {
            throw e.full()
                    ? ApiProblem.of(409, "too_many_sticky", e.getMessage())
                    : ApiProblem.of(503, "broker_unavailable", e.getMessage());
        }
    }

    @DELETE
    @Path("{topic}")
    @Operation(
            operationId = "unsubscribeUser",
            summary = "Unsubscribe every connection of a user, on every node, from a topic, and remove the sticky "
                    + "subscription")
    @APIResponse(
            responseCode = "200",
            description = "Done on this node (counts), requested on the others; an unknown user is no error (0)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = SubscriptionAnswer.class)))
    public SubscriptionAnswer unsubscribe(@PathParam("id") String userId, @PathParam("topic") String topic) {
        checkUser(userId);
        checkTopic(topic);
        try {
            return SubscriptionAnswer.unsubscribed(subscriptions.unsubscribe(userId, topic));
        } catch (StickySubscriptionException e) {
            throw ApiProblem.of(503, "broker_unavailable", e.getMessage());
        }
    }

    @GET
    @Operation(operationId = "listStickySubscriptions", summary = "A user's sticky server-side subscriptions")
    @APIResponse(
            responseCode = "200",
            description = "The sticky topics, sorted (empty for an unknown user)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = StickyList.class)))
    public StickyList sticky(@PathParam("id") String userId) {
        checkUser(userId);
        try {
            return new StickyList(userId, subscriptions.sticky(userId), config.subscriptionsMaxSticky());
        } catch (StickySubscriptionException e) {
            throw ApiProblem.of(503, "broker_unavailable", e.getMessage());
        }
    }

    private static void checkTopic(String topic) {
        String reason = TopicName.problem(topic);
        if (reason == null && topic.startsWith("$")) {
            reason = "topics starting with '$' are reserved for the hub";
        }
        if (reason != null) {
            throw ApiProblem.of(400, "invalid_topic", reason);
        }
    }

    private static void checkUser(String userId) {
        if (userId == null || userId.isBlank() || userId.length() > MAX_USER_ID) {
            throw ApiProblem.of(400, "invalid_user", "a user id has 1 to " + MAX_USER_ID + " characters");
        }
        for (int i = 0; i < userId.length(); i++) {
            if (Character.isISOControl(userId.charAt(i))) {
                throw ApiProblem.of(400, "invalid_user", "a user id has no control characters");
            }
        }
    }
}
