package io.pushhub.transport.websocket;

import io.pushhub.hub.HubStats;
import io.pushhub.problem.ApiError;
import io.pushhub.security.AnonymousCookies;
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

    @Inject
    AnonymousCookies cookies;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        Map<String, List<String>> headers = Collections.list(req.getHeaderNames()).stream()
                .collect(Collectors.toMap(h -> h, h -> Collections.list(req.getHeaders(h)), (a, b) -> a));
        Map<String, List<String>> params = req.getParameterMap().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
        IdentityResolver.Result who = identities.resolve(
                req.getHeader("Origin"), req.getHeader("Host"), headers, params, cookies.of(req, res), true);
        if (who instanceof IdentityResolver.Refused r) {
            refuse(res, r.status(), r.code(), r.reason(), req);
            return;
        }
        // An anonymous client without a valid cookie got one on this response (the 101 carries it); the configurator
        // must see the same one, so it is added to the request's Cookie header.
        chain.doFilter(new Handshake(req, AnonymousCookies.mintedIn(req)), res);
    }

    /**
     * The handshake request as the container's upgrade sees it. Liberty's WebSocket handshake calls {@code
     * request.getSession()} and so would create an HTTP session for every connection, kept for the session timeout
     * after the socket is gone; the hub needs none, so {@code getSession()} is {@code getSession(false)} here.
     */
    private static final class Handshake extends jakarta.servlet.http.HttpServletRequestWrapper {
        private final String minted;

        Handshake(HttpServletRequest req, String minted) {
            super(req);
            this.minted = minted;
        }

        @Override
        public HttpSession getSession() {
            return super.getSession(false);
        }

        @Override
        public String getHeader(String name) {
            if (minted != null && "Cookie".equalsIgnoreCase(name)) {
                String c = super.getHeader(name);
                return (c == null || c.isBlank() ? "" : c + "; ") + AnonymousCookies.NAME + "=" + minted;
            }
            return super.getHeader(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaders(String name) {
            if (minted != null && "Cookie".equalsIgnoreCase(name)) {
                List<String> all = new java.util.ArrayList<>(Collections.list(super.getHeaders(name)));
                all.add(AnonymousCookies.NAME + "=" + minted);
                return Collections.enumeration(all);
            }
            return super.getHeaders(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaderNames() {
            if (minted != null && super.getHeader("Cookie") == null) {
                List<String> names = new java.util.ArrayList<>(Collections.list(super.getHeaderNames()));
                names.add("Cookie");
                return Collections.enumeration(names);
            }
            return super.getHeaderNames();
        }
    }

    private void refuse(HttpServletResponse res, int status, String code, String message, HttpServletRequest req)
            throws IOException {
        stats.handshakeRejected();
        LOG.info(() -> "refused WebSocket handshake from " + req.getRemoteAddr() + ": " + status + " " + message);
        if (status == 401) {
            res.setHeader("WWW-Authenticate", "Bearer realm=\"pushhub\"");
        }
        new ApiError(status, code, message, null).writeTo(res);
    }
}
