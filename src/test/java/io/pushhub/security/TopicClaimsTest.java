package io.pushhub.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Jwts;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The topic claims of connection tokens and subscribe tokens, as {@link JwtVerifier} reads them. */
class TopicClaimsTest {

    private static JwtVerifier verifier() throws Exception {
        return JwtVerifierTest.verifier(JwtVerifierTest.pem("jwt/it-public.pem"), "RS256", Jwts.ISSUER);
    }

    private static String token(String user, String extra, Instant exp) {
        String base = Jwts.claims(user, List.of(), Jwts.ISSUER, exp);
        return Jwts.sign(
                "jwt/it-private.pem",
                base.substring(0, base.length() - 1) + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    private static String token(String user, String extra) {
        return token(user, extra, Instant.now().plusSeconds(300));
    }

    @Test
    void claimsBecomeGrantsThatNarrowAndGrant() throws Exception {
        TopicGrants g = verifier()
                .verify(token(
                        "ann", "\"pushhub.subscribe\":[\"news:*\",\"orders:ann-*\"],\"pushhub.publish\":\"chat:x\""))
                .grants();
        assertEquals(List.of("news:*", "orders:ann-*"), g.subscribe());
        assertTrue(g.subscribeGranted("orders:ann-7"));
        assertTrue(g.subscribeWithheld("orders:bob-1"));
        assertFalse(g.publishWithheld("chat:x"));
        assertTrue(g.publishWithheld("chat:y"));
        TopicGrants none = verifier().verify(token("bob", "")).grants();
        assertNull(none.subscribe(), "no claim: no restriction");
        assertFalse(none.subscribeWithheld("anything"));
        assertFalse(none.subscribeGranted("anything"), "and no grant either");
        TopicGrants empty =
                verifier().verify(token("eve", "\"pushhub.subscribe\":[]")).grants();
        assertTrue(empty.subscribeWithheld("news:1"), "an empty claim allows nothing");
    }

    @Test
    void aClaimTheHubCannotReadRefusesTheToken() throws Exception {
        JwtVerifier v = verifier();
        for (String bad : List.of(
                "\"pushhub.subscribe\":42",
                "\"pushhub.subscribe\":[\"ok\",7]",
                "\"pushhub.publish\":{\"a\":1}",
                "\"pushhub.subscribe\":[\"\"]",
                "\"pushhub.subscribe\":[\"" + "x".repeat(257) + "\"]")) {
            InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> v.verify(token("m", bad)), bad);
            assertTrue(e.getMessage().contains("must be a topic glob"), e.getMessage());
        }
    }

    @Test
    void aSubscribeTokenIsCheckedForUserTopicAndExpiryAndOpensNoConnection() throws Exception {
        JwtVerifier v = verifier();
        String ok = token("alice", "\"pushhub.topic\":\"orders:4711\"");
        v.verifySubscribeToken(ok, "alice", "orders:4711");
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verifySubscribeToken(ok, "bob", "orders:4711"))
                .getMessage()
                .contains("another user"));
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verifySubscribeToken(ok, "alice", "orders:1"))
                .getMessage()
                .contains("another topic"));
        String expired = token(
                "alice", "\"pushhub.topic\":\"orders:4711\"", Instant.now().minusSeconds(600));
        assertTrue(
                assertThrows(InvalidTokenException.class, () -> v.verifySubscribeToken(expired, "alice", "orders:4711"))
                        .getMessage()
                        .contains("expired"));
        String noTopic = token("alice", "");
        assertTrue(
                assertThrows(InvalidTokenException.class, () -> v.verifySubscribeToken(noTopic, "alice", "orders:4711"))
                        .getMessage()
                        .contains("pushhub.topic"));
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verify(ok))
                .getMessage()
                .contains("subscribe token"));
    }
}
