package io.pushhub.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.Cluster;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.LibertyNode;
import io.pushhub.testsupport.RedisSupport;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Server-side subscriptions and exclusion across two nodes sharing one Redis: the user is connected to node B, the
 * backend calls node A (the Arquillian server).
 */
class ServerSubscriptionsClusterIT extends HubIT {

    private static final String AUTH = "Bearer " + Api.KEY;
    private static LibertyNode nodeB;
    private static Api apiB;

    @BeforeAll
    static void startNodeB() throws Exception {
        RedisSupport.requireSharedRedis();
        nodeB = new LibertyNode(
                        "subs-b-" + System.getProperty("it.http.port", "19080"),
                        9,
                        Cluster.sameClusterAs(RedisSupport.sharedUri()))
                .start();
        apiB = nodeB.api();
    }

    @AfterAll
    static void stopNodeB() throws Exception {
        if (nodeB != null) {
            nodeB.close();
        }
    }

    private static WsClient onB(String user) throws Exception {
        return WsClient.connect(nodeB.ws() + "?access_token=" + Jwts.token(user, List.of()));
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private void bothNodesConnected() throws Exception {
        RedisSupport.await(
                "both nodes connected to Redis",
                Duration.ofSeconds(30),
                () -> "up".equals(Cluster.broker(api).getString("state"))
                        && "up".equals(Cluster.broker(apiB).getString("state")));
    }

    private static JsonObject awaitFrame(WsClient c, String type, String topic) throws InterruptedException {
        return c.await(
                type + " " + topic,
                f -> type.equals(f.getString("type", "")) && topic.equals(f.getString("topic", "")),
                Duration.ofSeconds(10));
    }

    @Test
    void aSubscribeOnNodeAReachesTheUsersConnectionOnNodeBBeforeTheNextPush() throws Exception {
        bothNodesConnected();
        String user = unique("ursula-");
        String topic = unique("cluster-room-");
        try (WsClient onB = onB(user)) {
            Api.Reply r = api.post("/api/users/" + user + "/subscriptions", "{\"topic\":\"" + topic + "\"}", AUTH);
            assertEquals(200, r.status(), "subscribe on A: " + r);
            assertEquals(0, r.json().getInt("subscribed"), "no connection of the user on A: " + r);
            assertEquals("requested", r.json().getString("cluster"), "B was asked: " + r);
            // Pushed right after the subscribe, from the same node: B applies the subscribe first.
            api.push("{\"topic\":\"" + topic + "\",\"data\":\"right after\"}");
            assertEquals("server", awaitFrame(onB, "subscribed", topic).getString("by"));
            assertEquals(
                    "right after",
                    onB.awaitMessage("the push after the subscribe").getString("data"));

            Api.Reply gone = api.delete("/api/users/" + user + "/subscriptions/" + topic);
            assertEquals("requested", gone.json().getString("cluster"), "got " + gone);
            awaitFrame(onB, "unsubscribed", topic);
            api.push("{\"topic\":\"" + topic + "\",\"data\":\"after the delete\"}");
            onB.barrier();
            assertEquals(1, onB.messages().size(), "nothing after the delete: " + onB.messages());
        }
    }

    @Test
    void aStickySubscriptionMadeOnNodeAReachesANewConnectionOnNodeB() throws Exception {
        bothNodesConnected();
        String user = unique("sticky-");
        String topic = unique("cluster-team-");
        Api.Reply r = api.post(
                "/api/users/" + user + "/subscriptions", "{\"topic\":\"" + topic + "\",\"sticky\":true}", AUTH);
        assertEquals(200, r.status(), "sticky on A: " + r);
        assertEquals(
                "[\"" + topic + "\"]",
                apiB.get("/api/users/" + user + "/subscriptions")
                        .json()
                        .getJsonArray("sticky")
                        .toString(),
                "stored in Redis, seen from B");
        try (WsClient onB = onB(user)) {
            awaitFrame(onB, "subscribed", topic);
            api.push("{\"topic\":\"" + topic + "\",\"data\":\"for the team\"}");
            assertEquals("for the team", onB.awaitMessage("team push").getString("data"));
        }
        api.delete("/api/users/" + user + "/subscriptions/" + topic);
        try (WsClient again = onB(user)) {
            again.barrier();
            assertFalse(
                    again.seen().stream().anyMatch(f -> "subscribed".equals(f.getString("type", ""))),
                    "deleted on A, not applied on B: " + again.seen());
        }
    }

    @Test
    void theExcludedConnectionOnNodeBGetsNothingWhileTheUsersOtherConnectionThereDoes() throws Exception {
        bothNodesConnected();
        String user = unique("xavier-");
        try (WsClient sender = onB(user);
                WsClient otherTab = onB(user)) {
            Api.Reply r = api.push("{\"user\":\"" + user + "\",\"exceptConnection\":\"" + sender.connectionId()
                    + "\",\"data\":\"x\"}");
            assertEquals(200, r.status(), "push on A: " + r);
            assertEquals("x", otherTab.awaitMessage("the push").getString("data"));
            sender.barrier();
            assertEquals(List.of(), sender.messages(), "excluded on the other node too");
        }
    }
}
