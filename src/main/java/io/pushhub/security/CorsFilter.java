package io.pushhub.security;

import io.pushhub.problem.ApiError;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * CORS for what a browser page on another origin calls: the SSE transport ({@code GET /api/events}, {@code POST
 * /api/events/{id}/commands}, {@code DELETE /api/events/{id}}) and the connect check.
 *
 * <ul>
 *   <li>The SSE transport: exactly the origins a WebSocket may come from ({@link OriginPolicy}: {@code
 *       pushhub.ws.allowed-origins}, same origin, localhost) get {@code Access-Control-Allow-Origin: <origin>} with
 *       {@code Access-Control-Allow-Credentials: true} (the stream and its commands carry the anonymous cookie), and
 *       their preflights (commands are JSON POSTs, possibly with an {@code Authorization} header) are answered here
 *       with 204. Any other origin gets no CORS header, and its preflight a 403 {@code origin_not_allowed}.
 *   <li>{@code GET /api/connect-check}: any origin may read it, without credentials ({@code
 *       Access-Control-Allow-Origin: *}), since it is how a page on a refused origin learns why.
 * </ul>
 */
@WebFilter(
        urlPatterns = {"/api/events", "/api/events/*", CorsFilter.CHECK_PATH},
        asyncSupported = true)
public class CorsFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    public static final String CHECK_PATH = "/api/connect-check";

    /** How long a browser may cache a preflight answer, in seconds. */
    static final String MAX_AGE = "600";

    @Inject
    IdentityResolver identities;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!res.getHeaders("Vary").contains("Origin")) {
            res.addHeader("Vary", "Origin"); // answers differ by Origin: caches must not mix them
        }
        String origin = req.getHeader("Origin");
        if (origin == null) {
            chain.doFilter(req, res);
            return;
        }
        boolean preflight = "OPTIONS".equals(req.getMethod()) && req.getHeader("Access-Control-Request-Method") != null;
        String path = req.getRequestURI().substring(req.getContextPath().length());
        if (path.equals(CHECK_PATH)) {
            res.setHeader("Access-Control-Allow-Origin", "*");
            if (preflight) {
                preflightAnswer(res, "GET", "Authorization");
                return;
            }
            chain.doFilter(req, res);
            return;
        }
        if (!identities.originAllowed(origin, req.getHeader("Host"))) {
            if (preflight) {
                new ApiError(
                                403,
                                "origin_not_allowed",
                                "origin " + origin + " may not connect; add it to pushhub.ws.allowed-origins",
                                null)
                        .writeTo(res);
                return;
            }
            chain.doFilter(req, res); // the resource refuses it with 403; the page cannot read why, the check says
            return;
        }
        res.setHeader("Access-Control-Allow-Origin", origin);
        res.setHeader("Access-Control-Allow-Credentials", "true");
        if (preflight) {
            preflightAnswer(
                    res, "GET, POST, DELETE", "Content-Type, Authorization, Last-Event-ID, X-PushHub-Command-Key");
            return;
        }
        chain.doFilter(req, res);
    }

    private static void preflightAnswer(HttpServletResponse res, String methods, String headers) {
        res.setHeader("Access-Control-Allow-Methods", methods);
        res.setHeader("Access-Control-Allow-Headers", headers);
        res.setHeader("Access-Control-Max-Age", MAX_AGE);
        res.setStatus(204);
    }
}
