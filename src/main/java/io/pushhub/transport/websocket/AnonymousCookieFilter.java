package io.pushhub.transport.websocket;

import io.pushhub.security.AnonymousCookies;
import jakarta.inject.Inject;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Gives a browser that opens the console page its signed anonymous cookie ({@link AnonymousCookies}), so all of its
 * tabs connect as the same anonymous user. (A WebSocket handshake or SSE stream without one gets one too.)
 */
@WebFilter(
        urlPatterns = {"", "/index.html"},
        dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.FORWARD})
public class AnonymousCookieFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Inject
    AnonymousCookies cookies;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        cookies.of(req, res).id(true);
        chain.doFilter(req, res);
    }
}
