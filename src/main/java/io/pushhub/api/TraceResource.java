package io.pushhub.api;

import io.pushhub.api.dto.TraceAnswer;
import io.pushhub.problem.ApiError;
import io.pushhub.problem.ApiProblem;
import io.pushhub.protocol.TopicName;
import io.pushhub.security.Publisher;
import io.pushhub.tracing.TraceEntry;
import io.pushhub.tracing.TraceJournal;
import io.pushhub.tracing.TraceReport;
import io.pushhub.tracing.Tracing;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/push/{messageId}/trace}: what became of a journaled message, node by node, in plain words. */
@Path("push/{messageId}/trace")
@Publisher
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "apiKey")
@Tag(name = "push", description = "Push to clients now or later")
public class TraceResource {

    private static final int MAX_ID = 200;

    @Inject
    Tracing tracing;

    @GET
    @Operation(
            operationId = "pushTrace",
            summary = "Why did (or didn't) a user get a message: the trace journal of a journaled push, cluster-wide")
    @APIResponse(
            responseCode = "200",
            description = "The entries every node recorded (pushed, queued, written, dropped with the reason, no"
                    + " connection, no subscriber, excluded) and a summary in plain words",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TraceAnswer.class),
                            examples =
                                    @ExampleObject(
                                            name = "stalled tab",
                                            value = "{\"messageId\":\"m-1f2e-7\",\"user\":\"alice\","
                                                    + "\"clusterWide\":false,\"nodes\":[],\"summary\":["
                                                    + "\"node 1f2e: connection c-1 of alice written at"
                                                    + " 10:00:01.234 UTC\",\"node 1f2e: connection c-7 of alice"
                                                    + " dropped: slow consumer: queue full, disconnected (at"
                                                    + " 10:00:01.240 UTC)\"]}")))
    @APIResponse(
            responseCode = "400",
            description = "Message id or user longer than 200 characters",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "401",
            description = "No or bad credentials",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "Nothing journaled for this message id (not_traced): unknown, not sampled, or expired",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "The cluster's journal (Redis) cannot be read now (broker_unavailable)",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public TraceAnswer trace(
            @PathParam("messageId") String messageId,
            @Parameter(description = "Only this user's connections (and the facts without a user)", example = "alice")
                    @QueryParam("user")
                    String user) {
        if (messageId.length() > MAX_ID || (user != null && user.length() > MAX_ID)) {
            throw ApiProblem.badRequest("a message id and a user have at most " + MAX_ID + " characters");
        }
        String who = user == null || user.isBlank() ? null : user;
        TraceJournal journal = tracing.journal();
        List<TraceEntry> entries;
        try {
            entries = journal == null ? null : journal.read(messageId);
        } catch (IllegalStateException e) {
            throw ApiProblem.of(503, "broker_unavailable", e.getMessage());
        }
        if (entries == null) {
            throw ApiProblem.of(
                    404,
                    "not_traced",
                    "no trace of message '" + TopicName.printable(messageId) + "': it was not journaled (not sampled:"
                            + " push with \"trace\": true or a sampled traceparent header, or set"
                            + " pushhub.trace.sample-rate) or its journal expired (kept "
                            + (journal == null ? "" : journal.retention() + ", ")
                            + "at most " + (journal == null ? "" : journal.maxMessages() + " ")
                            + "messages per node)");
        }
        Map<String, List<TraceEntry>> byNode = TraceReport.byNode(entries, who);
        return TraceAnswer.of(messageId, who, journal.clusterWide(), byNode, TraceReport.summary(byNode, who));
    }
}
