package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The backend subscribes a user's connections to a topic ({@code POST /api/users/{id}/subscriptions}), sticky or not,
 * and leaves the sender out of a push ({@code exceptConnection}), observed by real WebSocket clients.
 */
class ServerSubscriptionsIT extends HubIT {

    private static final String AUTH = "Bearer " + Api.KEY;

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Api.Reply subscribe(String user, String body) throws Exception {
        return api.post("/api/users/" + user + "/subscriptions", body, AUTH);
    }

    private static boolean frame(JsonObject f, String type, String topic) {
        return type.equals(f.getString("type", "")) && topic.equals(f.getString("topic", ""));
    }

    private static JsonObject awaitFrame(WsClient c, String type, String topic) throws InterruptedException {
        return c.await(type + " " + topic, f -> frame(f, type, topic), Duration.ofSeconds(10));
    }

    @Test
    void bothConnectionsOfTheUserAreSubscribedAndToldThenGetTheTopicsPushesAndAnotherUserIsNot() throws Exception {
        String alice = unique("alice");
        String topic = unique("room");
        try (WsClient tab1 = asUser(alice);
                WsClient tab2 = asUser(alice);
                WsClient bob = asUser(unique("bob"))) {
            Api.Reply r = subscribe(alice, "{\"topic\":\"" + topic + "\"}");
            assertEquals(200, r.status(), "subscribe: " + r);
            assertEquals(2, r.json().getInt("subscribed"), "both tabs on this node: " + r);
            assertEquals(0, r.json().getInt("already"), "got " + r);
            assertEquals(0, r.json().getInt("skipped"), "got " + r);
            assertFalse(r.json().getBoolean("sticky"), "got " + r);
            for (WsClient tab : List.of(tab1, tab2)) {
                assertEquals("server", awaitFrame(tab, "subscribed", topic).getString("by"));
            }
            Api.Reply pushed = api.push("{\"topic\":\"" + topic + "\",\"data\":{\"text\":\"hi\"}}");
            assertEquals(2, pushed.json().getInt("reached"), "push: " + pushed);
            for (WsClient tab : List.of(tab1, tab2)) {
                assertEquals(
                        "hi",
                        tab.awaitMessage("the topic's push")
                                .getJsonObject("data")
                                .getString("text"));
            }
            bob.barrier();
            assertEquals(List.of(), bob.messages(), "bob was not subscribed");
            assertFalse(bob.seen().stream().anyMatch(f -> frame(f, "subscribed", topic)), "seen " + bob.seen());

            Api.Reply again = subscribe(alice, "{\"topic\":\"" + topic + "\"}");
            assertEquals(0, again.json().getInt("subscribed"), "got " + again);
            assertEquals(2, again.json().getInt("already"), "got " + again);

            Api.Reply gone = api.delete("/api/users/" + alice + "/subscriptions/" + topic);
            assertEquals(200, gone.status(), "delete: " + gone);
            assertEquals(2, gone.json().getInt("unsubscribed"), "got " + gone);
            for (WsClient tab : List.of(tab1, tab2)) {
                awaitFrame(tab, "unsubscribed", topic);
            }
            assertEquals(
                    0,
                    api.push("{\"topic\":\"" + topic + "\",\"data\":2}").json().getInt("reached"));
        }
    }

    @Test
    void aStickySubscriptionReachesTheUsersNextConnectionUntilItIsDeleted() throws Exception {
        String carol = unique("carol");
        String topic = unique("team");
        Api.Reply r = subscribe(carol, "{\"topic\":\"" + topic + "\",\"sticky\":true}");
        assertEquals(200, r.status(), "subscribe: " + r);
        assertTrue(r.json().getBoolean("sticky"), "got " + r);
        assertEquals(0, r.json().getInt("subscribed"), "not connected yet: " + r);
        Api.Reply list = api.get("/api/users/" + carol + "/subscriptions");
        assertEquals(200, list.status(), "list: " + list);
        assertEquals(
                List.of(topic),
                list.json().getJsonArray("sticky").getValuesAs(JsonString.class).stream()
                        .map(JsonString::getString)
                        .toList());
        assertEquals(100, list.json().getInt("max"), "the default bound: " + list);

        try (WsClient first = asUser(carol)) {
            awaitFrame(first, "subscribed", topic);
            api.push("{\"topic\":\"" + topic + "\",\"data\":\"one\"}");
            assertEquals("one", first.awaitMessage("first push").getString("data"));
        }
        try (WsClient reconnected = asUser(carol)) {
            awaitFrame(reconnected, "subscribed", topic);
            Api.Reply pushed = api.push("{\"topic\":\"" + topic + "\",\"data\":\"two\"}");
            assertEquals(1, pushed.json().getInt("reached"), "push: " + pushed);
            assertEquals("two", reconnected.awaitMessage("after the reconnect").getString("data"));

            Api.Reply gone = api.delete("/api/users/" + carol + "/subscriptions/" + topic);
            assertTrue(gone.json().getBoolean("sticky"), "removed from the sticky ones: " + gone);
            assertEquals(1, gone.json().getInt("unsubscribed"), "got " + gone);
            awaitFrame(reconnected, "unsubscribed", topic);
        }
        assertEquals(
                0,
                api.get("/api/users/" + carol + "/subscriptions")
                        .json()
                        .getJsonArray("sticky")
                        .size());
        try (WsClient after = asUser(carol)) {
            after.barrier();
            assertFalse(after.seen().stream().anyMatch(f -> frame(f, "subscribed", topic)), "seen " + after.seen());
        }
    }

    @Test
    void thePushLeavesOutTheSendersConnectionButNotTheUsersOtherTab() throws Exception {
        String dan = unique("dan");
        String topic = unique("doc");
        try (WsClient sender = asUser(dan);
                WsClient otherTab = asUser(dan);
                WsClient eve = asUser(unique("eve"))) {
            for (WsClient c : List.of(sender, otherTab, eve)) {
                c.subscribe(topic);
            }
            Api.Reply r = api.push("{\"topic\":\"" + topic + "\",\"exceptConnection\":\"" + sender.connectionId()
                    + "\",\"data\":{\"edit\":1}}");
            assertEquals(200, r.status(), "push: " + r);
            assertEquals(2, r.json().getInt("reached"), "the sender is not counted: " + r);
            assertEquals(
                    1, otherTab.awaitMessage("the edit").getJsonObject("data").getInt("edit"));
            assertEquals(1, eve.awaitMessage("the edit").getJsonObject("data").getInt("edit"));
            Api.Reply toUser = api.push("{\"user\":\"" + dan + "\",\"exceptConnection\":\"" + sender.connectionId()
                    + "\",\"data\":\"saved\"}");
            assertEquals(1, toUser.json().getInt("reached"), "push: " + toUser);
            assertEquals("saved", otherTab.awaitMessage("saved").getString("data"));
            sender.barrier();
            assertEquals(List.of(), sender.messages(), "the sender's own connection gets neither");
        }
    }

    @Test
    void badRequestsGetA4xxWithAJsonBodyAndChangeNothing() throws Exception {
        String user = unique("frank");
        Api.Reply badTopic = subscribe(user, "{\"topic\":\"a b\"}");
        assertEquals(400, badTopic.status(), "got " + badTopic);
        assertEquals("invalid_topic", badTopic.json().getString("error"), "got " + badTopic);
        Api.Reply reserved = subscribe(user, "{\"topic\":\"$sys\"}");
        assertEquals("invalid_topic", reserved.json().getString("error"), "got " + reserved);
        Api.Reply unknown = subscribe(user, "{\"topic\":\"ok\",\"stick\":true}");
        assertEquals(400, unknown.status(), "got " + unknown);
        assertTrue(unknown.json().getString("message").contains("stick"), "names the field: " + unknown);
        Api.Reply notBoolean = subscribe(user, "{\"topic\":\"ok\",\"sticky\":\"yes\"}");
        assertEquals(400, notBoolean.status(), "got " + notBoolean);
        Api.Reply noTopic = subscribe(user, "{}");
        assertEquals(400, noTopic.status(), "got " + noTopic);
        Api.Reply notJson = subscribe(user, "{");
        assertEquals("bad_json", notJson.json().getString("error"), "got " + notJson);
        Api.Reply badDelete = api.delete("/api/users/" + user + "/subscriptions/a%20b");
        assertEquals(400, badDelete.status(), "got " + badDelete);
        Api.Reply noKey = api.post("/api/users/" + user + "/subscriptions", "{\"topic\":\"ok\"}", null);
        assertEquals(401, noKey.status(), "publisher credentials needed: " + noKey);
        Api.Reply exceptLater = api.push("{\"data\":1,\"delay\":1000,\"exceptConnection\":\"c-1\"}");
        assertEquals(400, exceptLater.status(), "got " + exceptLater);
        assertTrue(exceptLater.json().getString("message").contains("exceptConnection"), "got " + exceptLater);
        assertEquals(
                0,
                api.get("/api/users/" + user + "/subscriptions")
                        .json()
                        .getJsonArray("sticky")
                        .size());
    }

    @Test
    void theStickyBoundIsEnforcedWith409() throws Exception {
        String user = unique("gina");
        for (int i = 0; i < 100; i++) {
            Api.Reply r = subscribe(user, "{\"topic\":\"t" + i + "\",\"sticky\":true}");
            assertEquals(200, r.status(), "sticky " + i + ": " + r);
        }
        Api.Reply full = subscribe(user, "{\"topic\":\"one-more\",\"sticky\":true}");
        assertEquals(409, full.status(), "got " + full);
        assertEquals("too_many_sticky", full.json().getString("error"), "got " + full);
        assertTrue(full.json().getString("message").contains("pushhub.subscriptions.max-sticky"), "got " + full);
        assertEquals(
                100,
                api.get("/api/users/" + user + "/subscriptions")
                        .json()
                        .getJsonArray("sticky")
                        .size());
        for (int i = 0; i < 100; i++) {
            api.delete("/api/users/" + user + "/subscriptions/t" + i);
        }
    }
}
