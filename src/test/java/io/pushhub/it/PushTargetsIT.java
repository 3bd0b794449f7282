package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** POST /api/push to everyone, users, topics and single connections, observed by real WebSocket clients. */
class PushTargetsIT extends HubIT {

    @Test
    void broadcastReachesEveryConnection() throws Exception {
        try (WsClient a = WsClient.connect(WS);
                WsClient b = WsClient.connect(WS);
                WsClient c = asUser("carol")) {
            Api.Reply r = api.push("{\"data\":{\"text\":\"to all\"}}");
            assertEquals(200, r.status(), "push: " + r);
            String id = r.json().getString("messageId");
            assertTrue(r.json().getInt("reached") >= 3, "push: " + r);
            for (WsClient client : List.of(a, b, c)) {
                JsonObject m = client.awaitMessage("broadcast " + id);
                assertEquals(id, m.getString("messageId"), "frame: " + m);
                assertEquals("all", m.getString("scope"), "frame: " + m);
                assertEquals("to all", m.getJsonObject("data").getString("text"), "frame: " + m);
            }
        }
    }

    @Test
    void userPushReachesAllOfThatUsersConnectionsAndNobodyElse() throws Exception {
        try (WsClient aliceTab1 = asUser("alice");
                WsClient aliceTab2 = asUser("alice");
                WsClient bob = asUser("bob");
                WsClient anon = WsClient.connect(WS)) {
            assertEquals("alice", aliceTab1.userId());
            Api.Reply r = api.push("{\"users\":[\"alice\"],\"data\":{\"n\":1}}");
            assertEquals(200, r.status(), "push: " + r);
            assertEquals(2, r.json().getInt("reached"), "push: " + r);
            for (WsClient tab : List.of(aliceTab1, aliceTab2)) {
                JsonObject m = tab.awaitMessage("alice's message");
                assertEquals("user", m.getString("scope"), "frame: " + m);
                assertEquals(1, m.getJsonObject("data").getInt("n"), "frame: " + m);
            }
            bob.barrier();
            anon.barrier();
            assertEquals(List.of(), bob.messages(), "bob must get nothing");
            assertEquals(List.of(), anon.messages(), "anonymous client must get nothing");
        }
    }

    @Test
    void pushToAUserWithoutConnectionsReachesZeroAndIsNotAnError() throws Exception {
        Api.Reply r = api.push("{\"user\":\"nobody-here\",\"data\":1}");
        assertEquals(200, r.status(), "push: " + r);
        assertEquals(0, r.json().getInt("reached"), "push: " + r);
    }

    @Test
    void topicPushReachesSubscribersOnlyAndStopsAfterUnsubscribe() throws Exception {
        try (WsClient sub1 = WsClient.connect(WS);
                WsClient sub2 = WsClient.connect(WS);
                WsClient other = WsClient.connect(WS)) {
            sub1.subscribe("news");
            sub2.subscribe("news");
            other.subscribe("sports");

            Api.Reply r = api.push("{\"topic\":\"news\",\"data\":{\"text\":\"hi\"}}");
            assertEquals(200, r.status(), "push: " + r);
            assertEquals(2, r.json().getInt("reached"), "push: " + r);
            for (WsClient s : List.of(sub1, sub2)) {
                JsonObject m = s.awaitMessage("news");
                assertEquals("news", m.getString("topic"), "frame: " + m);
                assertEquals("topic", m.getString("scope"), "frame: " + m);
            }
            other.barrier();
            assertEquals(List.of(), other.messages(), "a subscriber of another topic must get nothing");

            JsonObject ack = sub1.request("unsubscribe", "\"topic\":\"news\"");
            assertEquals("ack", ack.getString("type"), "unsubscribe: " + ack);
            Api.Reply again = api.push("{\"topic\":\"news\",\"data\":{\"text\":\"second\"}}");
            assertEquals(1, again.json().getInt("reached"), "push after unsubscribe: " + again);
            sub2.awaitMessage("second news");
            sub1.barrier();
            assertEquals(1, sub1.messages().size(), "sub1 must not get news after unsubscribing: " + sub1.messages());
        }
    }

    @Test
    void connectionPushReachesExactlyThatConnection() throws Exception {
        try (WsClient tab1 = asUser("dora");
                WsClient tab2 = asUser("dora")) {
            Api.Reply r = api.push("{\"connection\":\"" + tab2.connectionId() + "\",\"data\":\"just you\"}");
            assertEquals(200, r.status(), "push: " + r);
            assertEquals(1, r.json().getInt("reached"), "push: " + r);
            JsonObject m = tab2.awaitMessage("direct");
            assertEquals("connection", m.getString("scope"), "frame: " + m);
            assertEquals("just you", m.getString("data"), "frame: " + m);
            tab1.barrier();
            assertEquals(List.of(), tab1.messages(), "the user's other tab must get nothing");
        }
    }

    @Test
    void unknownConnectionIdsGet404NamingThemAndNothingIsDelivered() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            Api.Reply r = api.push("{\"connections\":[\"" + c.connectionId() + "\",\"c-doesnotexist\"],\"data\":1}");
            assertEquals(404, r.status(), "push: " + r);
            assertEquals("unknown_connections", r.json().getString("error"), "push: " + r);
            assertEquals(
                    List.of("c-doesnotexist"),
                    r.json().getJsonArray("connections").getValuesAs(jakarta.json.JsonString.class).stream()
                            .map(jakarta.json.JsonString::getString)
                            .toList());
            c.barrier();
            assertEquals(List.of(), c.messages(), "a rejected push must deliver nothing");
        }
    }

    @Test
    void connectionsAndTopicsAreListedPerUser() throws Exception {
        try (WsClient e1 = asUser("erin");
                WsClient e2 = asUser("erin")) {
            e1.subscribe("listed-topic");
            Api.Reply conns = api.get("/api/connections");
            assertEquals(200, conns.status(), "connections: " + conns);
            JsonObject erin = conns.json().getJsonArray("byUser").getValuesAs(JsonObject.class).stream()
                    .filter(u -> u.getString("userId").equals("erin"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("erin missing: " + conns));
            assertEquals(2, erin.getJsonArray("connections").size(), "erin: " + erin);

            Api.Reply topics = api.get("/api/topics");
            assertEquals(200, topics.status(), "topics: " + topics);
            assertTrue(
                    topics.json().getJsonArray("topics").getValuesAs(JsonObject.class).stream()
                            .anyMatch(t -> t.getString("topic").equals("listed-topic") && t.getInt("subscribers") == 1),
                    "topics: " + topics);
        }
    }

    @Test
    void pushWithXApiKeyHeaderWorks() throws Exception {
        Api.Reply r = api.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(HTTP + "/api/push"))
                .header("X-API-Key", Api.KEY)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"data\":1}"))
                .build());
        assertEquals(200, r.status(), "push: " + r);
        assertTrue(r.json().getString("messageId").startsWith("m-"), "push: " + r);
    }
}
