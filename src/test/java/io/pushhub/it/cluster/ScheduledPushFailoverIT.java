package io.pushhub.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.Cluster;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.LibertyNode;
import io.pushhub.testsupport.PostgresSupport;
import io.pushhub.testsupport.RedisSupport;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster test (-Ppostgres -Predis): two nodes share a PostgreSQL schedule table and a Redis backplane.
 * 100 pushes are scheduled on node B, listed and one cancelled on node C; B is killed with SIGKILL before they are
 * due; C fires each of the other 99 exactly once (its client receives them). A row left leased by a node that died
 * while firing it is fired by C once the lease has ended, late by at most lease + poll interval.
 */
class ScheduledPushFailoverIT extends HubIT {

    static final int PUSHES = 100;
    static final String TABLE = PostgresSupport.table() + "_sched";
    static final Duration LEASE = Duration.ofSeconds(4);
    static final Duration POLL = Duration.ofMillis(500);

    private static LibertyNode b;
    private static LibertyNode c;

    @BeforeAll
    static void startNodes() throws Exception {
        RedisSupport.requireSharedRedis();
        PostgresSupport.requirePostgres();
        String port = System.getProperty("it.http.port", "19080");
        b = new LibertyNode("sched-b-" + port, 11, node());
        c = new LibertyNode("sched-c-" + port, 12, node());
        ExecutorService starts = Executors.newFixedThreadPool(2);
        try {
            Future<?> fb = starts.submit(() -> b.start());
            Future<?> fc = starts.submit(() -> c.start());
            fb.get();
            fc.get();
        } finally {
            starts.shutdown();
        }
    }

    private static Map<String, String> node() {
        Map<String, String> v = Cluster.sameClusterAs(RedisSupport.sharedUri());
        v.put("pushhub.scheduled.jdbc-url", PostgresSupport.url());
        v.put("pushhub.scheduled.user", PostgresSupport.user());
        v.put("pushhub.scheduled.table", TABLE);
        v.put("pushhub.scheduled.lease", LEASE.toString());
        v.put("pushhub.scheduled.poll-interval", POLL.toString());
        return v;
    }

    @AfterAll
    static void stopNodes() throws Exception {
        for (LibertyNode n : new LibertyNode[] {b, c}) {
            if (n != null) {
                n.kill();
            }
        }
    }

    private static List<JsonObject> pending(Api a, String topic) throws Exception {
        Api.Reply list = a.get("/api/push/scheduled");
        assertEquals(200, list.status(), "list: " + list);
        return list.json().getJsonArray("scheduled").getValuesAs(JsonObject.class).stream()
                .filter(e -> e.getJsonArray("targets").getString(0).equals(topic))
                .toList();
    }

    @Test
    void killTheSchedulingNodeAndTheOtherFiresEachPushOnce() throws Exception {
        String topic = "failover-" + System.nanoTime();
        // The client subscribes first: whatever fires, on whichever node, reaches it.
        try (WsClient client = WsClient.connect(c.ws())) {
            client.subscribe(topic);
            Instant at = Instant.now().plusSeconds(20);
            Set<String> expected = new HashSet<>();
            String cancelled = null;
            String cancelledMessage = null;
            for (int i = 0; i < PUSHES; i++) {
                Api.Reply r = b.api().push("{\"topic\":\"" + topic + "\",\"at\":\"" + at + "\",\"data\":" + i + "}");
                assertEquals(202, r.status(), "schedule " + i + " on B: " + r);
                if (i == 7) {
                    cancelled = r.json().getString("scheduledId");
                    cancelledMessage = r.json().getString("messageId");
                } else {
                    expected.add(r.json().getString("messageId"));
                }
            }
            assertTrue(Instant.now().isBefore(at), "scheduling 100 pushes took over 20 s");
            Api.Reply cancel = c.api().delete("/api/push/scheduled/" + cancelled);
            assertEquals(204, cancel.status(), "C cancels what B scheduled: " + cancel);
            assertEquals(PUSHES - 1, pending(c.api(), topic).size(), "C lists what B scheduled");
            b.kill(); // SIGKILL, long before the pushes are due
            Set<String> received = new HashSet<>();
            for (int i = 0; i < PUSHES - 1; i++) {
                JsonObject m = client.await(
                        "push " + (i + 1) + " of " + (PUSHES - 1),
                        f -> "message".equals(f.getString("type", "")),
                        Duration.ofSeconds(60));
                assertTrue(received.add(m.getString("messageId")), "received twice: " + m);
                long late = m.getJsonNumber("time").longValue() - at.toEpochMilli();
                assertTrue(late >= -50, "early by " + -late + " ms: " + m);
                assertTrue(late < POLL.toMillis() + 5_000, "late by " + late + " ms: " + m);
            }
            assertEquals(expected, received, "each push but the cancelled one");
            Thread.sleep(2 * POLL.toMillis() + 1_000);
            assertEquals(PUSHES - 1, client.messages().size(), "each exactly once, the cancelled never");
            String gone = cancelledMessage;
            assertFalse(
                    client.messages().stream()
                            .anyMatch(m -> m.getString("messageId").equals(gone)),
                    "the cancelled push fired");
            assertEquals(List.of(), pending(c.api(), topic), "nothing left pending");
        }
    }

    @Test
    void aPushLeftLeasedByADeadNodeIsFiredOnceAfterTheLease() throws Exception {
        String topic = "orphan-" + System.nanoTime();
        try (WsClient client = WsClient.connect(c.ws())) {
            client.subscribe(topic);
            Api.Reply r = c.api().push("{\"topic\":\"" + topic + "\",\"delay\":\"PT5S\",\"data\":\"orphan\"}");
            assertEquals(202, r.status(), "schedule: " + r);
            Instant at = Instant.parse(r.json().getString("at"));
            // What a node killed between its claim and its delete leaves behind: a lease of a node that is gone.
            long leaseEnd = at.toEpochMilli() + LEASE.toMillis();
            try (Connection db = PostgresSupport.connect();
                    PreparedStatement ps = db.prepareStatement(
                            "UPDATE " + TABLE + " SET lease_owner = 'dead-node', lease_until = ? WHERE id = ?")) {
                ps.setLong(1, leaseEnd);
                ps.setString(2, r.json().getString("scheduledId"));
                assertEquals(1, ps.executeUpdate(), "the row is there, not fired yet");
            }
            JsonObject m = client.await(
                    "the orphaned push", f -> "message".equals(f.getString("type", "")), Duration.ofSeconds(30));
            long time = m.getJsonNumber("time").longValue();
            assertTrue(time >= leaseEnd, "fired while the dead node's lease held: " + (leaseEnd - time) + " ms early");
            assertTrue(
                    time - leaseEnd < POLL.toMillis() + 3_000,
                    "later than lease + poll interval: " + (time - leaseEnd) + " ms after the lease ended");
            Thread.sleep(2 * POLL.toMillis() + 500);
            assertEquals(1, client.messages().size(), "once: " + client.messages());
        }
    }
}
