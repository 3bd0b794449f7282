package io.pushhub.problem;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Every REST error has the same JSON body: {@code {"status":400,"error":"bad_request","message":"..."}}, plus
 * {@code connections} for unknown connection ids. {@code error} is a stable code clients may switch on.
 */
public final class ApiError {

    private ApiError() {}

    public static Response of(ApiProblem p) {
        JsonObjectBuilder body = body(p.status(), p.code(), p.getMessage());
        if (p.connections() != null) {
            JsonArrayBuilder arr = Json.createArrayBuilder();
            p.connections().forEach(arr::add);
            body.add("connections", arr);
        }
        return json(p.status(), body);
    }

    public static Response response(int status, String code, String message) {
        return json(status, body(status, code, message));
    }

    public static Response unauthorized(String message) {
        return Response.fromResponse(response(401, "unauthorized", message))
                .header("WWW-Authenticate", "Bearer realm=\"pushhub\"")
                .build();
    }

    public static Response forbidden(String message) {
        return response(403, "forbidden", message);
    }

    private static JsonObjectBuilder body(int status, String code, String message) {
        return Json.createObjectBuilder()
                .add("status", status)
                .add("error", code)
                .add("message", message == null ? "" : message);
    }

    private static Response json(int status, JsonObjectBuilder body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body.build().toString()).build();
    }
}
