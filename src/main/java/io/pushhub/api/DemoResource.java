package io.pushhub.api;

import io.pushhub.ConnectionView;
import io.pushhub.Connections;
import io.pushhub.Target;
import io.pushhub.api.dto.DemoJobAnswer;
import io.pushhub.api.dto.DemoJobRequest;
import io.pushhub.config.HubConfig;
import io.pushhub.problem.ApiError;
import io.pushhub.problem.ApiProblem;
import io.pushhub.protocol.JsonDepth;
import io.pushhub.scheduling.DemoJobs;
import io.pushhub.security.AnonymousCookies;
import io.pushhub.security.Identity;
import io.pushhub.security.IdentityResolver;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/demo/jobs}: starts a demo job that reports progress to the caller. The caller is the user of the
 * bearer JWT, else the anonymous user of the caller's {@code pushhub-anon} cookie (the same one its WebSocket got). With {@code
 * {"connectionId":"c-..."}} the job reports to that one connection, which must be the caller's own (403 {@code
 * not_owner} otherwise). No publisher credentials needed: a job only ever pushes to its caller.
 */
@Path("demo/jobs")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "demo", description = "Demo jobs that report progress to their caller")
public class DemoResource {

    @Inject
    DemoJobs jobs;

    @Inject
    HubConfig config;

    @Inject
    IdentityResolver identities;

    @Inject
    Connections connections;

    @Inject
    AnonymousCookies cookies;

    @Context
    HttpServletRequest request;

    @Context
    HttpHeaders headers;

    @POST
    @BodyLimit
    @Operation(
            operationId = "startDemoJob",
            summary = "Start a demo job that pushes progress updates to the caller",
            description = "No publisher credentials: the caller is the user of a bearer JWT, else the user of the HTTP "
                    + "session cookie; with {\"connectionId\":\"c-...\"} the job reports to that one connection, "
                    + "which must be the caller's own.")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DemoJobRequest.class)))
    @APIResponse(
            responseCode = "202",
            description = "Started",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DemoJobAnswer.class)))
    @APIResponse(
            responseCode = "400",
            description = "Bad body, or the caller cannot be identified",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "401",
            description = "An invalid JWT",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "403",
            description = "The connection belongs to another user (not_owner)",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "Demo jobs are disabled, or no open connection has this id",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "413",
            description = "Body larger than pushhub.push.max-body-bytes",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "429",
            description = "Too many demo jobs are running",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response start(String body) {
        if (!config.demoEnabled()) {
            throw ApiProblem.of(404, "not_found", "demo jobs are disabled (pushhub.demo.enabled=false)");
        }
        if (jobs.running() >= config.demoMaxJobs()) {
            throw ApiProblem.of(429, "too_many_jobs", "at most " + config.demoMaxJobs() + " demo jobs may run at once");
        }
        Target target = caller(body);
        DemoJobs.Job job = jobs.start(target);
        return Response.accepted(
                        new DemoJobAnswer(job.id(), job.steps(), job.intervalMillis(), job.scope(), job.target()))
                .build();
    }

    private Target caller(String body) {
        if (body != null && !body.isBlank()) {
            if (JsonDepth.exceeds(body, JsonDepth.MAX_DEPTH)) {
                throw ApiProblem.of(400, "bad_json", JsonDepth.message("request body"));
            }
            JsonValue v;
            try (JsonReader r = Json.createReader(new StringReader(body))) {
                v = r.readValue();
            } catch (RuntimeException e) {
                throw ApiProblem.of(400, "bad_json", "request body is not valid JSON");
            }
            if (!(v instanceof JsonObject obj)) {
                throw ApiProblem.badRequest("request body must be a JSON object");
            }
            JsonValue id = obj.get("connectionId");
            if (id != null) {
                if (!(id instanceof JsonString s)) {
                    throw ApiProblem.badRequest("'connectionId' must be a string");
                }
                ConnectionView c = connections
                        .find(s.getString())
                        .orElseThrow(() -> ApiProblem.unknownConnections(List.of(s.getString())));
                // Only the caller's own connections: the same identity the hub gave the connection at its handshake.
                Identity caller = identify();
                if (caller == null || !caller.userId().equals(c.userId())) {
                    throw ApiProblem.of(
                            403,
                            "not_owner",
                            "connection " + s.getString() + " belongs to another user; "
                                    + "send the same JWT (or pushhub-anon cookie) that opened it");
                }
                return new Target.Connections(List.of(s.getString()));
            }
        }
        Identity caller = identify();
        if (caller == null) {
            throw ApiProblem.badRequest("cannot tell who you are: send {\"connectionId\":\"c-...\"} (from your welcome "
                    + "frame), a bearer JWT, or the pushhub-anon cookie of the page that opened the WebSocket");
        }
        return new Target.Users(List.of(caller.userId()));
    }

    /**
     * The caller as the hub identifies a WebSocket handshake: the user of a bearer JWT, else the anonymous user of
     * the caller's valid anonymous cookie; null with neither (such a caller owns no connection: a handshake without a
     * cookie gets a random user).
     */
    private Identity identify() {
        // No Origin rule here (not a handshake), and a token only as a header.
        IdentityResolver.Result who = identities.resolve(
                null, null, headers.getRequestHeaders(), java.util.Map.of(), cookies.of(request, null), false);
        if (who instanceof IdentityResolver.Refused r) {
            throw ApiProblem.of(r.status(), r.code(), r.reason());
        }
        IdentityResolver.Identified caller = (IdentityResolver.Identified) who;
        return caller.source() == IdentityResolver.Source.NONE ? null : caller.identity();
    }
}
