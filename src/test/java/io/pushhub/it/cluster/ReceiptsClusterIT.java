package io.pushhub.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.Cluster;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.LibertyNode;
import io.pushhub.testsupport.RedisSupport;
import io.pushhub.testsupport.WebhookReceiver;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery receipts across two nodes sharing one Redis (-Predis): one user with a tab on node A (the Arquillian server)
 * and one on node B (LibertyNode offset 13). Either node answers every node's receipts; an acknowledgement on B
 * retracts the message on A; an escalation decided by the accepting node fires one webhook for the cluster.
 */
class ReceiptsClusterIT extends HubIT {

    private static LibertyNode nodeB;
    private static Api apiB;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void startNodeB() throws Exception {
        RedisSupport.requireSharedRedis();
        receiver = WebhookReceiver.start();
        nodeB = new LibertyNode(
                        "receipts-b-" + System.getProperty("it.http.port", "19080"),
                        13,
                        Cluster.sameClusterAs(RedisSupport.sharedUri()))
                .start();
        apiB = nodeB.api();
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodeB != null) {
            nodeB.close();
        }
        if (receiver != null) {
            receiver.close();
        }
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

    private static Map<String, JsonObject> byConnection(JsonObject receipts) {
        return receipts.getJsonArray("recipients").getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(o -> o.getString("connection"), Function.identity()));
    }

    private static JsonObject awaitReceipts(Api from, String messageId, Predicate<JsonObject> ok) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            Api.Reply r = from.get("/api/push/" + messageId + "/receipts");
            if (r.status() == 200 && ok.test(r.json())) {
                return r.json();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("receipts of " + messageId + " never got there: " + r);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void anAckOnNodeBRetractsOnNodeAAndEitherNodeAnswersBothNodesReceipts() throws Exception {
        bothNodesConnected();
        String user = unique("kim-");
        try (WsClient onA = asUser(user);
                WsClient onB = WsClient.connect(nodeB.ws() + "?access_token=" + Jwts.token(user, List.of()))) {
            Api.Reply pushed =
                    api.push("{\"user\":\"" + user + "\",\"collapseOnAck\":true,\"data\":\"on both nodes\"}");
            assertEquals(200, pushed.status(), pushed.toString());
            String id = pushed.json().getString("messageId");
            assertTrue(onA.awaitMessage("on A").getBoolean("receipt"));
            assertTrue(onB.awaitMessage("on B").getBoolean("receipt"));
            onB.send("{\"type\":\"received\",\"messageId\":\"" + id + "\"}");

            JsonObject retract =
                    onA.await("the retract on A", f -> "retract".equals(f.getString("type")), Duration.ofSeconds(10));
            assertEquals(id, retract.getString("messageId"));

            Predicate<JsonObject> complete = x -> {
                Map<String, JsonObject> rows = byConnection(x);
                return rows.size() == 2
                        && "acknowledged"
                                .equals(rows.getOrDefault(onB.connectionId(), x).getString("state", ""))
                        && "written"
                                .equals(rows.getOrDefault(onA.connectionId(), x).getString("state", ""));
            };
            for (Api from : List.of(api, apiB)) {
                JsonObject r = awaitReceipts(from, id, complete);
                Map<String, JsonObject> rows = byConnection(r);
                assertNotEquals(
                        rows.get(onA.connectionId()).getString("node"),
                        rows.get(onB.connectionId()).getString("node"),
                        "each connection with its own node: " + r);
                assertTrue(r.containsKey("pushedAt"), r.toString());
            }
        }
    }

    @Test
    void anEscalationFiresOneWebhookForTheCluster() throws Exception {
        bothNodesConnected();
        String user = unique("ivo-");
        Api.Reply pushed = apiB.push("{\"user\":\"" + user + "\",\"escalateAfter\":\"PT1S\",\"data\":1}");
        assertEquals(200, pushed.status(), pushed.toString());
        String id = pushed.json().getString("messageId");
        Predicate<JsonObject> mine =
                e -> "push.unacknowledged".equals(e.getString("type")) && user.equals(e.getString("userId", null));
        List<JsonObject> events = receiver.await("push.unacknowledged of " + user, mine, 1, Duration.ofSeconds(20));
        assertEquals(id, events.get(0).getString("messageId"));
        Thread.sleep(3000); // well past the delay: still one, from one node
        assertEquals(1, receiver.events(mine).size(), receiver.events(mine).toString());
    }
}
