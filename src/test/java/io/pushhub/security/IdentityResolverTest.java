package io.pushhub.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.config.HubConfig;
import io.pushhub.config.Keys;
import io.pushhub.config.TestConfigs;
import io.pushhub.security.IdentityResolver.AnonymousCookie;
import io.pushhub.security.IdentityResolver.Identified;
import io.pushhub.security.IdentityResolver.Refused;
import io.pushhub.security.IdentityResolver.Result;
import io.pushhub.security.IdentityResolver.Source;
import io.pushhub.testsupport.Jwts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who a caller is, as every way in (WebSocket handshake, SSE, demo jobs) decides it. */
class IdentityResolverTest {

    private static final String HOST = "push.example.com";

    private static IdentityResolver resolver(HubConfig config) throws Exception {
        IdentityResolver r = new IdentityResolver();
        r.config = config;
        r.jwt = JwtVerifierTest.verifier(JwtVerifierTest.pem("jwt/it-public.pem"), "RS256", Jwts.ISSUER);
        return r;
    }

    private static IdentityResolver resolver() throws Exception {
        return resolver(TestConfigs.defaults());
    }

    /** An HTTP session store that records what it was asked; {@code existing} null: the caller has none. */
    private static final class Sessions implements AnonymousCookie {
        final String existing;
        final List<Boolean> asked = new ArrayList<>();

        Sessions(String existing) {
            this.existing = existing;
        }

        @Override
        public String id(boolean create) {
            asked.add(create);
            return existing != null ? existing : create ? "NEW-SESSION" : null;
        }
    }

    private static Result withQueryToken(IdentityResolver r, String token) {
        return r.resolve(null, HOST, Map.of(), Map.of("access_token", List.of(token)), AnonymousCookie.NONE, false);
    }

    @Test
    void aValidJwtIsThatUserWithItsGroups() throws Exception {
        IdentityResolver r = resolver();
        Sessions sessions = new Sessions("S-1");
        Result result = r.resolve(
                "https://" + HOST,
                HOST,
                Map.of(),
                Map.of("access_token", List.of(Jwts.token("alice", List.of("g")))),
                sessions,
                true);
        Identified alice = assertInstanceOf(Identified.class, result);
        assertEquals(Source.TOKEN, alice.source());
        assertEquals(new Identity("alice", false, Set.of("g")), alice.identity());
        assertEquals(List.of(), sessions.asked, "a JWT caller needs no HTTP session, and none is created for it");
    }

    @Test
    void theTokenMayComeAsBearerHeaderOrSubprotocol() throws Exception {
        IdentityResolver r = resolver();
        String token = Jwts.token("henry", List.of());
        for (Map<String, List<String>> headers : List.of(
                Map.of("authorization", List.of("Bearer " + token)),
                Map.of("Sec-WebSocket-Protocol", List.of("pushhub.v1, bearer." + token)))) {
            Result result = r.resolve(null, HOST, headers, Map.of(), AnonymousCookie.NONE, false);
            assertEquals(
                    "henry",
                    assertInstanceOf(Identified.class, result).identity().userId(),
                    "headers " + headers);
        }
        assertEquals(
                "q",
                IdentityResolver.findToken(
                        Map.of("access_token", List.of("q")), Map.of("Authorization", List.of("Bearer h"))),
                "the query parameter comes first");
        assertNull(IdentityResolver.findToken(Map.of(), Map.of("Authorization", List.of("Basic x"))));
    }

    @Test
    void aBadJwtIs401WithTheReason() throws Exception {
        IdentityResolver r = resolver();
        Refused expired = assertInstanceOf(
                Refused.class,
                withQueryToken(r, Jwts.token("late", List.of(), Instant.now().minusSeconds(3600))));
        assertEquals(401, expired.status());
        assertEquals("invalid_token", expired.code());
        assertTrue(expired.reason().startsWith("token expired at "), expired.reason());
        // What a browser page is told (GET /api/connect-check): the category only.
        assertEquals("token_expired", expired.category());
        assertEquals("token invalid: expired", expired.summary());

        Refused stranger = assertInstanceOf(Refused.class, withQueryToken(r, Jwts.signedByStranger("mallory")));
        assertEquals(401, stranger.status());
        assertEquals("invalid_token", stranger.code());
        assertFalse(stranger.reason().isBlank());
        assertEquals("token_invalid", stranger.category());
        assertEquals("token invalid: signature does not verify", stranger.summary());

        Refused wrongIssuer =
                assertInstanceOf(Refused.class, withQueryToken(r, Jwts.withIssuer("eve", "https://other.issuer")));
        assertEquals("token_invalid", wrongIssuer.category());
        assertEquals(
                "token invalid: wrong issuer", wrongIssuer.summary(), "the configured issuer is not told to the page");

        Refused garbage = assertInstanceOf(Refused.class, withQueryToken(r, "nodots"));
        assertEquals(401, garbage.status());
        assertTrue(garbage.reason().contains("not a JWS compact token"), garbage.reason());
    }

    @Test
    void aDisallowedOriginIs403EvenWithAValidToken() throws Exception {
        IdentityResolver r = resolver();
        Sessions sessions = new Sessions(null);
        Result result = r.resolve(
                "https://evil.example",
                HOST,
                Map.of(),
                Map.of("access_token", List.of(Jwts.token("alice", List.of()))),
                sessions,
                true);
        Refused refused = assertInstanceOf(Refused.class, result);
        assertEquals(403, refused.status());
        assertEquals("origin_not_allowed", refused.code());
        assertTrue(refused.reason().contains("https://evil.example"), refused.reason());
        assertTrue(refused.reason().contains("pushhub.ws.allowed-origins"), refused.reason());
        assertEquals("origin_not_allowed", refused.category());
        assertEquals("origin not allowed", refused.summary());
        assertEquals(List.of(), sessions.asked, "a refused caller gets no cookie");
    }

    @Test
    void sameOriginLocalhostAndListedOriginsPass() throws Exception {
        IdentityResolver r = resolver(TestConfigs.with(Keys.WS_ALLOWED_ORIGINS, "https://app.example.com"));
        for (String origin : List.of("https://" + HOST, "http://localhost:3000", "https://app.example.com")) {
            assertInstanceOf(
                    Identified.class, r.resolve(origin, HOST, Map.of(), Map.of(), AnonymousCookie.NONE, false), origin);
        }
        assertInstanceOf(
                Refused.class,
                r.resolve("https://other.example", HOST, Map.of(), Map.of(), AnonymousCookie.NONE, false));
    }

    @Test
    void withoutATokenTheCallerIsTheAnonymousUserOfItsCookie() throws Exception {
        IdentityResolver r = resolver();
        Identified s1 = assertInstanceOf(
                Identified.class, r.resolve(null, HOST, Map.of(), Map.of(), new Sessions("SESSION-1"), false));
        assertEquals(Source.COOKIE, s1.source());
        assertTrue(s1.identity().anonymous());
        assertEquals(Set.of(), s1.identity().groups());
        assertTrue(s1.identity().userId().startsWith("anon-"), s1.identity().userId());
        assertFalse(s1.identity().userId().contains("SESSION"), "the session id must not leak into the user id");
        Result again = r.resolve(null, HOST, Map.of(), Map.of(), new Sessions("SESSION-1"), false);
        assertEquals(s1, again, "same session, same user");
        Result other = r.resolve(null, HOST, Map.of(), Map.of(), new Sessions("SESSION-2"), false);
        assertNotEquals(s1.identity().userId(), ((Identified) other).identity().userId());
    }

    @Test
    void aCookieIsSetOnlyWhenTheCallerAsks() throws Exception {
        IdentityResolver r = resolver();
        Sessions create = new Sessions(null);
        Identified created =
                assertInstanceOf(Identified.class, r.resolve(null, HOST, Map.of(), Map.of(), create, true));
        assertEquals(List.of(true), create.asked);
        assertEquals(Source.COOKIE, created.source());

        Sessions lookOnly = new Sessions(null);
        Identified stranger =
                assertInstanceOf(Identified.class, r.resolve(null, HOST, Map.of(), Map.of(), lookOnly, false));
        assertEquals(List.of(false), lookOnly.asked);
        assertEquals(Source.NONE, stranger.source());
        assertTrue(stranger.identity().anonymous());
        Identified another = (Identified) r.resolve(null, HOST, Map.of(), Map.of(), AnonymousCookie.NONE, false);
        assertNotEquals(
                stranger.identity().userId(),
                another.identity().userId(),
                "callers without a session are random users, never each other");
    }

    @Test
    void withAnonymousDisabledATokenIsRequired() throws Exception {
        IdentityResolver r = resolver(TestConfigs.withAnonymous(false));
        Sessions sessions = new Sessions("S");
        Refused refused = assertInstanceOf(Refused.class, r.resolve(null, HOST, Map.of(), Map.of(), sessions, true));
        assertEquals(401, refused.status());
        assertEquals("token_required", refused.code());
        assertTrue(refused.reason().contains("access_token"), refused.reason());
        assertEquals(List.of(), sessions.asked, "no session is created for a caller that is refused");
        assertEquals(
                "alice",
                ((Identified) withQueryToken(r, Jwts.token("alice", List.of())))
                        .identity()
                        .userId());
    }

    @Test
    void orElseThrowGivesTheIdentityOrThrowsTheRefusal() throws Exception {
        IdentityResolver r = resolver();
        Identity alice = withQueryToken(r, Jwts.token("alice", List.of()))
                .orElseThrow(f -> new IllegalStateException(f.reason()));
        assertEquals("alice", alice.userId());
        Result refused = withQueryToken(r, "nodots");
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> refused.orElseThrow(f -> new IllegalStateException(f.status() + " " + f.code())));
        assertEquals("401 invalid_token", e.getMessage());
    }
}
