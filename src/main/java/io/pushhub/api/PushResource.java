package io.pushhub.api;

import io.pushhub.IdempotencyUnavailableException;
import io.pushhub.Presence;
import io.pushhub.Push;
import io.pushhub.PushResult;
import io.pushhub.Pusher;
import io.pushhub.ScheduledPush;
import io.pushhub.SchedulerUnavailableException;
import io.pushhub.Target;
import io.pushhub.TooManyScheduledException;
import io.pushhub.api.dto.PushAnswer;
import io.pushhub.api.dto.PushRequestBody;
import io.pushhub.api.dto.ScheduledAnswer;
import io.pushhub.api.dto.ScheduledItem;
import io.pushhub.api.dto.ScheduledList;
import io.pushhub.config.HubConfig;
import io.pushhub.problem.ApiError;
import io.pushhub.problem.ApiProblem;
import io.pushhub.security.Publisher;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code POST /api/push}: push now or later; {@code /api/push/scheduled}: list and cancel later pushes. */
@Path("push")
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
@Tag(name = "push", description = "Push to clients now or later")
public class PushResource {

    @Inject
    Pusher pusher;

    @Inject
    Presence presence;

    @Inject
    HubConfig config;

    /** The request's headers: a W3C {@code traceparent} decides whether the push is journaled (docs/tracing.md). */
    @jakarta.ws.rs.core.Context
    jakarta.ws.rs.core.HttpHeaders headers;

    @Inject
    io.pushhub.DeliveryReceipts receipts;

    @GET
    @Path("{messageId}/receipts")
    @Operation(
            operationId = "receipts",
            summary = "The delivery receipts of a push made with receipt, collapseOnAck or escalateAfter: per "
                    + "recipient connection written, acknowledged or dropped (with the reason), cluster-wide")
    @APIResponse(
            responseCode = "200",
            description = "The receipts (kept for pushhub.receipts.retention)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = io.pushhub.api.dto.ReceiptsAnswer.class)))
    @APIResponse(
            responseCode = "404",
            description = "Unknown message id, a push without receipts, or past the retention",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "The cluster's Redis is unreachable (receipts_unavailable)",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public void receipts(
            @PathParam("messageId") String messageId,
            @jakarta.ws.rs.container.Suspended jakarta.ws.rs.container.AsyncResponse async) {
        // Asynchronous: with Redis the answer comes from the cluster's store, and no container thread waits for it.
        try {
            receipts.of(messageId).whenComplete((sheet, e) -> {
                if (e != null) {
                    async.resume(ApiProblem.of(
                            503, "receipts_unavailable", "the receipts could not be read: " + rootMessage(e)));
                } else if (sheet.isEmpty()) {
                    async.resume(ApiProblem.of(
                            404,
                            "not_found",
                            "no receipts for message '" + io.pushhub.protocol.TopicName.printable(messageId)
                                    + "' (unknown, pushed without receipt, or older than pushhub.receipts.retention)"));
                } else {
                    async.resume(io.pushhub.api.dto.ReceiptsAnswer.of(sheet.get()));
                }
            });
        } catch (RuntimeException e) {
            async.resume(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    @POST
    @BodyLimit
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "push", summary = "Push a message now, or schedule it with 'at' or 'delay'")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PushRequestBody.class),
                            examples = {
                                @ExampleObject(
                                        name = "topic",
                                        value = "{\"topic\":\"news\",\"data\":{\"text\":\"hi\"}}"),
                                @ExampleObject(name = "users", value = "{\"users\":[\"alice\"],\"data\":{\"n\":1}}"),
                                @ExampleObject(name = "everyone", value = "{\"data\":\"maintenance at 22:00\"}"),
                                @ExampleObject(
                                        name = "later",
                                        value = "{\"topic\":\"news\",\"delay\":\"PT30S\",\"data\":1}"),
                                @ExampleObject(
                                        name = "notTheSender",
                                        value = "{\"topic\":\"room:42\",\"exceptConnection\":\"c-5f2a9c\","
                                                + "\"data\":{\"text\":\"hi\"}}"),
                                @ExampleObject(
                                        name = "expiring",
                                        value = "{\"user\":\"alice\",\"ttl\":\"PT2M\",\"data\":{\"otp\":\"123456\"}}")
                            }))
    @APIResponse(
            responseCode = "200",
            description = "Pushed: {messageId, reached} (reached: connections on this node); "
                    + "in a cluster also cluster: published | unavailable (then clusterError says why). "
                    + "A repeated Idempotency-Key: {messageId of the first push, reached 0, duplicate: true}, "
                    + "nothing delivered",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PushAnswer.class)))
    @APIResponse(
            responseCode = "202",
            description = "Scheduled: {scheduledId, messageId, at}; with a repeated Idempotency-Key the first "
                    + "scheduling's, with duplicate: true, and nothing new is scheduled",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ScheduledAnswer.class)))
    @APIResponse(
            responseCode = "400",
            description = "Malformed body, bad topic name, schedule beyond "
                    + "pushhub.scheduled.max-delay, ttl/expiresAt both given, past or beyond pushhub.push.max-ttl, "
                    + "bad Idempotency-Key (invalid_idempotency_key), exceptConnection not a connection id or with "
                    + "at/delay, or JSON nested deeper than 64 levels",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "Unknown connection ids (nothing was pushed)",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "413",
            description = "Body larger than pushhub.push.max-body-bytes (nothing was pushed)",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "429",
            description = "Too many scheduled pushes pending",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "A push with an Idempotency-Key while the cluster's Redis is unreachable "
                    + "(broker_unavailable): nothing was delivered or scheduled; retry with the same key",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response push(
            @Parameter(
                            name = "Idempotency-Key",
                            in = ParameterIn.HEADER,
                            description = "Makes a repeat of this push within pushhub.idempotency.window, on any node, "
                                    + "a no-op answered with the first push's messageId and duplicate: true. 1 to 200 "
                                    + "printable ASCII characters, no spaces",
                            example = "order-4711-shipped")
                    @HeaderParam("Idempotency-Key")
                    String idempotencyKey,
            String body) {
        Instant now = Instant.now();
        PushRequest request =
                PushRequest.parse(body, idempotencyKey, now, config.scheduledMaxDelay(), config.pushMaxTtl());
        if (request.target() instanceof Target.Connections c) {
            List<String> unknown = presence.unknownConnections(c.connectionIds());
            if (!unknown.isEmpty()) {
                throw ApiProblem.unknownConnections(unknown);
            }
        }
        Push push = new Push(
                request.target(),
                request.data(),
                null,
                request.idempotencyKey(),
                request.expiresAt(),
                request.exceptConnection(),
                request.receipt());
        try {
            if (request.scheduled()) {
                ScheduledPush e;
                try {
                    e = request.recurrence() != null
                            ? pusher.schedule(push, request.recurrence())
                            : pusher.schedule(push, request.deliverAt());
                } catch (TooManyScheduledException tooMany) {
                    throw ApiProblem.of(429, "too_many_scheduled", tooMany.getMessage());
                } catch (SchedulerUnavailableException down) {
                    throw ApiProblem.of(503, "scheduler_unavailable", down.getMessage());
                }
                if (e.id() == null) { // a repeat of a key first used by a push made at once: answer like that one
                    return Response.ok(PushAnswer.of(new PushResult(e.messageId(), 0, null, null, true, false)))
                            .build();
                }
                return Response.accepted(ScheduledAnswer.of(e)).build();
            }
            // reached counts this node's connections; the other nodes' are not known here.
            String traceparent = headers == null ? null : headers.getHeaderString("traceparent");
            return Response.ok(PushAnswer.of(io.pushhub.tracing.Tracing.requested(
                            request.trace(), traceparent, () -> pusher.push(push))))
                    .build();
        } catch (IdempotencyUnavailableException e) {
            throw ApiProblem.of(503, "broker_unavailable", e.getMessage());
        } catch (io.pushhub.TooManyEscalationsException e) {
            throw ApiProblem.of(429, "too_many_escalations", e.getMessage());
        }
    }

    @GET
    @Path("scheduled")
    @Operation(operationId = "listScheduled", summary = "Pushes scheduled for later, soonest first")
    @APIResponse(
            responseCode = "200",
            description = "The pending scheduled pushes of the whole cluster (one table)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ScheduledList.class)))
    public ScheduledList pending() {
        try {
            return new ScheduledList(
                    pusher.scheduled().stream().map(ScheduledItem::of).toList());
        } catch (SchedulerUnavailableException down) {
            throw ApiProblem.of(503, "scheduler_unavailable", down.getMessage());
        }
    }

    @PATCH
    @Path("scheduled/{id}")
    @BodyLimit
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "rescheduleScheduled",
            summary = "Move a scheduled push to a new time ('at' or 'delay') or a new recurrence ('cron' with "
                    + "'timezone', 'expiresAt', 'ttl'); it keeps its id, target and data")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = {
                                @ExampleObject(name = "later", value = "{\"delay\":\"PT10M\"}"),
                                @ExampleObject(
                                        name = "weekdays",
                                        value = "{\"cron\":\"0 30 8 * * Mon-Fri\",\"timezone\":\"Europe/Berlin\"}")
                            }))
    @APIResponse(
            responseCode = "200",
            description = "Rescheduled: the push as it is now (a new messageId for its next firing)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ScheduledItem.class)))
    @APIResponse(
            responseCode = "400",
            description = "Malformed body, bad time, bad cron (invalid_cron) or time zone",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "No pending push with this id",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "409",
            description = "The push is being fired at this moment (firing); retry",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "The scheduled-push database is unavailable (scheduler_unavailable); nothing changed",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public ScheduledItem reschedule(@PathParam("id") String id, String body) {
        PushRequest.Reschedule r =
                PushRequest.parseReschedule(body, Instant.now(), config.scheduledMaxDelay(), config.pushMaxTtl());
        try {
            return pusher.reschedule(id, r.at(), r.recurrence())
                    .map(ScheduledItem::of)
                    .orElseThrow(() -> ApiProblem.of(
                            404,
                            "not_found",
                            "no pending scheduled push '" + io.pushhub.protocol.TopicName.printable(id)
                                    + "' (unknown, delivered or cancelled)"));
        } catch (IllegalStateException firing) {
            throw ApiProblem.of(409, "firing", firing.getMessage());
        } catch (SchedulerUnavailableException down) {
            throw ApiProblem.of(503, "scheduler_unavailable", down.getMessage());
        }
    }

    @DELETE
    @Path("scheduled/{id}")
    @Operation(operationId = "cancelScheduled", summary = "Cancel a scheduled push")
    @APIResponse(responseCode = "204", description = "Cancelled; it will not be delivered")
    @APIResponse(
            responseCode = "404",
            description = "No pending push with this id",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response cancel(@PathParam("id") String id) {
        boolean cancelled;
        try {
            cancelled = pusher.cancel(id);
        } catch (IllegalStateException firing) {
            throw ApiProblem.of(409, "firing", firing.getMessage());
        } catch (SchedulerUnavailableException down) {
            throw ApiProblem.of(503, "scheduler_unavailable", down.getMessage());
        }
        if (!cancelled) {
            throw ApiProblem.of(
                    404, "not_found", "no pending scheduled push '" + id + "' (unknown, delivered or cancelled)");
        }
        return Response.noContent().build();
    }
}
