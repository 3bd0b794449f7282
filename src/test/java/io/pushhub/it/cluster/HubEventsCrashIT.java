package io.pushhub.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Cluster;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.LibertyNode;
import io.pushhub.testsupport.RedisSupport;
import io.pushhub.testsupport.WebhookReceiver;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hooks consistent through a crash (issue #10 point 5), on two nodes sharing Redis: a user reloads her page from node
 * A onto node B within the grace (no offline, no second online), then node B is killed with SIGKILL. Its connections
 * produce {@code member.left}, {@code topic.vacated}, {@code connection.closed} (1006) and {@code user.offline} exactly
 * once, made by the surviving node within the lease ({@code pushhub.presence.ttl}, 5 s here) plus the grace (3 s), and
 * never again.
 */
class HubEventsCrashIT extends HubIT {

    static final Duration LEASE = Duration.ofSeconds(5);
    static final Duration GRACE = Duration.ofSeconds(3);
    /** What the lease renewal period and the 250 ms ledger tick may add on a loaded machine. */
    static final Duration SLACK = Duration.ofSeconds(2);

    private static LibertyNode doomed;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void start() throws Exception {
        RedisSupport.requireSharedRedis();
        receiver = WebhookReceiver.start();
        doomed = new LibertyNode(
                        "node-e-" + System.getProperty("it.http.port", "19080"),
                        4,
                        Cluster.sameClusterAs(RedisSupport.sharedUri()))
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (doomed != null) {
            doomed.kill();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private static WsClient on(String ws, String user) throws Exception {
        return WsClient.connect(ws + "?access_token=" + Jwts.token(user, List.of()));
    }

    private static List<JsonObject> of(String type, String name) {
        return receiver.events(e -> type.equals(e.getString("type"))
                && (name.equals(e.getString("topic", null)) || name.equals(e.getString("userId", null))));
    }

    @Test
    void aReloadAcrossNodesIsNoFlapAndAKilledNodesConnectionsLeaveExactlyOnceFromTheSurvivor() throws Exception {
        RedisSupport.await(
                "both nodes connected to Redis",
                Duration.ofSeconds(30),
                () -> "up".equals(Cluster.broker(api).getString("state"))
                        && "up".equals(Cluster.broker(doomed.api()).getString("state")));
        String survivor = Cluster.nodeId(api);
        String dead = Cluster.nodeId(doomed.api());
        String room = "chat:hooks-" + UUID.randomUUID().toString().substring(0, 8);
        String lia = "lia-" + UUID.randomUUID().toString().substring(0, 6);
        String kai = "kai-" + UUID.randomUUID().toString().substring(0, 6);

        // kai is in the room on B; lia reloads her page: her connection on A closes and she is back on B within the
        // grace (she leaves and rejoins the room as a member; the room stays occupied).
        WsClient kaiOnB = on(doomed.ws(), kai);
        kaiOnB.subscribe(room);
        try (WsClient first = on(WS, lia)) {
            first.subscribe(room);
        }
        WsClient liaOnB = on(doomed.ws(), lia);
        liaOnB.subscribe(room);
        receiver.await(
                "lia back in the room",
                e -> "member.joined".equals(e.getString("type")) && lia.equals(e.getString("userId", null)),
                2,
                Duration.ofSeconds(20));
        Thread.sleep(GRACE.plus(SLACK).toMillis()); // lia's first grace passes while she is on B
        assertEquals(List.of(), of("user.offline", lia), "a reload across nodes is no offline");
        assertEquals(1, of("user.online", lia).size(), "and no second online: " + receiver.about(lia));
        assertEquals(1, of("topic.occupied", room).size(), "one occupied: " + receiver.about(room));

        doomed.kill();
        Instant killedAt = Instant.now();

        List<JsonObject> vacated = receiver.await(
                "the room vacated",
                e -> "topic.vacated".equals(e.getString("type")) && room.equals(e.getString("topic", null)),
                1,
                Duration.ofSeconds(40));
        List<JsonObject> offline = receiver.await(
                "both offline",
                e -> "user.offline".equals(e.getString("type"))
                        && (lia.equals(e.getString("userId", null)) || kai.equals(e.getString("userId", null))),
                2,
                Duration.ofSeconds(40));
        Thread.sleep(LEASE.plus(GRACE).toMillis()); // anything a second time would have come by now

        assertEquals(1, of("topic.vacated", room).size(), "vacated exactly once: " + receiver.about(room));
        assertEquals(1, of("user.offline", lia).size(), "lia offline exactly once: " + receiver.about(lia));
        assertEquals(1, of("user.offline", kai).size(), "kai offline exactly once: " + receiver.about(kai));
        assertEquals(1, of("member.left", kai).size(), "kai left once: " + receiver.about(kai));
        List<JsonObject> closed = of("connection.closed", kai);
        assertEquals(1, closed.size(), "kai's connection closed once: " + closed);
        assertEquals(1006, closed.get(0).getInt("code"), "a crash is 1006: " + closed);

        Duration vacatedAfter =
                Duration.between(killedAt, Instant.parse(vacated.get(0).getString("time")));
        assertTrue(
                vacatedAfter.compareTo(LEASE.plus(SLACK)) <= 0,
                "vacated within the lease: " + vacatedAfter + " after the kill");
        for (JsonObject o : offline) {
            Duration after = Duration.between(killedAt, Instant.parse(o.getString("time")));
            assertTrue(after.compareTo(LEASE.plus(GRACE).plus(SLACK)) <= 0, "offline within lease + grace: " + after);
            assertTrue(after.compareTo(GRACE) >= 0, "not before the grace: " + after);
            assertEquals(survivor, o.getString("node"), "made by the surviving node: " + o);
        }
        assertNotEquals(survivor, dead);

        // Sequences per topic: no gap and no repeat in what the backend got; the reconcile read agrees.
        List<Long> roomSeqs = receiver.about(room).stream()
                .map(e -> e.getJsonNumber("seq").longValue())
                .sorted()
                .toList();
        for (int i = 1; i < roomSeqs.size(); i++) {
            assertEquals(roomSeqs.get(i - 1) + 1, roomSeqs.get(i), "room sequence: " + receiver.about(room));
        }
        JsonObject now = api.get("/api/topics/" + room + "/presence").json();
        assertEquals(0, now.getInt("subscribers"), "" + now);
        assertEquals(roomSeqs.get(roomSeqs.size() - 1), now.getJsonNumber("seq").longValue(), "reconcile: " + now);
        assertTrue(receiver.badSignatures().isEmpty(), "" + receiver.badSignatures());
    }
}
