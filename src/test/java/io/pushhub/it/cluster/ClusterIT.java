package io.pushhub.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.Cluster;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.LibertyNode;
import io.pushhub.testsupport.RedisSupport;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing one Redis: node A is the Arquillian server, node B a second Liberty started here. Every kind of
 * push made on A reaches clients on B, presence on A knows B's users, and a client resumes on the other node.
 */
class ClusterIT extends HubIT {

    private static LibertyNode nodeB;
    private static Api apiB;
    private static String wsB;

    @BeforeAll
    static void startNodeB() throws Exception {
        RedisSupport.requireSharedRedis();
        nodeB = new LibertyNode(
                        "node-b-" + System.getProperty("it.http.port", "19080"),
                        1,
                        Cluster.sameClusterAs(RedisSupport.sharedUri()))
                .start();
        apiB = nodeB.api();
        wsB = nodeB.ws();
    }

    @AfterAll
    static void stopNodeB() throws Exception {
        if (nodeB != null) {
            nodeB.close();
        }
    }

    private static WsClient onB(String user) throws Exception {
        return WsClient.connect(wsB + "?access_token=" + Jwts.token(user, List.of()));
    }

    private static WsClient onA(String user) throws Exception {
        return WsClient.connect(WS + "?access_token=" + Jwts.token(user, List.of()));
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Both nodes see Redis (A may have started before B; B has just become ready). */
    private void bothNodesConnected() throws Exception {
        RedisSupport.await(
                "both nodes connected to Redis",
                Duration.ofSeconds(30),
                () -> "up".equals(Cluster.broker(api).getString("state"))
                        && "up".equals(Cluster.broker(apiB).getString("state")));
    }

    @Test
    void theSameIdempotencyKeyOnNodeAAndNodeBIsDeliveredOnceEverywhere() throws Exception {
        bothNodesConnected();
        String topic = unique("cluster-idem-");
        String key = unique("order-shipped-");
        try (WsClient onA = onA(unique("ann-"));
                WsClient onB = onB(unique("bob-"))) {
            onA.subscribe(topic);
            onB.subscribe(topic);
            String body = "{\"topic\":\"" + topic + "\",\"data\":{\"order\":4711}}";
            Api.Reply first = api.push(body, key);
            assertEquals(200, first.status(), "node A: " + first);
            assertEquals(false, first.json().containsKey("duplicate"), "node A: " + first);
            Api.Reply again = apiB.push(body, key); // the backend's retry lands on the other node
            assertEquals(200, again.status(), "node B: " + again);
            assertEquals(true, again.json().getBoolean("duplicate"), "node B: " + again);
            assertEquals(first.json().getString("messageId"), again.json().getString("messageId"), "node B: " + again);
            assertEquals(0, again.json().getInt("reached"), "node B delivered nothing: " + again);
            System.out.println("idempotency on two nodes: A answered " + first.body() + ", B answered " + again.body());

            String id = first.json().getString("messageId");
            assertEquals(id, onA.awaitMessage("the push on A").getString("messageId"));
            assertEquals(id, onB.awaitMessage("the push on B").getString("messageId"));
            // Markers pushed afterwards through each node: once both are there, a second copy would be too.
            api.push("{\"topic\":\"" + topic + "\",\"data\":\"marker-a\"}");
            apiB.push("{\"topic\":\"" + topic + "\",\"data\":\"marker-b\"}");
            for (WsClient c : List.of(onA, onB)) {
                RedisSupport.await(
                        "both markers",
                        Duration.ofSeconds(10),
                        () -> c.messages().stream()
                                        .filter(f -> f.get("data") instanceof JsonString)
                                        .count()
                                == 2);
                assertEquals(
                        1,
                        c.messages().stream()
                                .filter(f -> id.equals(f.getString("messageId")))
                                .count(),
                        "delivered once: " + c.messages());
            }
        }
    }

    @Test
    void everyKindOfPushMadeOnAReachesClientsOnB() throws Exception {
        bothNodesConnected();
        String user = unique("bea-");
        String topic = unique("cluster-news-");
        try (WsClient bea = onB(user);
                WsClient other = onB(unique("other-"))) {
            bea.subscribe(topic);

            Api.Reply all = api.push("{\"data\":\"to everyone\"}");
            assertEquals("published", all.json().getString("cluster"), "push: " + all);
            assertEquals("to everyone", bea.awaitMessage("broadcast").getString("data"));
            assertEquals("all", bea.messages().get(0).getString("scope"));

            Api.Reply toUser = api.push("{\"user\":\"" + user + "\",\"data\":\"to bea\"}");
            assertEquals(0, toUser.json().getInt("reached"), "no connection of bea on A: " + toUser);
            JsonObject m = bea.awaitMessage("user push");
            assertEquals("user", m.getString("scope"), "frame: " + m);
            assertEquals(toUser.json().getString("messageId"), m.getString("messageId"));

            Api.Reply toTopic = api.push("{\"topic\":\"" + topic + "\",\"data\":\"news\"}");
            JsonObject t = bea.awaitMessage("topic push");
            assertEquals(topic, t.getString("topic"), "frame: " + t);
            assertEquals(1, t.getJsonNumber("offset").longValue(), "history offsets come from the shared broker: " + t);
            assertEquals("published", toTopic.json().getString("cluster"), "push: " + toTopic);

            Api.Reply toConn = api.push("{\"connection\":\"" + bea.connectionId() + "\",\"data\":\"just you\"}");
            assertEquals(200, toConn.status(), "a connection on B is known cluster-wide: " + toConn);
            assertEquals("just you", bea.awaitMessage("connection push").getString("data"));

            other.barrier();
            assertEquals(
                    List.of("to everyone"),
                    other.messages().stream().map(x -> x.getString("data")).toList(),
                    "B's other client gets the broadcast only");
            bea.barrier();
            assertEquals(4, bea.messages().size(), "exactly one copy of each push: " + bea.messages());
        }
        Api.Reply unknown = api.push("{\"connection\":\"c-nowhere\",\"data\":1}");
        assertEquals(404, unknown.status(), "an id unknown on every node is still refused: " + unknown);
    }

    @Test
    void presenceOnAListsUsersConnectedToBAndJoinNoticesCrossNodes() throws Exception {
        bothNodesConnected();
        String room = unique("chat:x");
        String ann = unique("ann-");
        String bob = unique("bob-");
        String nodeIdB = Cluster.nodeId(apiB);
        try (WsClient annA = onA(ann)) {
            annA.subscribe(room);
            RedisSupport.await(
                    "B sees ann (on A) in the room",
                    Duration.ofSeconds(10),
                    () -> apiB.get("/api/topics/" + room + "/presence").json().getInt("subscribers") == 1);
            try (WsClient bobB = onB(bob)) {
                JsonObject ack = bobB.subscribe(room);
                assertEquals(
                        List.of(ann, bob).stream().sorted().toList(),
                        ack.getJsonArray("members").getValuesAs(JsonString.class).stream()
                                .map(JsonString::getString)
                                .toList(),
                        "members lists users of every node: " + ack);
                JsonObject join = annA.await(
                        "bob's join on A",
                        f -> "presence".equals(f.getString("type", "")) && bob.equals(f.getString("userId", "")),
                        Duration.ofSeconds(10));
                assertEquals("join", join.getString("event"), "notice: " + join);
                assertEquals(bobB.connectionId(), join.getString("connectionId"), "notice: " + join);

                RedisSupport.await("A's presence lists bob on B", Duration.ofSeconds(10), () -> {
                    JsonObject p = api.get("/api/topics/" + room + "/presence").json();
                    return p.getInt("subscribers") == 2
                            && p.getJsonArray("connections").getValuesAs(JsonObject.class).stream()
                                    .anyMatch(c -> c.getString("userId").equals(bob)
                                            && c.getString("node").equals(nodeIdB));
                });
                JsonObject userOnA = api.get("/api/users/" + bob).json();
                assertTrue(userOnA.getBoolean("online"), "user: " + userOnA);
                assertEquals(1, userOnA.getInt("connections"), "user: " + userOnA);
                assertTrue(userOnA.getBoolean("complete"), "user: " + userOnA);
            }
            JsonObject leave = annA.await(
                    "bob's leave on A",
                    f -> "presence".equals(f.getString("type", ""))
                            && "leave".equals(f.getString("event", ""))
                            && bob.equals(f.getString("userId", "")),
                    Duration.ofSeconds(10));
            assertEquals(room, leave.getString("topic"));
            RedisSupport.await(
                    "bob offline everywhere",
                    Duration.ofSeconds(10),
                    () -> !api.get("/api/users/" + bob).json().getBoolean("online"));
        }
    }

    @Test
    void clientResumesOnTheOtherNodeWithExactlyWhatItMissed() throws Exception {
        bothNodesConnected();
        String topic = unique("resume-");
        int k = 4;
        int n = 9;
        String epoch;
        try (WsClient c = WsClient.connect(WS)) {
            c.subscribe(topic);
            for (int i = 1; i <= k; i++) {
                api.push("{\"topic\":\"" + topic + "\",\"data\":" + i + "}");
            }
            c.await(
                    "offset " + k,
                    f -> f.containsKey("offset") && f.getJsonNumber("offset").longValue() == k,
                    Duration.ofSeconds(10));
            epoch = c.messages().get(0).getString("epoch");
        }
        for (int i = k + 1; i <= n; i++) {
            (i % 2 == 0 ? api : apiB).push("{\"topic\":\"" + topic + "\",\"data\":" + i + "}"); // from both nodes
        }
        try (WsClient back = WsClient.connect(wsB)) {
            JsonObject ack = back.request(
                    "subscribe",
                    "\"topic\":\"" + topic + "\",\"since\":{\"offset\":" + k + ",\"epoch\":\"" + epoch + "\"}");
            JsonObject rec = ack.getJsonObject("recovery");
            assertTrue(rec.getBoolean("recovered"), "ack: " + ack);
            assertEquals(n - k, rec.getInt("replayed"), "ack: " + ack);
            api.push("{\"topic\":\"" + topic + "\",\"data\":" + (n + 1) + "}"); // live, from node A
            back.await(
                    "live " + (n + 1),
                    f -> f.containsKey("offset") && f.getJsonNumber("offset").longValue() == n + 1,
                    Duration.ofSeconds(10));
            back.barrier();
            List<Integer> data = new ArrayList<>();
            back.messages().forEach(m -> data.add(m.getInt("data")));
            List<Integer> expected = new ArrayList<>();
            for (int i = k + 1; i <= n + 1; i++) {
                expected.add(i);
            }
            assertEquals(expected, data, "exactly k+1..n, then live: " + back.messages());
        }
    }
}
