package io.pushhub.transport.websocket;

import io.pushhub.hub.HubStats;
import io.pushhub.problem.ApiError;
import io.pushhub.security.IdentityResolver;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Checks a WebSocket handshake before the upgrade, so a refused client gets a plain HTTP answer and the socket never
 * opens: 403 for an Origin that is not allowed, 401 for a missing (when anonymous is off) or invalid token. Each with
 * a JSON body saying why.
 */
@WebFilter(urlPatterns = HubEndpoint.PATH, asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(HandshakeFilter.class.getName());

    @Inject
    IdentityResolver identities;

    @Inject
    HubStats stats;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        Map<String, List<String>> headers = Collections.list(req.getHeaderNames()).stream()
                .collect(Collectors.toMap(h -> h, h -> Collections.list(req.getHeaders(h)), (a, b) -> a));
        Map<String, List<String>> params = req.getParameterMap().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
        IdentityResolver.Result who = identities.resolve(
                req.getHeader("Origin"),
                req.getHeader("Host"),
                headers,
                params,
                create -> {
                    HttpSession session = req.getSession(create);
                    return session == null ? null : session.getId();
                },
                false);
        if (who instanceof IdentityResolver.Refused r) {
            refuse(res, r.status(), r.code(), r.reason(), req);
            return;
        }
        // Liberty's WebSocket handshake calls request.getSession() and so creates an HTTP session for every
        // connection, kept for the session timeout after the socket is gone. A client without a session cookie gets
        // none: the handshake sees getSession() as getSession(false). With a cookie the session is looked up as usual.
        chain.doFilter(hasSessionCookie(req) ? req : new NoNewSession(req), res);
    }

    private static boolean hasSessionCookie(HttpServletRequest req) {
        jakarta.servlet.http.Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (jakarta.servlet.http.Cookie c : cookies) {
                if ("JSESSIONID".equalsIgnoreCase(c.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A handshake request on which {@code getSession()} does not create a session. */
    private static final class NoNewSession extends jakarta.servlet.http.HttpServletRequestWrapper {
        NoNewSession(HttpServletRequest req) {
            super(req);
        }

        @Override
        public HttpSession getSession() {
            return super.getSession(false);
        }
    }

    private void refuse(HttpServletResponse res, int status, String code, String message, HttpServletRequest req)
            throws IOException {
        stats.handshakeRejected();
        LOG.info(() -> "refused WebSocket handshake from " + req.getRemoteAddr() + ": " + status + " " + message);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        if (status == 401) {
            res.setHeader("WWW-Authenticate", "Bearer realm=\"pushhub\"");
        }
        res.getWriter().write(new ApiError(status, code, message, null).toJson());
    }
}
