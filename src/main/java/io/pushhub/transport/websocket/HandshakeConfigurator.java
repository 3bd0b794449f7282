package io.pushhub.transport.websocket;

import io.pushhub.security.AnonymousCookies;
import io.pushhub.security.Identity;
import io.pushhub.security.IdentityResolver;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;

/**
 * Attaches the client's {@link Identity} to the new session (WebSocket 2.1 gives each handshake its own copy of the
 * user properties). Refusals with an HTTP status happen earlier, in {@link HandshakeFilter}; a handshake that still
 * fails here (e.g. a token that expired in between) gets no identity and is closed with 1008 on open.
 *
 * <p>Endpoint instances still come from the container's default configurator, so they are CDI beans.
 */
public class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

    static final String IDENTITY = "pushhub.identity";
    static final String REFUSAL = "pushhub.refusal";

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        IdentityResolver identities =
                CDI.current().select(IdentityResolver.class).get();
        // No Origin: HandshakeFilter checked it, with the Host header, before the upgrade.
        IdentityResolver.Result who = identities.resolve(
                null,
                null,
                request.getHeaders(),
                request.getParameterMap(),
                CDI.current().select(AnonymousCookies.class).get().of(request.getHeaders()),
                false);
        if (who instanceof IdentityResolver.Identified i) {
            sec.getUserProperties().put(IDENTITY, i.identity());
        } else if (who instanceof IdentityResolver.Refused r) {
            sec.getUserProperties().put(REFUSAL, r.reason());
        }
    }

    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        // Only ever select pushhub.v1; a "bearer.<jwt>" offer carries the token and is never echoed back.
        for (String p : requested) {
            if (supported.contains(p)) {
                return p;
            }
        }
        return "";
    }
}
