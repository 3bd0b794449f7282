package io.pushhub.api;

import io.pushhub.api.dto.ConnectCheck;
import io.pushhub.problem.ApiError;
import io.pushhub.problem.ApiProblem;
import io.pushhub.security.IdentityResolver;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/connect-check}: why a handshake was refused, for the page that was refused. A browser shows a page
 * neither the status of a refused WebSocket handshake nor that of a refused EventSource, so {@code pushhub.js} asks
 * here after a connection attempt failed, with the same {@code Origin} and token ({@code Authorization: Bearer}).
 * Any origin may read the answer (CORS {@code *}, no credentials: see {@code security.CorsFilter}).
 *
 * <p>It tells only the category: {@code origin_not_allowed} ("origin not allowed"), {@code token_expired} ("token
 * invalid: expired"), {@code token_invalid} ("token invalid: signature does not verify", "...: wrong issuer", ...) or
 * {@code token_required}; never the configured origins, issuer or audiences (the server log has the full reason). It
 * costs what a handshake costs (an origin check and at most one JWT verification), keeps nothing and sets no cookie.
 */
@Path("connect-check")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "clients", description = "What browser clients call besides their transport")
public class ConnectCheckResource {

    @Inject
    IdentityResolver identities;

    @Context
    HttpServletRequest request;

    @Context
    HttpHeaders headers;

    @GET
    @Operation(
            operationId = "connectCheck",
            summary = "Would a WebSocket or SSE connection from this page, with this token, be accepted? If not, why",
            description = "Asked by pushhub.js after a refused handshake. Answers only the category of a refusal: "
                    + "origin_not_allowed, token_expired, token_invalid or token_required. The token, if any, as "
                    + "'Authorization: Bearer <jwt>'. Readable from any origin (CORS *).")
    @APIResponse(
            responseCode = "200",
            description = "Would be accepted",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ConnectCheck.class)))
    @APIResponse(
            responseCode = "401",
            description = "token_expired, token_invalid or token_required",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "403",
            description = "origin_not_allowed",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public ConnectCheck check() {
        // The token only as a header (never in a URL); no anonymous cookie is looked at or set.
        IdentityResolver.Result who = identities.resolve(
                request.getHeader("Origin"),
                request.getHeader("Host"),
                headers.getRequestHeaders(),
                Map.of(),
                IdentityResolver.AnonymousCookie.NONE,
                false);
        if (who instanceof IdentityResolver.Refused r) {
            throw ApiProblem.of(r.status(), r.category(), r.summary());
        }
        return new ConnectCheck(true);
    }
}
