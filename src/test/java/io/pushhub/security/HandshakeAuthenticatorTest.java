package io.pushhub.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.config.TestConfigs;
import io.pushhub.testsupport.Jwts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandshakeAuthenticatorTest {

    private static HandshakeAuthenticator authenticator(boolean anonymousAllowed) throws Exception {
        HandshakeAuthenticator a = new HandshakeAuthenticator();
        a.config = TestConfigs.withAnonymous(anonymousAllowed);
        a.jwt = JwtVerifierTest.verifier(JwtVerifierTest.pem("jwt/it-public.pem"), "RS256", Jwts.ISSUER);
        return a;
    }

    @Test
    void anonymousUsersComeFromTheHttpSessionOrAreRandom() throws Exception {
        HandshakeAuthenticator a = authenticator(true);
        Identity s1 = a.authenticate(null, "SESSION-1");
        assertTrue(s1.anonymous());
        assertEquals(s1, a.authenticate(null, "SESSION-1"), "same session, same user");
        assertNotEquals(s1.userId(), a.authenticate(null, "SESSION-2").userId());
        assertFalse(s1.userId().contains("SESSION"), "the session id must not leak into the user id");
        assertNotEquals(a.authenticate(null, null).userId(), a.authenticate(null, null).userId());
    }

    @Test
    void withAnonymousDisabledATokenIsRequired() throws Exception {
        HandshakeAuthenticator a = authenticator(false);
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> a.authenticate(null, "S"));
        assertEquals(401, e.status());
        assertEquals("token_required", e.code());
        Identity alice = a.authenticate(Jwts.token("alice", List.of("g")), null);
        assertEquals("alice", alice.userId());
        assertFalse(alice.anonymous());
        assertEquals(java.util.Set.of("g"), alice.groups());
    }

    @Test
    void tokenIsFoundInQueryHeaderOrSubprotocol() {
        assertEquals("q", HandshakeAuthenticator.findToken(Map.of("access_token", List.of("q")), Map.of()));
        assertEquals("h", HandshakeAuthenticator.findToken(Map.of(), Map.of("authorization", List.of("Bearer h"))));
        assertEquals("p", HandshakeAuthenticator.findToken(Map.of(),
                Map.of("Sec-WebSocket-Protocol", List.of("pushhub.v1, bearer.p"))));
        assertEquals(null, HandshakeAuthenticator.findToken(Map.of(), Map.of("Authorization", List.of("Basic x"))));
    }
}
