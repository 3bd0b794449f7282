package io.pushhub.api;

import io.pushhub.config.HubConfig;
import io.pushhub.problem.ApiError;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses a request body larger than {@code pushhub.push.max-body-bytes} with 413 and the JSON error body, reading at
 * most one byte more than the limit: a declared {@code Content-Length} above it is refused before anything is read;
 * a chunked body (no length) is read up to limit + 1 bytes, and the bytes read are handed on to the resource. Runs
 * after authentication, so only publishers get to send bodies at all.
 */
@Provider
@BodyLimit
@Priority(Priorities.ENTITY_CODER)
public class BodyLimitFilter implements ContainerRequestFilter {

    @Inject
    HubConfig config;

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        int max = config.pushMaxBodyBytes();
        long declared = declaredLength(request);
        if (declared > max) {
            request.abortWith(tooLarge(max, declared + " bytes"));
            return;
        }
        InputStream in = request.getEntityStream();
        if (in == null) {
            return;
        }
        byte[] body = in.readNBytes(max + 1);
        if (body.length > max) {
            request.abortWith(tooLarge(max, "more than " + max + " bytes"));
            return;
        }
        request.setEntityStream(new ByteArrayInputStream(body));
    }

    /**
     * The declared Content-Length, or -1 when there is none or it cannot be read (the bounded read below still
     * applies). Some stacks hand the header over more than once (HTTP/2 upgrades), joined with commas: the largest
     * value counts.
     */
    static long declaredLength(ContainerRequestContext request) {
        java.util.List<String> values = request.getHeaders().get(HttpHeaders.CONTENT_LENGTH);
        long declared = -1;
        if (values == null) {
            return declared;
        }
        for (String v : values) {
            for (String part : v.split(",")) {
                try {
                    declared = Math.max(declared, Long.parseLong(part.trim()));
                } catch (NumberFormatException e) {
                    // unreadable: rely on the bounded read
                }
            }
        }
        return declared;
    }

    private static jakarta.ws.rs.core.Response tooLarge(int max, String got) {
        return ApiError.response(
                413,
                "payload_too_large",
                "request body is " + got + "; at most " + max + " bytes are accepted (pushhub.push.max-body-bytes)");
    }
}
