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
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trace journal read cluster-wide: alice is connected to node B only, the backend pushes on node A (the Arquillian
 * server); the trace read on either node shows B's write and A's "no connection here".
 */
class TraceClusterIT extends HubIT {

    private static LibertyNode nodeB;
    private static Api apiB;

    @BeforeAll
    static void startNodeB() throws Exception {
        RedisSupport.requireSharedRedis();
        nodeB = new LibertyNode(
                        "trace-b-" + System.getProperty("it.http.port", "19080"),
                        15,
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

    private static List<String> summaryUntil(Api on, String messageId, String user, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Api.Reply r;
        do {
            r = on.get("/api/push/" + messageId + "/trace?user=" + user);
            if (r.status() == 200) {
                List<String> s = r.json().getJsonArray("summary").getValuesAs(JsonString.class).stream()
                        .map(JsonString::getString)
                        .toList();
                if (s.stream().anyMatch(l -> l.contains(expected))) {
                    assertTrue(r.json().getBoolean("clusterWide"), r.toString());
                    return s;
                }
            }
            Thread.sleep(100); // polling a REST answer: nothing to wait on
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no '" + expected + "' in the trace of " + messageId + ": " + r);
    }

    @Test
    void theTraceReadOnNodeAShowsTheWriteOnNodeB() throws Exception {
        RedisSupport.await(
                "both nodes connected to Redis",
                Duration.ofSeconds(30),
                () -> "up".equals(Cluster.broker(api).getString("state"))
                        && "up".equals(Cluster.broker(apiB).getString("state")));
        String user = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        String nodeA = Cluster.nodeId(api);
        String nodeBId = Cluster.nodeId(apiB);
        try (WsClient onB = WsClient.connect(nodeB.ws() + "?access_token=" + Jwts.token(user, List.of()))) {
            Api.Reply r = api.push("{\"user\":\"" + user + "\",\"trace\":true,\"data\":\"hi\"}");
            assertEquals(200, r.status(), r.toString());
            String messageId = r.json().getString("messageId");
            JsonObject m = onB.awaitMessage("the push on B");
            assertEquals(messageId, m.getString("messageId"));

            String written = "node " + nodeBId + ": connection " + onB.connectionId() + " of " + user + " written at";
            List<String> onA = summaryUntil(api, messageId, user, written);
            assertTrue(onA.contains("node " + nodeA + ": " + user + " had no connection here"), "A's view: " + onA);
            assertTrue(
                    onA.stream().anyMatch(l -> l.startsWith("node " + nodeA + ": pushed at")), "pushed on A: " + onA);
            List<String> fromB = summaryUntil(apiB, messageId, user, written);
            assertEquals(onA, fromB, "the same answer from any node");
        }
    }
}
