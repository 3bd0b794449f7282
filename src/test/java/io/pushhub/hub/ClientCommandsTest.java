package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.Target;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a client may ask over its connection, answered by {@link ClientCommands} in a hub without a server. */
class ClientCommandsTest {

    private HubHarness h;

    private HubHarness hub(Map<String, String> config) {
        h = new HubHarness(config);
        return h;
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void subscribeIsAckedAndReservedOrOtherUsersTopicsAreRefusedWithTheReason() throws Exception {
        HubHarness.Client alice = hub(Map.of()).open("alice");
        JsonObject ack = alice.subscribe("news");
        assertEquals("ack", ack.getString("type"), "got " + ack);
        assertEquals("subscribe", ack.getString("for"));
        assertEquals("news", ack.getString("topic"));

        JsonObject reserved = alice.subscribe("$sys");
        assertEquals("forbidden_topic", reserved.getString("code"), "got " + reserved);
        JsonObject other = alice.subscribe("user:bob");
        assertEquals("forbidden_topic", other.getString("code"), "got " + other);
        assertTrue(other.getString("message").contains("bob"), "names whose topic it is: " + other);
        JsonObject bad = alice.subscribe("a b");
        assertEquals("invalid_topic", bad.getString("code"), "got " + bad);
        assertEquals(Map.of("news", 1), h.hub.registry().topicCounts(), "only the valid subscribe counts");
    }

    @Test
    void theSubscriptionLimitIsEnforcedAndNamed() throws Exception {
        HubHarness.Client c = hub(Map.of("pushhub.ws.max-subscriptions", "2")).open("u");
        c.subscribe("a");
        c.subscribe("b");
        JsonObject third = c.subscribe("c");
        assertEquals("too_many_subscriptions", third.getString("code"), "got " + third);
        assertTrue(third.getString("message").contains("2"), "names the limit: " + third);
        assertEquals("ack", c.subscribe("a").getString("type"), "a repeated subscribe is not a new one");
    }

    @Test
    void publishNeedsAnAllowedTopicAndASubscriptionThenReachesEverySubscriberWithTheSender() throws Exception {
        hub(Map.of());
        HubHarness.Client alice = h.open("alice");
        HubHarness.Client bob = h.open("bob");
        JsonObject notAllowed = alice.request("publish", "\"topic\":\"news\",\"data\":1");
        assertEquals("publish_not_allowed", notAllowed.getString("code"), "got " + notAllowed);
        JsonObject notSubscribed = alice.request("publish", "\"topic\":\"chat:x\",\"data\":1");
        assertEquals("not_subscribed", notSubscribed.getString("code"), "got " + notSubscribed);

        alice.subscribe("chat:x");
        bob.subscribe("chat:x");
        JsonObject ack = alice.request("publish", "\"topic\":\"chat:x\",\"data\":{\"text\":\"hi\"}");
        assertEquals("ack", ack.getString("type"), "got " + ack);
        JsonObject got = bob.awaitMessage();
        assertEquals(ack.getString("messageId"), got.getString("messageId"), "the ack names the message: " + got);
        assertEquals("alice", got.getString("from"));
        assertEquals("{\"text\":\"hi\"}", got.get("data").toString());
    }

    @Test
    void aFloodIsCutByTheRateLimitWithOneNoticeNotOnePerFrame() throws Exception {
        HubHarness.Client c = hub(Map.of("pushhub.ws.rate.per-second", "1", "pushhub.ws.rate.burst", "3"))
                .open("u");
        for (int i = 0; i < 50; i++) {
            c.send("{\"type\":\"echo\",\"id\":\"e" + i + "\",\"data\":" + i + "}");
        }
        JsonObject limited = c.await("rate_limited", f -> "rate_limited".equals(f.getString("code", null)));
        assertTrue(limited.getString("message").contains("1 frames/s"), "names the rate: " + limited);
        Thread.sleep(300); // anything else in flight
        long acks =
                c.seen.stream().filter(f -> "ack".equals(f.getString("type"))).count();
        long notices = c.seen.stream()
                .filter(f -> "rate_limited".equals(f.getString("code", null)))
                .count();
        assertEquals(3, acks, "the burst is served: " + c.seen);
        assertEquals(1, notices, "one notice a second, not one per dropped frame");
    }

    @Test
    void aResumingSubscriberGetsWhatItMissedThenLiveMessagesInOffsetOrder() throws Exception {
        hub(Map.of("pushhub.history.topics", "feed"));
        HubHarness.Client first = h.open("a");
        first.subscribe("feed");
        for (int i = 1; i <= 3; i++) {
            h.hub.relay()
                    .push(
                            Target.topic("feed"),
                            Json.createValue(i),
                            h.hub.relay().nextMessageId());
        }
        List<JsonObject> seen = first.messages();
        assertEquals(3, seen.size(), "got " + seen);
        String epoch = seen.get(0).getString("epoch");

        HubHarness.Client back = h.open("a");
        JsonObject ack =
                back.request("subscribe", "\"topic\":\"feed\",\"since\":{\"offset\":1,\"epoch\":\"" + epoch + "\"}");
        JsonObject recovery = ack.getJsonObject("recovery");
        assertTrue(recovery.getBoolean("recovered"), "got " + ack);
        assertEquals(2, recovery.getInt("replayed"));
        h.hub.relay()
                .push(Target.topic("feed"), Json.createValue(4), h.hub.relay().nextMessageId());
        List<Integer> offsets =
                back.messages().stream().map(m -> m.getInt("offset")).toList();
        assertEquals(List.of(2, 3, 4), offsets, "replay, then live, no gap, no duplicate");
    }

    @Test
    void aResumeFromAnotherEpochSaysSoAndReplaysNothing() throws Exception {
        hub(Map.of("pushhub.history.topics", "feed"));
        h.hub.relay()
                .push(Target.topic("feed"), Json.createValue(1), h.hub.relay().nextMessageId());
        HubHarness.Client c = h.open("a");
        JsonObject ack = c.request("subscribe", "\"topic\":\"feed\",\"since\":{\"offset\":7,\"epoch\":\"gone\"}");
        JsonObject recovery = ack.getJsonObject("recovery");
        assertFalse(recovery.getBoolean("recovered"), "got " + ack);
        assertEquals("epoch_changed", recovery.getString("reason"));
        assertEquals(List.of(), c.messages(), "nothing of an unrelated run of offsets is replayed");
    }
}
