package io.pushhub.security;

import io.pushhub.config.HubConfig;
import io.pushhub.problem.ApiError;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/**
 * Lets a request to a {@link Publisher} resource through only with publisher credentials: an API key (as {@code
 * Authorization: Bearer <key>} or {@code X-API-Key: <key>}) or a JWT whose {@code groups} contain {@code
 * pushhub.jwt.publisher-group}. No or bad credentials: 401; a valid JWT without the group: 403. Both with a JSON body.
 */
@Provider
@Publisher
@Priority(Priorities.AUTHENTICATION)
public class PublisherAuthFilter implements ContainerRequestFilter {

    @Inject
    ApiKeys apiKeys;

    @Inject
    JwtVerifier jwt;

    @Inject
    HubConfig config;

    @Override
    public void filter(ContainerRequestContext request) {
        String key = request.getHeaderString("X-API-Key");
        if (key != null) {
            if (!apiKeys.matches(key.trim())) {
                request.abortWith(ApiError.unauthorized("invalid API key"));
            }
            return;
        }
        String auth = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            request.abortWith(ApiError.unauthorized(
                    "credentials required: 'Authorization: Bearer <API key or JWT>' or 'X-API-Key: <API key>'"));
            return;
        }
        String credential = auth.substring(7).trim();
        if (apiKeys.matches(credential)) {
            return;
        }
        if (!JwtVerifier.looksLikeJwt(credential)) {
            request.abortWith(ApiError.unauthorized("invalid API key"));
            return;
        }
        try {
            JwtVerifier.Verified v = jwt.verify(credential);
            if (!v.groups().contains(config.publisherGroup())) {
                request.abortWith(ApiError.forbidden(
                        "user '" + v.userId() + "' is not in group '" + config.publisherGroup() + "'"));
            }
        } catch (InvalidTokenException e) {
            request.abortWith(ApiError.unauthorized("invalid token: " + e.getMessage()));
        }
    }
}
