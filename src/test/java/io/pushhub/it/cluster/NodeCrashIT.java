package io.pushhub.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A node dies without a clean stop (SIGKILL): its connections leave cluster presence within the lease
 * ({@code pushhub.presence.ttl}, 5 s in the tests) and its clients resume on the surviving node.
 */
class NodeCrashIT extends HubIT {

    /** The documented bound (one lease) plus what renewal and reads may add: a renewal period and a poll. */
    static final Duration BOUND = Duration.ofSeconds(5 + 2 + 1);

    private static LibertyNode doomed;

    @BeforeAll
    static void startDoomedNode() throws Exception {
        RedisSupport.requireSharedRedis();
        doomed = new LibertyNode(
                        "node-d-" + System.getProperty("it.http.port", "19080"),
                        3,
                        Cluster.sameClusterAs(RedisSupport.sharedUri()))
                .start();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (doomed != null) {
            doomed.kill();
        }
    }

    @Test
    void crashedNodesConnectionsDisappearWithinTheLeaseAndItsClientsRecoverElsewhere() throws Exception {
        RedisSupport.await(
                "both nodes connected to Redis",
                Duration.ofSeconds(30),
                () -> "up".equals(Cluster.broker(api).getString("state"))
                        && "up".equals(Cluster.broker(doomed.api()).getString("state")));
        String room = "chat:crash-" + UUID.randomUUID().toString().substring(0, 8);
        String dora = "dora-" + UUID.randomUUID().toString().substring(0, 6);
        try (WsClient watcher = WsClient.connect(WS + "?access_token=" + Jwts.token("watcher", List.of()))) {
            watcher.subscribe(room);
            WsClient victim = WsClient.connect(doomed.ws() + "?access_token=" + Jwts.token(dora, List.of()));
            victim.subscribe(room);
            api.push("{\"topic\":\"" + room + "\",\"data\":1}");
            JsonObject first = victim.awaitMessage("message 1 on the doomed node");
            String epoch = first.getString("epoch");
            long seen = first.getJsonNumber("offset").longValue();
            RedisSupport.await(
                    "A lists dora",
                    Duration.ofSeconds(10),
                    () -> api.get("/api/users/" + dora).json().getBoolean("online"));

            doomed.kill();
            long killedAt = System.nanoTime();
            RedisSupport.await(
                    "dora gone from A's presence",
                    BOUND.plusSeconds(10),
                    () -> !api.get("/api/users/" + dora).json().getBoolean("online"));
            Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
            assertTrue(took.compareTo(BOUND) <= 0, "presence must clear within " + BOUND + ", took " + took);
            JsonObject p = api.get("/api/topics/" + room + "/presence").json();
            assertEquals(1, p.getInt("subscribers"), "only the watcher is left: " + p);
            JsonObject leave = watcher.await(
                    "dora's leave notice",
                    f -> "presence".equals(f.getString("type", ""))
                            && "leave".equals(f.getString("event", ""))
                            && dora.equals(f.getString("userId", "")),
                    Duration.ofSeconds(15));
            assertEquals(room, leave.getString("topic"));

            // Pushed while dora is cut off; she comes back on node A and gets them.
            api.push("{\"topic\":\"" + room + "\",\"data\":2}");
            api.push("{\"topic\":\"" + room + "\",\"data\":3}");
            victim.awaitClose(Duration.ofSeconds(30));
            try (WsClient back = WsClient.connect(WS + "?access_token=" + Jwts.token(dora, List.of()))) {
                JsonObject ack = back.request(
                        "subscribe",
                        "\"topic\":\"" + room + "\",\"since\":{\"offset\":" + seen + ",\"epoch\":\"" + epoch + "\"}");
                assertTrue(ack.getJsonObject("recovery").getBoolean("recovered"), "ack: " + ack);
                back.await(
                        "message 3",
                        f -> "message".equals(f.getString("type", "")) && f.getInt("data") == 3,
                        Duration.ofSeconds(10));
                assertEquals(
                        List.of(2, 3),
                        back.messages().stream().map(m -> m.getInt("data")).toList());
            }
        }
    }
}
