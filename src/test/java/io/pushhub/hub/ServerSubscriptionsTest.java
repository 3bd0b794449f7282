package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.StickySubscriptionException;
import io.pushhub.Subscriptions;
import io.pushhub.Target;
import io.pushhub.broker.Publication;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Server-side subscriptions of a user's connections ({@link ServerSubscriptions}) in a hub without a server. */
class ServerSubscriptionsTest {

    private HubHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private static boolean isFrame(JsonObject f, String type, String topic) {
        return type.equals(f.getString("type")) && topic.equals(f.getString("topic", null));
    }

    @Test
    void everyConnectionOfTheUserIsSubscribedAndToldThenGetsTheTopicsPushesAndNobodyElseIs() throws Exception {
        h = new HubHarness(Map.of());
        HubHarness.Client tab1 = h.open("alice");
        HubHarness.Client tab2 = h.open("alice");
        HubHarness.Client bob = h.open("bob");

        Subscriptions.Change c = h.hub.subscriptions().subscribe("alice", "room:1", false);
        assertEquals(new Subscriptions.Change("alice", "room:1", 2, 0, 0, false, null, null), c);
        for (HubHarness.Client tab : List.of(tab1, tab2)) {
            JsonObject told = tab.await("subscribed frame", f -> isFrame(f, "subscribed", "room:1"));
            assertEquals("server", told.getString("by"), "got " + told);
        }
        assertEquals(
                2,
                h.hub.relay()
                        .push(Target.topic("room:1"), Json.createValue("hi"), "m-1")
                        .reached());
        assertEquals("room:1", tab1.awaitMessage().getString("topic"));
        assertEquals("room:1", tab2.awaitMessage().getString("topic"));
        assertEquals(List.of(), bob.messages(), "bob was not subscribed");
        assertFalse(bob.seen.stream().anyMatch(f -> "subscribed".equals(f.getString("type"))), "seen " + bob.seen);

        Subscriptions.Change again = h.hub.subscriptions().subscribe("alice", "room:1", false);
        assertEquals(0, again.changed(), "subscribed already: " + again);
        assertEquals(2, again.unchanged());
        assertEquals(
                new Subscriptions.Change("nobody", "room:1", 0, 0, 0, false, null, null),
                h.hub.subscriptions().subscribe("nobody", "room:1", false),
                "an unknown user is no error");
    }

    @Test
    void aConnectionAtItsLimitIsSkippedCountedAndToldWhy() throws Exception {
        h = new HubHarness(Map.of("pushhub.ws.max-subscriptions", "1"));
        HubHarness.Client full = h.open("alice");
        HubHarness.Client free = h.open("alice");
        full.subscribe("mine");
        Subscriptions.Change c = h.hub.subscriptions().subscribe("alice", "news", false);
        assertEquals(1, c.changed(), "got " + c);
        assertEquals(1, c.skipped(), "got " + c);
        JsonObject error = full.await("error", f -> "error".equals(f.getString("type")));
        assertEquals("too_many_subscriptions", error.getString("code"), "got " + error);
        assertTrue(error.getString("message").contains("news"), "names the topic: " + error);
        free.await("subscribed", f -> isFrame(f, "subscribed", "news"));
        assertEquals(Map.of("mine", 1, "news", 1), h.hub.registry().topicCounts());
    }

    @Test
    void aStickySubscriptionReachesTheUsersNextConnectionsUntilItIsDeleted() throws Exception {
        h = new HubHarness(Map.of("pushhub.subscriptions.max-sticky", "2"));
        Subscriptions.Change c = h.hub.subscriptions().subscribe("alice", "team:ops", true);
        assertTrue(c.sticky(), "stored: " + c);
        assertEquals(0, c.changed(), "nobody connected yet");

        HubHarness.Client later = h.open("alice");
        later.await("welcome", f -> "welcome".equals(f.getString("type")));
        later.await("subscribed on open", f -> isFrame(f, "subscribed", "team:ops"));
        assertEquals(
                1,
                h.hub.relay()
                        .push(Target.topic("team:ops"), Json.createValue(1), "m-1")
                        .reached());
        assertEquals(List.of("team:ops"), h.hub.subscriptions().sticky("alice"));

        h.hub.subscriptions().subscribe("alice", "b", true);
        StickySubscriptionException full = assertThrows(
                StickySubscriptionException.class, () -> h.hub.subscriptions().subscribe("alice", "c", true));
        assertTrue(full.full(), "the bound, not the broker: " + full.getMessage());
        assertTrue(full.getMessage().contains("pushhub.subscriptions.max-sticky"), full.getMessage());
        assertFalse(h.hub.registry().topicCounts().containsKey("c"), "nothing changed when refused");

        Subscriptions.Change gone = h.hub.subscriptions().unsubscribe("alice", "team:ops");
        assertEquals(1, gone.changed(), "got " + gone);
        assertTrue(gone.sticky(), "the sticky one was removed: " + gone);
        later.await("unsubscribed", f -> isFrame(f, "unsubscribed", "team:ops"));
        assertEquals(
                0,
                h.hub.relay()
                        .push(Target.topic("team:ops"), Json.createValue(2), "m-2")
                        .reached());
        HubHarness.Client next = h.open("alice");
        next.await("subscribed b", f -> isFrame(f, "subscribed", "b"));
        next.request("ping", "");
        assertFalse(
                next.seen.stream().anyMatch(f -> isFrame(f, "subscribed", "team:ops")),
                "not sticky any more: " + next.seen);
    }

    @Test
    void badTopicsAreRefusedWithTheReasonAndReservedOnesToo() {
        h = new HubHarness(Map.of());
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class, () -> h.hub.subscriptions().subscribe("alice", "a b", false));
        assertTrue(bad.getMessage().contains("characters"), bad.getMessage());
        IllegalArgumentException reserved = assertThrows(
                IllegalArgumentException.class, () -> h.hub.subscriptions().unsubscribe("alice", "$sys"));
        assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
    }

    @Test
    void anotherNodesRequestIsAppliedToThisNodesConnectionsOfTheUser() throws Exception {
        h = new HubHarness(Map.of());
        HubHarness.Client alice = h.open("alice");
        h.hub.relay()
                .fromCluster(new Publication(
                        "other-node",
                        Publication.Kind.SUBSCRIBE,
                        List.of("alice"),
                        "m-x",
                        null,
                        1L,
                        Json.createValue("news"),
                        0,
                        null));
        alice.await("subscribed", f -> isFrame(f, "subscribed", "news"));
        h.hub.relay()
                .fromCluster(new Publication(
                        "other-node",
                        Publication.Kind.UNSUBSCRIBE,
                        List.of("alice"),
                        "m-y",
                        null,
                        2L,
                        Json.createValue("news"),
                        0,
                        null));
        alice.await("unsubscribed", f -> isFrame(f, "unsubscribed", "news"));
        assertEquals(Map.of(), h.hub.registry().topicCounts());
    }

    @Test
    void aClientResumingAStickyTopicAfterAReconnectGetsWhatItMissed() throws Exception {
        h = new HubHarness(Map.of("pushhub.history.topics", "feed:*"));
        h.hub.subscriptions().subscribe("alice", "feed:a", true);
        HubHarness.Client first = h.open("alice");
        first.await("subscribed", f -> isFrame(f, "subscribed", "feed:a"));
        h.hub.relay().push(Target.topic("feed:a"), Json.createValue("seen"), "m-1");
        JsonObject seen = first.awaitMessage();
        String epoch = seen.getString("epoch");
        long offset = seen.getJsonNumber("offset").longValue();
        first.connection.outbox().close();
        h.hub.closed(first.connection);
        h.hub.relay().push(Target.topic("feed:a"), Json.createValue("missed"), "m-2");

        HubHarness.Client again = h.open("alice");
        again.await("sticky subscribed", f -> isFrame(f, "subscribed", "feed:a"));
        JsonObject ack = again.request(
                "subscribe", "\"topic\":\"feed:a\",\"since\":{\"offset\":" + offset + ",\"epoch\":\"" + epoch + "\"}");
        assertEquals(true, ack.getJsonObject("recovery").getBoolean("recovered"), "got " + ack);
        assertEquals(1, ack.getJsonObject("recovery").getInt("replayed"), "got " + ack);
        assertEquals(
                List.of("missed"),
                again.messages().stream().map(f -> f.getString("data")).toList());
        JsonObject repeat = again.request(
                "subscribe", "\"topic\":\"feed:a\",\"since\":{\"offset\":" + offset + ",\"epoch\":\"" + epoch + "\"}");
        assertEquals(
                null,
                repeat.getJsonObject("recovery").get("recovered"),
                "a repeat learns the position only: " + repeat);
    }
}
