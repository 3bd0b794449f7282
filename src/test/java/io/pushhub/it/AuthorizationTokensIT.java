package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Subscription and publish rights the backend puts in tokens (docs/authorization.md): the connection token's {@code
 * pushhub.subscribe} / {@code pushhub.publish} claims narrow the configuration's rules and grant the topics the test
 * server leaves to tokens ({@code pushhub.topics.subscribe-token-required=granted:*}); a subscribe token in the
 * subscribe frame grants one topic to one user. A refusal is an error frame with a stable code, and the connection
 * stays usable.
 */
class AuthorizationTokensIT extends HubIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    /** A connection token for {@code user} with extra claims (JSON members, e.g. {@code "pushhub.subscribe":[..]}). */
    private static String tokenWith(String user, String extraClaims) {
        String base = Jwts.claims(user, List.of(), Jwts.ISSUER, Instant.now().plusSeconds(600));
        return Jwts.sign("jwt/it-private.pem", base.substring(0, base.length() - 1) + "," + extraClaims + "}");
    }

    /** A subscribe token: {@code sub}/{@code upn} = user, {@code pushhub.topic} = topic, expiring at {@code exp}. */
    private static String subscribeToken(String user, String topic, Instant exp) {
        String base = Jwts.claims(user, List.of(), Jwts.ISSUER, exp);
        return Jwts.sign(
                "jwt/it-private.pem", base.substring(0, base.length() - 1) + ",\"pushhub.topic\":\"" + topic + "\"}");
    }

    private static WsClient connect(String token) throws Exception {
        return WsClient.connect(WS + "?access_token=" + token);
    }

    private static void assertError(JsonObject reply, String code) {
        assertEquals("error", reply.getString("type"), "reply: " + reply);
        assertEquals(code, reply.getString("code"), "reply: " + reply);
    }

    private static JsonObject subscribeWithToken(WsClient c, String topic, String token) throws Exception {
        return c.request("subscribe", "\"topic\":\"" + topic + "\",\"token\":\"" + token + "\"");
    }

    @Test
    void aSubscribeClaimNarrowsTheTopicsAConnectionMaySubscribeTo() throws Exception {
        try (WsClient c =
                connect(tokenWith("ann-" + RUN, "\"pushhub.subscribe\":[\"news:*\",\"chat:room-" + RUN + "\"]"))) {
            c.subscribe("news:sport-" + RUN);
            c.subscribe("chat:room-" + RUN);
            JsonObject refused = c.request("subscribe", "\"topic\":\"chat:other-" + RUN + "\"");
            assertError(refused, "forbidden_topic");
            assertTrue(refused.getString("message").contains("pushhub.subscribe"), "says why: " + refused);
            c.barrier(); // still usable
            // Without the claim the same topic is allowed by the configuration: the claim narrowed it.
            try (WsClient plain = asUser("ann-" + RUN)) {
                plain.subscribe("chat:other-" + RUN);
            }
        }
    }

    @Test
    void aSubscribeClaimGrantsATopicTheConfigurationLeavesToTokens() throws Exception {
        String topic = "granted:report-" + RUN;
        try (WsClient without = asUser("bob-" + RUN)) {
            JsonObject refused = without.request("subscribe", "\"topic\":\"" + topic + "\"");
            assertError(refused, "forbidden_topic");
            assertTrue(refused.getString("message").contains("subscribe token"), "says what is needed: " + refused);
            without.barrier();
        }
        try (WsClient with = connect(tokenWith("bob-" + RUN, "\"pushhub.subscribe\":\"granted:*\""))) {
            with.subscribe(topic);
            api.post("/api/push", "{\"topic\":\"" + topic + "\",\"data\":{\"n\":1}}", "Bearer it-publisher-key");
            assertEquals(
                    1,
                    with.awaitMessage("the push to " + topic)
                            .getJsonObject("data")
                            .getInt("n"));
        }
    }

    @Test
    void aPublishClaimNarrowsWhereAConnectionMayPublish() throws Exception {
        try (WsClient c = connect(tokenWith("cid-" + RUN, "\"pushhub.publish\":[\"chat:mine-" + RUN + "\"]"))) {
            c.subscribe("chat:mine-" + RUN);
            c.subscribe("chat:theirs-" + RUN);
            JsonObject ok = c.request("publish", "\"topic\":\"chat:mine-" + RUN + "\",\"data\":\"hi\"");
            assertEquals("ack", ok.getString("type"), "reply: " + ok);
            JsonObject refused = c.request("publish", "\"topic\":\"chat:theirs-" + RUN + "\",\"data\":\"hi\"");
            assertError(refused, "publish_not_allowed");
            assertTrue(refused.getString("message").contains("pushhub.publish"), "says why: " + refused);
            c.barrier();
        }
    }

    @Test
    void aSubscribeTokenLetsItsUserSubscribeToItsTopic() throws Exception {
        String user = "dee-" + RUN;
        String topic = "granted:order-" + RUN;
        try (WsClient c = asUser(user)) {
            JsonObject ack = subscribeWithToken(
                    c, topic, subscribeToken(user, topic, Instant.now().plusSeconds(60)));
            assertEquals("ack", ack.getString("type"), "reply: " + ack);
            api.post("/api/push", "{\"topic\":\"" + topic + "\",\"data\":\"shipped\"}", "Bearer it-publisher-key");
            assertEquals("shipped", c.awaitMessage("the push").getString("data"));
        }
    }

    @Test
    void aSubscribeTokenForAnotherUserTopicOrTimeIsRefusedAndTheConnectionStaysUsable() throws Exception {
        String user = "eve-" + RUN;
        String topic = "granted:order-" + RUN;
        try (WsClient c = asUser(user)) {
            JsonObject other = subscribeWithToken(
                    c,
                    topic,
                    subscribeToken("frank-" + RUN, topic, Instant.now().plusSeconds(60)));
            assertError(other, "subscribe_token_invalid");
            assertTrue(other.getString("message").contains("another user"), "reply: " + other);
            JsonObject wrongTopic = subscribeWithToken(
                    c,
                    topic,
                    subscribeToken(
                            user, "granted:elsewhere-" + RUN, Instant.now().plusSeconds(60)));
            assertError(wrongTopic, "subscribe_token_invalid");
            assertTrue(wrongTopic.getString("message").contains("another topic"), "reply: " + wrongTopic);
            JsonObject expired = subscribeWithToken(
                    c, topic, subscribeToken(user, topic, Instant.now().minusSeconds(600)));
            assertError(expired, "subscribe_token_invalid");
            assertTrue(expired.getString("message").contains("expired"), "reply: " + expired);
            JsonObject forged = subscribeWithToken(c, topic, Jwts.signedByStranger(user));
            assertError(forged, "subscribe_token_invalid");
            JsonObject notAString = c.request("subscribe", "\"topic\":\"" + topic + "\",\"token\":42");
            assertError(notAString, "missing_field");
            c.barrier();
            c.subscribe("chat:after-" + RUN); // still usable
        }
    }

    @Test
    void aSubscribeTokenDoesNotOpenAConnection() throws Exception {
        String user = "gus-" + RUN;
        String token = subscribeToken(user, "granted:x-" + RUN, Instant.now().plusSeconds(60));
        // The connect check answers as the handshake would (the same IdentityResolver).
        var r = api.get("/api/connect-check", "Bearer " + token);
        assertEquals(401, r.status(), "connect check: " + r.body());
        assertTrue(r.body().contains("token_invalid"), r.body());
        assertThrows(Exception.class, () -> connect(token).close(), "a handshake with a subscribe token is refused");
    }
}
