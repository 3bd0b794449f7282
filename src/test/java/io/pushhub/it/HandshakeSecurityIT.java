package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.RawHandshake;
import io.pushhub.testsupport.WsClient;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Origin checks and JWT identity at the WebSocket handshake. A refused handshake never opens a socket. */
class HandshakeSecurityIT extends HubIT {

    private static final URI BASE = URI.create(HTTP);

    private static RawHandshake.Answer handshake(String query, Map<String, String> headers) throws Exception {
        return RawHandshake.send(BASE.getHost(), BASE.getPort(), "/ws" + query, headers);
    }

    @Test
    void foreignOriginIsRefusedWith403() throws Exception {
        RawHandshake.Answer a = handshake("", Map.of("Origin", "https://evil.example"));
        assertEquals(403, a.status(), a.text());
        assertTrue(a.text().contains("origin_not_allowed"), a.text());
    }

    @Test
    void localhostAndSameOriginAreAllowed() throws Exception {
        assertEquals(
                101, handshake("", Map.of("Origin", "http://localhost:3000")).status());
        assertEquals(101, handshake("", Map.of("Origin", HTTP)).status());
        assertEquals(101, handshake("", Map.of()).status(), "a client without Origin (not a browser) is allowed");
    }

    @Test
    void invalidTokensAreRefusedWith401() throws Exception {
        String stranger = Jwts.signedByStranger("mallory");
        String expired = Jwts.token("late", List.of(), Instant.now().minusSeconds(3600));
        String wrongIssuer = Jwts.withIssuer("iss", "https://someone-else.example");
        for (String bad : List.of(stranger, expired, wrongIssuer, "garbage.token.here", "nodots")) {
            RawHandshake.Answer a = handshake("?access_token=" + bad, Map.of());
            assertEquals(401, a.status(), "token " + bad + ": " + a.text());
            assertTrue(a.text().contains("invalid_token"), a.text());
        }
    }

    @Test
    void validTokenSetsTheUserId() throws Exception {
        try (WsClient c = WsClient.connect(WS + "?access_token=" + Jwts.token("alice", List.of()))) {
            assertEquals("alice", c.userId(), "welcome: " + c.welcome());
            assertFalse(c.welcome().getBoolean("anonymous"), "welcome: " + c.welcome());
        }
    }

    @Test
    void tokenInAuthorizationHeaderOrSubprotocolAlsoWorks() throws Exception {
        String token = Jwts.token("henry", List.of());
        try (WsClient h = WsClient.connect(WS, Map.of("Authorization", List.of("Bearer " + token)))) {
            assertEquals("henry", h.userId());
        }
        try (WsClient p = WsClient.connect(WS, Map.of(), List.of("pushhub.v1", "bearer." + token))) {
            assertEquals("henry", p.userId());
            assertEquals("pushhub.v1", p.session().getNegotiatedSubprotocol(), "the token must never be echoed");
        }
    }

    @Test
    void aHandshakeCreatesNoHttpSession() throws Exception {
        // Otherwise every connection would leave an HTTP session behind for the session timeout (30 minutes).
        RawHandshake.Answer a = handshake("", Map.of());
        assertEquals(101, a.status(), a.text());
        String head = a.text().substring(0, a.text().indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
        assertFalse(head.contains("set-cookie: jsessionid"), "the handshake created an HTTP session:\n" + head);
    }

    @Test
    void anAnonymousHandshakeGetsASignedCookieThatKeepsItsUserAndCannotBeForged() throws Exception {
        String cookie;
        String user;
        try (WsClient first = WsClient.connect(WS)) {
            user = first.userId();
            String set = first.setCookies().stream()
                    .filter(c -> c.startsWith("pushhub-anon="))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no anonymous cookie on the 101: " + first.setCookies()));
            assertTrue(set.contains("HttpOnly") && set.contains("SameSite=Lax"), set);
            cookie = set.split(";", 2)[0];
        }
        try (WsClient again = WsClient.connect(WS, Map.of("Cookie", List.of(cookie)))) {
            assertEquals(user, again.userId(), "the cookie of the first handshake is the same user");
            assertEquals(List.of(), again.setCookies(), "a valid cookie is not replaced");
        }
        // Another id with the same signature, or the same id with a changed signature: somebody else.
        String value = cookie.substring("pushhub-anon=".length());
        String id = value.substring(0, value.indexOf('.'));
        String forgedId = (id.charAt(0) == 'A' ? "B" : "A") + id.substring(1) + value.substring(value.indexOf('.'));
        String forgedMac = value.substring(0, value.length() - 1) + (value.endsWith("A") ? "B" : "A");
        for (String forged : List.of(forgedId, forgedMac)) {
            try (WsClient f = WsClient.connect(WS, Map.of("Cookie", List.of("pushhub-anon=" + forged)))) {
                assertTrue(f.welcome().getBoolean("anonymous"));
                assertFalse(user.equals(f.userId()), "a forged cookie " + forged + " was accepted as " + user);
                assertTrue(
                        f.setCookies().stream().anyMatch(c -> c.startsWith("pushhub-anon=")),
                        "a forged cookie is replaced by a new one");
            }
        }
    }

    @Test
    void anonymousClientsWithoutSessionGetDistinctIds() throws Exception {
        try (WsClient a = WsClient.connect(WS);
                WsClient b = WsClient.connect(WS)) {
            assertTrue(a.welcome().getBoolean("anonymous"));
            assertFalse(a.userId().equals(b.userId()), a.userId() + " vs " + b.userId());
        }
    }
}
