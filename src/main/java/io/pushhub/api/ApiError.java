package io.pushhub.api;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Every REST error has the same JSON body: {@code {"status":400,"error":"bad_request","message":"..."}}, with extra
 * fields where useful (e.g. {@code connections} for unknown connection ids). {@code error} is a stable code.
 */
public final class ApiError extends WebApplicationException {

    private static final long serialVersionUID = 1L;

    private ApiError(Response response, String message) {
        super(message, response);
    }

    public static ApiError of(int status, String code, String message) {
        return new ApiError(response(status, code, message, null), message);
    }

    public static ApiError badRequest(String message) {
        return of(400, "bad_request", message);
    }

    public static ApiError unknownConnections(List<String> ids) {
        JsonArrayBuilder arr = Json.createArrayBuilder();
        ids.forEach(arr::add);
        String message = "no open connection with id " + String.join(", ", ids);
        JsonObjectBuilder body = base(404, "unknown_connections", message).add("connections", arr);
        return new ApiError(Response.status(404).type(MediaType.APPLICATION_JSON).entity(body.build().toString()).build(), message);
    }

    public static Response unauthorized(String message) {
        return Response.fromResponse(response(401, "unauthorized", message, null))
                .header("WWW-Authenticate", "Bearer realm=\"pushhub\"")
                .build();
    }

    public static Response forbidden(String message) {
        return response(403, "forbidden", message, null);
    }

    static Response response(int status, String code, String message, JsonObjectBuilder extra) {
        JsonObjectBuilder body = base(status, code, message);
        if (extra != null) {
            body.addAll(extra);
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body.build().toString()).build();
    }

    private static JsonObjectBuilder base(int status, String code, String message) {
        return Json.createObjectBuilder().add("status", status).add("error", code).add("message", message == null ? "" : message);
    }
}
