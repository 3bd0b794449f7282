package io.pushhub.security;

import io.pushhub.ids.Ids;
import io.pushhub.config.HubConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Decides who a WebSocket client is, from what its handshake carried. Used twice per handshake: by {@code
 * HandshakeFilter} to refuse bad ones with an HTTP status before the upgrade, and by the endpoint configurator to
 * attach the identity to the new connection.
 *
 * <p>A JWT is taken from, in order: the {@code access_token} query parameter, an {@code Authorization: Bearer} header,
 * or a WebSocket sub-protocol {@code bearer.<jwt>} offered next to {@code pushhub.v1}. Without one the client is
 * anonymous (if allowed): its user id is derived from the HTTP session id, so tabs that share a browser session share
 * a user, or random when there is no session.
 */
@ApplicationScoped
public class HandshakeAuthenticator {

    public static final String QUERY_PARAM = "access_token";
    public static final String SUBPROTOCOL_PREFIX = "bearer.";

    @Inject
    JwtVerifier jwt;

    @Inject
    HubConfig config;

    private volatile OriginPolicy originPolicy;

    public OriginPolicy originPolicy() {
        OriginPolicy p = originPolicy;
        if (p == null) {
            p = new OriginPolicy(config.allowedOrigins());
            originPolicy = p;
        }
        return p;
    }

    /**
     * @param token the JWT the client presented, or null
     * @param httpSessionId the id of the client's existing HTTP session, or null
     */
    public Identity authenticate(String token, String httpSessionId) throws AuthenticationException {
        if (token != null) {
            try {
                JwtVerifier.Verified v = jwt.verify(token);
                return new Identity(v.userId(), false, v.groups());
            } catch (InvalidTokenException e) {
                throw new AuthenticationException(401, "invalid_token", e.getMessage());
            }
        }
        if (!config.anonymousAllowed()) {
            throw new AuthenticationException(401, "token_required",
                    "anonymous connections are disabled: pass a JWT as ?" + QUERY_PARAM + "=...");
        }
        if (httpSessionId != null) {
            return Identity.anonymous("anon-" + HexFormat.of().formatHex(ApiKeys.sha256(httpSessionId), 0, 8));
        }
        return Identity.anonymous(Ids.anonymousUser());
    }

    /** Finds the token in query parameters, headers (case-insensitive names) and offered sub-protocols. */
    public static String findToken(Map<String, List<String>> params, Map<String, List<String>> headers) {
        List<String> q = params.get(QUERY_PARAM);
        if (q != null && !q.isEmpty() && !q.get(0).isBlank()) {
            return q.get(0).trim();
        }
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            if (h.getKey() == null || h.getValue() == null) {
                continue;
            }
            if (h.getKey().equalsIgnoreCase("Authorization")) {
                for (String v : h.getValue()) {
                    if (v.regionMatches(true, 0, "Bearer ", 0, 7)) {
                        return v.substring(7).trim();
                    }
                }
            } else if (h.getKey().equalsIgnoreCase("Sec-WebSocket-Protocol")) {
                for (String v : h.getValue()) {
                    for (String proto : v.split(",")) {
                        String p = proto.trim();
                        if (p.startsWith(SUBPROTOCOL_PREFIX)) {
                            return p.substring(SUBPROTOCOL_PREFIX.length());
                        }
                    }
                }
            }
        }
        return null;
    }

}
