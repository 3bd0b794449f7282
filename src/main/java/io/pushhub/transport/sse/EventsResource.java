package io.pushhub.transport.sse;

import io.pushhub.config.HubConfig;
import io.pushhub.hub.Hub;
import io.pushhub.problem.ApiError;
import io.pushhub.problem.ApiProblem;
import io.pushhub.protocol.ClientFrame;
import io.pushhub.protocol.ClientFrameDecoder;
import io.pushhub.protocol.Codec;
import io.pushhub.protocol.ServerFrame;
import io.pushhub.security.AnonymousCookies;
import io.pushhub.security.Identity;
import io.pushhub.security.IdentityResolver;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.StringReader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The Server-Sent Events transport, for clients that cannot open a WebSocket (e.g. a proxy refuses the upgrade).
 * {@code GET /api/events} is the downstream half: the same frames as {@code /ws}, one per event. Commands go upstream
 * as small REST calls: {@code POST /api/events/{connectionId}/commands} with the same JSON command frame, answered
 * with the reply frame. Identity and origin rules are those of the WebSocket handshake. Thin: frames go to the
 * {@link Hub} unchanged.
 */
@Path("events")
@RequestScoped
@Tag(name = "sse", description = "The Server-Sent Events transport (see docs/protocol.md); not for backends")
public class EventsResource {

    /** The header an SSE command carries its connection's {@code commandKey} in (see {@code ServerFrame.Welcome}). */
    public static final String COMMAND_KEY_HEADER = "X-PushHub-Command-Key";

    /** How long a command waits for its reply frame. */
    private static final long REPLY_TIMEOUT_SECONDS = 10;

    private static final AtomicLong COMMANDS = new AtomicLong();

    @Inject
    SseTransport transport;

    @Inject
    Hub hub;

    @Inject
    IdentityResolver identities;

    @Inject
    HubConfig config;

    @Inject
    AnonymousCookies cookies;

    @Context
    HttpServletRequest request;

    @Context
    HttpServletResponse response;

    @Context
    HttpHeaders headers;

    @Context
    UriInfo uri;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(
            operationId = "events",
            summary = "Stream of hub frames (SSE); resume with Last-Event-ID or ?lastEventId=")
    @APIResponse(
            responseCode = "200",
            description = "The stream: one hub frame (JSON) per event, until the connection closes",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(
            responseCode = "401",
            description = "An invalid JWT",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "403",
            description = "The Origin is not allowed (pushhub.ws.allowed-origins), or anonymous clients are refused",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public void events(
            @Context SseEventSink sink,
            @Context Sse sse,
            @HeaderParam("Last-Event-ID") String lastEventIdHeader,
            @QueryParam("lastEventId") String lastEventIdParam) {
        Identity identity = identify(true);
        // EventSource cannot set headers, so pushhub.js passes the resume point as a query parameter.
        String lastEventId = lastEventIdHeader != null ? lastEventIdHeader : lastEventIdParam;
        // Never cached, and not buffered by proxies that honour it (nginx): events must flow one by one.
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Accel-Buffering", "no");
        transport.open(sink, sse, identity, lastEventId);
    }

    @POST
    @Path("{connectionId}/commands")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "eventCommand",
            summary = "Send a command frame (subscribe, unsubscribe, publish, echo, ping) for an SSE connection")
    @APIResponse(
            responseCode = "200",
            description = "The reply frame: ack or pong (JSON, as on the WebSocket)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(
            responseCode = "400",
            description = "The reply is an error frame {type: error, code, message} (429 when rate limited)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(
            responseCode = "403",
            description = "The connection belongs to another user (not_owner)",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "No open SSE connection with this id",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public void command(
            @Suspended AsyncResponse async,
            @PathParam("connectionId") String connectionId,
            @RequestBody(
                            required = true,
                            description = "One command frame, as on the WebSocket (docs/protocol.md)",
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema = @Schema(type = SchemaType.OBJECT)))
                    String body) {
        // Asynchronous: the reply may wait for the application's authorization hook (docs/authorization.md), and no
        // container thread waits for it.
        try {
            command(connectionId, body, async);
        } catch (RuntimeException e) {
            async.resume(e);
        }
    }

    private void command(String connectionId, String body, AsyncResponse async) {
        SseChannel ch = owned(connectionId);
        if (body != null && body.length() > config.maxFrameBytes()) {
            throw ApiProblem.of(
                    413,
                    "too_big",
                    "command larger than pushhub.ws.max-frame-bytes (" + config.maxFrameBytes() + " bytes)");
        }
        JsonObject command = commandObject(body);
        if (command == null) {
            // Not a JSON object: the decoder names the problem exactly as it would for a WebSocket frame.
            ClientFrame invalid = ClientFrameDecoder.parse(body == null ? "" : body);
            async.resume(reply(ServerFrame.error(
                    null, invalid.problem().code(), invalid.problem().message())));
            return;
        }
        // Give the command an id of our own so its reply can be told apart from the stream; restore the client's.
        String internalId = "sse-" + COMMANDS.incrementAndGet();
        JsonValue clientId = command.get("id");
        ClientFrame frame = ClientFrameDecoder.parse(
                Json.createObjectBuilder(command).add("id", internalId).build().toString());
        CompletableFuture<ServerFrame.Reply> pending = ch.expectReply(internalId);
        String replyId = clientIdText(clientId);
        // At least the hook's time-out and some: a command the hook decides is answered once it has.
        long waitMillis = Math.max(
                TimeUnit.SECONDS.toMillis(REPLY_TIMEOUT_SECONDS),
                config.hookTimeout().toMillis() + 5000);
        pending.orTimeout(waitMillis, TimeUnit.MILLISECONDS).whenComplete((answer, t) -> {
            if (t == null) {
                async.resume(reply(answer.withId(replyId)));
            } else if (t instanceof TimeoutException) {
                ch.forgetReply(internalId);
                async.resume(ApiProblem.of(
                        504,
                        "no_reply",
                        "the hub did not answer within " + waitMillis
                                + " ms (commands beyond the rate limit are dropped without a reply)"));
            } else {
                async.resume(ApiProblem.of(
                        410, "connection_closed", "connection " + connectionId + " closed before it answered"));
            }
        });
        hub.handle(ch.connection(), frame);
    }

    @DELETE
    @Path("{connectionId}")
    @Operation(operationId = "closeEvents", summary = "Close an SSE connection now (what a WebSocket close frame does)")
    @APIResponse(responseCode = "204", description = "Closed")
    @APIResponse(
            responseCode = "403",
            description = "The connection belongs to another user (not_owner)",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "No open SSE connection with this id",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response close(@PathParam("connectionId") String connectionId) {
        transport.disconnect(owned(connectionId), 1000, "closed by the client");
        return Response.noContent().build();
    }

    // ---------------------------------------------------------------- helpers

    /** The caller's identity by the handshake rules (origin, JWT or anonymous cookie), or a 401/403 problem. */
    private Identity identify(boolean createCookie) {
        // An anonymous SSE client without a valid cookie gets one, so its later commands (with the cookie) prove it is
        // the same user. A JWT client needs none.
        return identities
                .resolve(
                        request.getHeader("Origin"),
                        request.getHeader("Host"),
                        headers.getRequestHeaders(),
                        uri.getQueryParameters(),
                        cookies.of(request, response),
                        createCookie)
                .orElseThrow(r -> ApiProblem.of(r.status(), r.code(), r.reason()));
    }

    /** The SSE connection, if the caller is the user who owns it; 404 or 403 otherwise. */
    private SseChannel owned(String connectionId) {
        SseChannel ch = transport.find(connectionId);
        if (ch == null) {
            throw ApiProblem.of(404, "unknown_connection", "no open SSE connection with id " + connectionId);
        }
        // The stream's own secret (from its welcome frame) proves the owner without a cookie: a page of another site
        // over
        // plain HTTP never sends the hub's SameSite=Lax cookie. Without it, the caller must be the stream's user.
        if (ch.commandKeyIs(request.getHeader(COMMAND_KEY_HEADER))) {
            return ch;
        }
        Identity caller = identify(false);
        if (!caller.userId().equals(ch.identity.userId())) {
            throw ApiProblem.of(
                    403,
                    "not_owner",
                    "connection " + connectionId + " belongs to another user; "
                            + "send the commandKey of its welcome frame in " + COMMAND_KEY_HEADER
                            + ", or the same JWT (or pushhub-anon cookie) that opened the stream");
        }
        return ch;
    }

    private static JsonObject commandObject(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try (JsonReader r = Json.createReader(new StringReader(body))) {
            JsonValue v = r.readValue();
            return v instanceof JsonObject o ? o : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String clientIdText(JsonValue id) {
        if (id == null || id.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        String s = id instanceof jakarta.json.JsonString js ? js.getString() : id.toString();
        return s.length() <= 64 ? s : s.substring(0, 64);
    }

    /** 200 with an ack or pong; 400 with an error frame (429 when rate limited, 500 for internal errors). */
    private static Response reply(ServerFrame.Reply frame) {
        int status = 200;
        if (frame instanceof ServerFrame.Error error) {
            status = switch (error.code()) {
                case "rate_limited" -> 429;
                case "authorization_unavailable" -> 503;
                case "internal" -> 500;
                default -> 400;
            };
        }
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(Codec.encode(frame))
                .build();
    }
}
