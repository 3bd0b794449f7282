package io.pushhub.api;

import io.pushhub.problem.ApiError;
import io.pushhub.problem.ApiProblem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns every exception that leaves a resource into the JSON error body of {@link ApiError}. */
public final class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class.getName());

    private ErrorMappers() {}

    /** 4xx/5xx raised by JAX-RS itself (404 unknown path, 405, 415 ...) or by our resources. */
    @Provider
    public static class WebApplication implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            Response r = e.getResponse();
            if (r.hasEntity() && MediaType.APPLICATION_JSON_TYPE.isCompatible(r.getMediaType())) {
                return r;
            }
            int status = r.getStatus();
            String code =
                    r.getStatusInfo().getReasonPhrase().toLowerCase(Locale.ROOT).replace(' ', '_');
            return ApiError.response(status, code, e.getMessage());
        }
    }

    /** A request our own validation refused. */
    @Provider
    public static class Problem implements ExceptionMapper<ApiProblem> {
        @Override
        public Response toResponse(ApiProblem p) {
            return ApiError.of(p);
        }
    }

    /** Anything else is a bug: log it with its stack, answer 500 without one. */
    @Provider
    public static class Unexpected implements ExceptionMapper<RuntimeException> {
        @Override
        public Response toResponse(RuntimeException e) {
            if (e instanceof WebApplicationException w) {
                return new WebApplication().toResponse(w);
            }
            if (e instanceof ApiProblem p) {
                return ApiError.of(p);
            }
            LOG.log(Level.SEVERE, "unexpected error in the push API", e);
            return ApiError.response(500, "internal", "internal error; see the server log");
        }
    }
}
