package io.pushhub.security;

import io.pushhub.config.HubConfig;
import io.pushhub.ids.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Who is calling, decided in one place for every way in: the WebSocket handshake (its filter and its configurator),
 * the SSE stream and its commands, and the demo job endpoint. In order:
 *
 * <ol>
 *   <li><b>Origin.</b> A browser page's {@code Origin} must be allowed by {@link OriginPolicy} ({@code
 *       pushhub.ws.allowed-origins}, same origin, localhost), else 403 {@code origin_not_allowed}. A request without
 *       an Origin (not a browser, or a caller whose origin was already checked) passes.
 *   <li><b>Token.</b> A JWT from, in order, the {@code access_token} query parameter, an {@code Authorization: Bearer}
 *       header, or a WebSocket sub-protocol {@code bearer.<jwt>} offered next to {@code pushhub.v1}. A valid one is
 *       that user; any other is 401 {@code invalid_token} with the reason.
 *   <li><b>Anonymous.</b> Without a token: 401 {@code token_required} when {@code pushhub.ws.anonymous} is off; else
 *       the anonymous user of the browser's signed {@code pushhub-anon} cookie ({@link AnonymousCookies}: tabs of a
 *       browser share a user, across server restarts and cluster nodes; the cookie itself is never shown), or, with
 *       no valid cookie, a random user nobody else can be.
 * </ol>
 */
@ApplicationScoped
public class IdentityResolver {

    public static final String QUERY_PARAM = "access_token";
    public static final String SUBPROTOCOL_PREFIX = "bearer.";

    @Inject
    JwtVerifier jwt;

    @Inject
    HubConfig config;

    private volatile OriginPolicy originPolicy;

    /** The id of the caller's valid anonymous cookie, or null; with {@code create} a new cookie may be set. */
    @FunctionalInterface
    public interface AnonymousCookie {
        String id(boolean create);

        /** A caller without an anonymous cookie. */
        AnonymousCookie NONE = create -> null;
    }

    /** How the identity was established. */
    public enum Source {
        /** A valid JWT. */
        TOKEN,
        /** The anonymous user of the caller's signed cookie. */
        COOKIE,
        /** Neither: a random anonymous user, whom no earlier connection can have been. */
        NONE
    }

    /** What {@link #resolve} decided: an {@link Identified} caller, or a {@link Refused} one. */
    public sealed interface Result permits Identified, Refused {

        /** The identity, or {@code refusal} applied to the refusal, thrown. */
        default <X extends Exception> Identity orElseThrow(Function<? super Refused, X> refusal) throws X {
            if (this instanceof Identified i) {
                return i.identity();
            }
            throw refusal.apply((Refused) this);
        }
    }

    /** @param identity never null */
    public record Identified(Identity identity, Source source) implements Result {}

    /**
     * @param status the HTTP status to answer with: 401 or 403
     * @param code short error code: {@code origin_not_allowed}, {@code invalid_token}, {@code token_required}
     * @param reason one sentence for the caller (never echoes the token)
     * @param category what a browser page may be told (the connect check): {@code origin_not_allowed}, {@code
     *     token_expired}, {@code token_invalid} or {@code token_required}
     * @param summary the same in a few words, e.g. {@code token invalid: expired}; nothing of the configuration
     */
    public record Refused(int status, String code, String reason, String category, String summary) implements Result {}

    /**
     * Decides who is calling.
     *
     * @param origin the {@code Origin} header, or null (not a browser, or already checked)
     * @param host the {@code Host} header, or null
     * @param headers request headers (names in any case)
     * @param queryParams query parameters ({@code access_token}); empty where a token may only come as a header
     * @param cookie the caller's anonymous cookie; asked only when there is no token, and to set one only with {@code
     *     createCookie}
     * @param createCookie whether an anonymous caller without a valid cookie gets one (so its later requests, carrying
     *     the cookie, are the same user)
     */
    public Result resolve(
            String origin,
            String host,
            Map<String, List<String>> headers,
            Map<String, List<String>> queryParams,
            AnonymousCookie cookie,
            boolean createCookie) {
        if (!originPolicy().allows(origin, host)) {
            return new Refused(
                    403,
                    "origin_not_allowed",
                    "origin " + origin + " may not connect; add it to pushhub.ws.allowed-origins",
                    "origin_not_allowed",
                    "origin not allowed");
        }
        String token = findToken(queryParams, headers);
        if (token != null) {
            try {
                JwtVerifier.Verified v = jwt.verify(token);
                return new Identified(new Identity(v.userId(), false, v.groups(), v.grants()), Source.TOKEN);
            } catch (InvalidTokenException e) {
                InvalidTokenException.Category c = e.category();
                return new Refused(
                        401,
                        "invalid_token",
                        e.getMessage(),
                        c == InvalidTokenException.Category.EXPIRED ? "token_expired" : "token_invalid",
                        "token invalid: " + c.text());
            }
        }
        if (!config.anonymousAllowed()) {
            return new Refused(
                    401,
                    "token_required",
                    "anonymous connections are disabled: pass a JWT as ?" + QUERY_PARAM + "=...",
                    "token_required",
                    "token required");
        }
        String cookieId = cookie.id(createCookie);
        if (cookieId != null) {
            return new Identified(
                    Identity.anonymous("anon-" + HexFormat.of().formatHex(ApiKeys.sha256("anon:" + cookieId), 0, 8)),
                    Source.COOKIE);
        }
        return new Identified(Identity.anonymous(Ids.anonymousUser()), Source.NONE);
    }

    /** Whether a browser page from {@code origin} may connect ({@link OriginPolicy}); true without an Origin. */
    public boolean originAllowed(String origin, String host) {
        return originPolicy().allows(origin, host);
    }

    private OriginPolicy originPolicy() {
        OriginPolicy p = originPolicy;
        if (p == null) {
            p = new OriginPolicy(config.allowedOrigins());
            originPolicy = p;
        }
        return p;
    }

    /** Finds the token in query parameters, headers (case-insensitive names) and offered sub-protocols. */
    static String findToken(Map<String, List<String>> params, Map<String, List<String>> headers) {
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
