package io.pushhub.problem;

import io.pushhub.protocol.Codec;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Every REST error has the same JSON body: {@code {"status":400,"error":"bad_request","message":"..."}}, plus
 * {@code connections} for unknown connection ids. {@code error} is a stable code clients may switch on. This record is
 * that body (written by JSON-B, described in {@code /openapi} as {@code ApiError}); the static methods make responses
 * with it.
 *
 * @param status the HTTP status, repeated
 * @param error the stable error code
 * @param message what was wrong, for people (never null: empty when there is nothing to say)
 * @param connections the unknown connection ids of a 404 {@code unknown_connections}, else null (left out)
 */
@Schema(description = "The body of every 4xx/5xx answer")
@JsonbNillable(false)
@JsonbPropertyOrder({"status", "error", "message", "connections"})
public record ApiError(
        @Schema(required = true, description = "The HTTP status code, repeated", example = "400")
        int status,

        @Schema(
                required = true,
                description = "A stable error code to switch on, e.g. bad_request, bad_json, "
                        + "invalid_topic, unauthorized, forbidden, not_found, unknown_connections, payload_too_large, "
                        + "too_many_scheduled, broker_unavailable, internal",
                example = "bad_request")
        String error,

        @Schema(required = true, description = "What was wrong, for people")
        String message,

        @Schema(description = "Only for unknown_connections: the connection ids that name no open connection")
        List<String> connections) {

    public ApiError {
        message = message == null ? "" : message;
        connections = connections == null ? null : List.copyOf(connections);
    }

    /** The body for a problem. */
    public static ApiError from(ApiProblem p) {
        return new ApiError(p.status(), p.code(), p.getMessage(), p.connections());
    }

    public static Response of(ApiProblem p) {
        return json(from(p));
    }

    public static Response response(int status, String code, String message) {
        return json(new ApiError(status, code, message, null));
    }

    public static Response unauthorized(String message) {
        return Response.fromResponse(response(401, "unauthorized", message))
                .header("WWW-Authenticate", "Bearer realm=\"pushhub\"")
                .build();
    }

    public static Response forbidden(String message) {
        return response(403, "forbidden", message);
    }

    /**
     * This body as JSON text, for the places that answer outside JAX-RS (servlet filters and error pages): the same
     * JSON-B mapping JAX-RS uses for the entity, through the hub's one shared {@link Jsonb}.
     */
    public String toJson() {
        return Codec.jsonb().toJson(this);
    }

    /**
     * Answers a servlet request with this body (status, JSON, UTF-8, length): for the filters and error pages that answer
     * before JAX-RS.
     */
    public void writeTo(HttpServletResponse res) throws IOException {
        byte[] body = toJson().getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType(MediaType.APPLICATION_JSON);
        res.setCharacterEncoding("UTF-8");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }

    private static Response json(ApiError body) {
        return Response.status(body.status())
                .type(MediaType.APPLICATION_JSON)
                .entity(body)
                .build();
    }
}
