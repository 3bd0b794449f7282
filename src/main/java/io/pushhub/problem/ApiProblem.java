package io.pushhub.problem;

import java.util.List;

/**
 * A request the API refuses: HTTP status, stable error code, message, and (for unknown connections) the ids at fault.
 * Thrown by validation code that knows nothing of JAX-RS; {@code io.pushhub.api.ErrorMappers} renders it as the JSON error body.
 */
public final class ApiProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;
    private final List<String> connections;

    private ApiProblem(int status, String code, String message, List<String> connections) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.connections = connections;
    }

    public static ApiProblem of(int status, String code, String message) {
        return new ApiProblem(status, code, message, null);
    }

    public static ApiProblem badRequest(String message) {
        return of(400, "bad_request", message);
    }

    public static ApiProblem unknownConnections(List<String> ids) {
        return new ApiProblem(
                404, "unknown_connections", "no open connection with id " + String.join(", ", ids), List.copyOf(ids));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The unknown connection ids, or null. */
    public List<String> connections() {
        return connections;
    }
}
