package io.pushhub.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox test (-Ppostgres -Predis): two nodes (B, C) relay a table of their own, clients are connected to
 * the test server (A), which relays nothing of it. 10,000 rows are inserted from 4 threads in transactions of 10, one
 * transaction in ten rolled back, each thread writing its own partition; in the middle of relaying the node that
 * relays is killed with SIGKILL and the other takes its partitions over; the killed node is then started again. Every client must receive each committed row
 * exactly once, in order per partition, and none of the rolled-back ones.
 */
class OutboxRelayCrashIT extends HubIT {

    static final int THREADS = 4;
    static final int TX_PER_THREAD = 250;
    static final int ROWS_PER_TX = 10;
    static final int COMMITTED = THREADS * TX_PER_THREAD * ROWS_PER_TX * 9 / 10;
    static final String TABLE = PostgresSupport.table() + "_crash";

    private static LibertyNode b;
    private static LibertyNode c;

    @BeforeAll
    static void startRelayNodes() throws Exception {
        RedisSupport.requireSharedRedis();
        PostgresSupport.requirePostgres();
        String port = System.getProperty("it.http.port", "19080");
        b = new LibertyNode("relay-b-" + port, 5, relayNode());
        c = new LibertyNode("relay-c-" + port, 6, relayNode());
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

    private static Map<String, String> relayNode() {
        Map<String, String> v = Cluster.sameClusterAs(RedisSupport.sharedUri());
        v.put("pushhub.outbox-relay.enabled", "true");
        v.put("pushhub.outbox-relay.jdbc-url", PostgresSupport.url());
        v.put("pushhub.outbox-relay.user", PostgresSupport.user());
        v.put("pushhub.outbox-relay.table", TABLE);
        v.put("pushhub.outbox-relay.partitions", Integer.toString(THREADS));
        v.put("pushhub.outbox-relay.poll-interval", "PT0.5S");
        v.put("pushhub.outbox-relay.batch-size", "50");
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

    private static JsonObject relay(Api api) throws Exception {
        return api.get("/health/ready").json().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(x -> "pushhub-outbox-relay".equals(x.getString("name")))
                .findFirst()
                .orElseThrow()
                .getJsonObject("data");
    }

    private static int partitionsLed(LibertyNode n) {
        try {
            String p = relay(n.api()).getString("partitions");
            return p.isEmpty() ? 0 : p.split(",").length;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Inserts thread {@code t}'s rows into partition {@code t}; returns the sequence numbers it committed. */
    private static List<Integer> insertRows(int t, List<String> users) throws Exception {
        List<Integer> committed = new ArrayList<>();
        try (Connection db = PostgresSupport.connect();
                PreparedStatement ps = db.prepareStatement("INSERT INTO " + TABLE
                        + " (partition, scope, targets, data) VALUES (?, 'user', ?, ?::jsonb)")) {
            db.setAutoCommit(false);
            int seq = 0;
            for (int tx = 0; tx < TX_PER_THREAD; tx++) {
                boolean rollback = tx % 10 == 9;
                List<Integer> inTx = new ArrayList<>();
                for (int r = 0; r < ROWS_PER_TX; r++) {
                    seq++;
                    ps.setInt(1, t);
                    ps.setArray(2, db.createArrayOf("text", users.toArray()));
                    ps.setString(3, "{\"p\":" + t + ",\"s\":" + seq + ",\"rb\":" + rollback + "}");
                    ps.addBatch();
                    inTx.add(seq);
                }
                ps.executeBatch();
                if (rollback) {
                    db.rollback();
                } else {
                    db.commit();
                    committed.addAll(inTx);
                }
            }
        }
        return committed;
    }

    private static List<List<Integer>> byPartition(WsClient client) {
        List<List<Integer>> out = new ArrayList<>();
        for (int p = 0; p < THREADS; p++) {
            out.add(new ArrayList<>());
        }
        for (JsonObject m : client.messages()) {
            JsonObject d = m.getJsonObject("data");
            out.get(d.getInt("p")).add(d.getInt("s"));
        }
        return out;
    }

    @Test
    void everyCommittedRowArrivesExactlyOnceInOrderAcrossAKilledRelay() throws Exception {
        RedisSupport.await(
                "B and C connected to Redis and PostgreSQL, one of them relaying all " + THREADS + " partitions",
                Duration.ofSeconds(60),
                () -> "up".equals(relay(b.api()).getString("state"))
                        && "up".equals(relay(c.api()).getString("state"))
                        && partitionsLed(b) + partitionsLed(c) == THREADS);
        String run = UUID.randomUUID().toString().substring(0, 6);
        List<String> users = List.of("crash-1-" + run, "crash-2-" + run);
        try (WsClient one = asUser(users.get(0));
                WsClient two = asUser(users.get(1))) {
            ExecutorService inserters = Executors.newFixedThreadPool(THREADS);
            List<Future<List<Integer>>> writes = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int partition = t;
                writes.add(inserters.submit(() -> insertRows(partition, users)));
            }
            RedisSupport.await(
                    "the relay in the middle of its work (2,000 rows received)",
                    Duration.ofSeconds(120),
                    () -> one.messages().size() >= 2000);
            LibertyNode victim = partitionsLed(b) >= partitionsLed(c) ? b : c;
            LibertyNode survivor = victim == b ? c : b;
            int before = one.messages().size();
            victim.kill();
            System.out.println("[pushhub] killed the relaying node after " + before + " rows had arrived");
            RedisSupport.await(
                    "the other node takes every partition over",
                    Duration.ofSeconds(30),
                    () -> partitionsLed(survivor) == THREADS);
            // ... and the killed node is started again while rows still flow: it rejoins as a relay that leads nothing
            // (the survivor holds every partition's lock), and delivers nothing twice.
            victim.start();
            RedisSupport.await(
                    "the restarted node's relay is up again",
                    Duration.ofSeconds(60),
                    () -> "up".equals(relay(victim.api()).getString("state")));
            assertEquals(THREADS, partitionsLed(b) + partitionsLed(c), "each partition has exactly one leader");
            List<List<Integer>> expected = new ArrayList<>();
            for (Future<List<Integer>> w : writes) {
                expected.add(w.get());
            }
            inserters.shutdown();
            assertEquals(COMMITTED, expected.stream().mapToInt(List::size).sum());
            for (WsClient client : List.of(one, two)) {
                RedisSupport.await(
                        "all " + COMMITTED + " committed rows at " + client.userId(),
                        Duration.ofMinutes(4),
                        () -> client.messages().size() >= COMMITTED);
            }
            // Anything late (a duplicate) would arrive right behind: let it, then compare exactly.
            one.barrier();
            two.barrier();
            for (WsClient client : List.of(one, two)) {
                List<List<Integer>> got = byPartition(client);
                for (int p = 0; p < THREADS; p++) {
                    List<Integer> want = expected.get(p);
                    List<Integer> have = got.get(p);
                    if (!want.equals(have)) {
                        int i = 0;
                        while (i < Math.min(want.size(), have.size())
                                && want.get(i).equals(have.get(i))) {
                            i++;
                        }
                        throw new AssertionError(client.userId() + ", partition " + p + ": expected "
                                + want.size() + " rows, received " + have.size() + "; first difference at position "
                                + i + ": expected " + want.subList(i, Math.min(i + 5, want.size())) + ", received "
                                + have.subList(i, Math.min(i + 5, have.size())));
                    }
                }
                assertTrue(
                        client.messages().stream()
                                .noneMatch(m -> m.getJsonObject("data").getBoolean("rb")),
                        "no rolled-back row arrives");
            }
            try (Connection db = PostgresSupport.connect();
                    PreparedStatement ps = db.prepareStatement("SELECT count(*) FROM " + TABLE);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1), "every relayed row is deleted, none rejected");
            }
            System.out.println("[pushhub] outbox crash test: " + COMMITTED + " rows exactly once at both clients; "
                    + "survivor metrics: "
                    + survivor.api()
                            .get("/metrics")
                            .body()
                            .lines()
                            .filter(l -> l.startsWith("pushhub_outbox_relay_rows"))
                            .toList());
        }
    }
}
