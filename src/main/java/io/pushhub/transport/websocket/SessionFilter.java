package io.pushhub.transport.websocket;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Gives a browser that opens the console page an HTTP session, so all of its tabs connect as the same anonymous user
 * (the way a Spring handshake interceptor copies the HTTP session into the WebSocket session).
 */
@WebFilter(
        urlPatterns = {"", "/index.html"},
        dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.FORWARD})
public class SessionFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        req.getSession(true);
        chain.doFilter(req, res);
    }
}
