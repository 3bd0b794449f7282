package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.PushResult;
import io.pushhub.Target;
import io.pushhub.broker.Publication;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where a push goes after the API, and what comes in from other nodes ({@link ClusterRelay}). */
class ClusterRelayTest {

    private final HubHarness h = new HubHarness(Map.of("pushhub.history.topics", "feed"));

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void historyTopicsGetConsecutiveOffsetsOfOneEpochAndOtherTopicsNone() throws Exception {
        HubHarness.Client c = h.open("u");
        c.subscribe("feed");
        c.subscribe("news");
        for (int i = 0; i < 3; i++) {
            h.hub.relay()
                    .push(
                            Target.topics(List.of("feed", "news")),
                            Json.createValue(i),
                            h.hub.relay().nextMessageId());
        }
        List<JsonObject> feed = c.messages().stream()
                .filter(m -> m.getString("topic").equals("feed"))
                .toList();
        List<JsonObject> news = c.messages().stream()
                .filter(m -> m.getString("topic").equals("news"))
                .toList();
        assertEquals(
                List.of(1, 2, 3), feed.stream().map(m -> m.getInt("offset")).toList());
        assertEquals(1, feed.stream().map(m -> m.getString("epoch")).distinct().count());
        assertTrue(news.stream().noneMatch(m -> m.containsKey("offset")), "no history, no offsets: " + news);
    }

    @Test
    void aRepeatedIdempotencyKeyIsDeliveredOnceAndAnsweredWithTheFirstMessageId() throws Exception {
        HubHarness.Client c = h.open("u");
        c.subscribe("feed");
        ClusterRelay relay = h.hub.relay();
        io.pushhub.Push push = io.pushhub.Push.to(Target.topics(List.of("feed", "news")), Json.createValue(1))
                .withIdempotencyKey("order-1");
        String firstId = relay.nextMessageId();
        PushResult first = relay.push(push, firstId);
        PushResult again = relay.push(push, relay.nextMessageId());
        assertFalse(first.duplicate());
        assertEquals(1, first.reached());
        assertTrue(again.duplicate());
        assertEquals(firstId, again.messageId(), "the first push's id");
        assertEquals(0, again.reached());
        List<JsonObject> got = c.messages();
        assertEquals(1, got.size(), "delivered once: " + got);
        assertEquals(1, got.get(0).getInt("offset"), "the history topic's offset is taken once");
        assertEquals(1, h.hub.stats.duplicatesCount().sum());
    }

    @Test
    void anAlreadyExpiredPushIsNotDeliveredAndCounted() throws Exception {
        HubHarness.Client c = h.open("u");
        c.subscribe("feed");
        PushResult r = h.hub.relay()
                .push(
                        io.pushhub.Push.to(Target.topics(List.of("feed")), Json.createValue(1))
                                .withExpiresAt(java.time.Instant.now().minusMillis(1)),
                        h.hub.relay().nextMessageId());
        assertEquals(0, r.reached());
        assertTrue(c.messages().isEmpty(), "nothing delivered");
        assertEquals(1, h.hub.stats.expiredBeforePushCount().sum());
        h.hub.relay()
                .push(
                        io.pushhub.Push.to(Target.topics(List.of("feed")), Json.createValue(2))
                                .withTtl(java.time.Duration.ofMinutes(1)),
                        h.hub.relay().nextMessageId());
        JsonObject m = c.awaitMessage();
        assertTrue(m.getJsonNumber("expiresAt").longValue() > System.currentTimeMillis(), "carries its expiry: " + m);
    }

    @Test
    void aSingleNodePushReportsNoClusterAndAMessageIdOfThisNode() {
        PushResult r = h.hub.relay()
                .push(Target.all(), Json.createValue(1), h.hub.relay().nextMessageId());
        assertNull(r.cluster(), "the memory broker has no other nodes");
        assertTrue(r.messageId().startsWith("m-" + h.hub.nodeId() + "-"), r.messageId());
    }

    @Test
    void aNodeTopicIsFedLocallyWithoutHistory() throws Exception {
        h.hub.relay().declareLocalTopic("feed"); // even a topic the history config names
        assertNull(h.hub.relay().policy("feed"));
        HubHarness.Client c = h.open("u");
        JsonObject ack = c.subscribe("feed");
        assertFalse(ack.containsKey("recovery"), "no position for a node topic: " + ack);
        assertEquals(1, h.hub.relay().pushLocal("feed", Json.createValue("tick")));
        assertFalse(c.awaitMessage().containsKey("offset"));
    }

    @Test
    void publicationsOfOtherNodesReachLocalRecipientsAndOurOwnEchoIsIgnored() throws Exception {
        HubHarness.Client alice = h.open("alice");
        h.hub.relay()
                .fromCluster(new Publication(
                        "other-node",
                        Publication.Kind.USERS,
                        List.of("alice"),
                        "m-x-1",
                        null,
                        1L,
                        Json.createValue("from afar"),
                        0,
                        null));
        h.hub.relay()
                .fromCluster(new Publication(
                        h.hub.nodeId(),
                        Publication.Kind.USERS,
                        List.of("alice"),
                        "m-y-1",
                        null,
                        1L,
                        Json.createValue("echo"),
                        0,
                        null));
        List<JsonObject> got = alice.messages();
        assertEquals(
                List.of("m-x-1"),
                got.stream().map(m -> m.getString("messageId")).toList(),
                "delivered once, never the echo of our own push: " + got);
    }
}
