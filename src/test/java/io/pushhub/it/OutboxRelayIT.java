package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.HubIT;
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
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox relay against a real PostgreSQL (-Ppostgres): the test server relays this run's table (4 partitions, a 2 s
 * poll); the tests insert rows as a backend would, in transactions, and watch a WebSocket client.
 */
class OutboxRelayIT extends HubIT {

    private static final String TABLE = PostgresSupport.table();
    private String user;

    @BeforeAll
    static void needsPostgres() {
        PostgresSupport.requirePostgres();
    }

    @BeforeEach
    void relayIsUp() throws Exception {
        user = "outbox-" + UUID.randomUUID().toString().substring(0, 8);
        RedisSupport.await("the outbox relay is up and leads all 4 partitions", Duration.ofSeconds(60), () -> {
            JsonObject d = relayCheck();
            return "up".equals(d.getString("state")) && "0,1,2,3".equals(d.getString("partitions"));
        });
    }

    private JsonObject relayCheck() throws Exception {
        return api.get("/health/ready").json().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> "pushhub-outbox-relay".equals(c.getString("name")))
                .findFirst()
                .orElseThrow()
                .getJsonObject("data");
    }

    /** Inserts a row addressed to {@code user}, in the caller's transaction. */
    private static long insert(Connection c, int partition, String scope, String[] targets, String data)
            throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
                + " (partition, scope, targets, data) VALUES (?, ?, ?, ?::jsonb) RETURNING id")) {
            ps.setInt(1, partition);
            ps.setString(2, scope);
            ps.setArray(3, c.createArrayOf("text", targets));
            ps.setString(4, data);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private List<Integer> received(WsClient client) {
        return client.messages().stream()
                .map(m -> m.getJsonObject("data").getInt("n"))
                .toList();
    }

    @Test
    void aCommittedRowReachesTheClientAndARolledBackOneNever() throws Exception {
        try (WsClient client = asUser(user);
                Connection db = PostgresSupport.connect()) {
            String[] to = {user};
            db.setAutoCommit(false);
            insert(db, 1, "user", to, "{\"n\":1}");
            db.commit();
            insert(db, 1, "user", to, "{\"n\":2}");
            db.rollback();
            insert(db, 1, "user", to, "{\"n\":3}");
            db.commit();
            client.await(
                    "row 3",
                    f -> "message".equals(f.getString("type", ""))
                            && f.getJsonObject("data").getInt("n") == 3,
                    Duration.ofSeconds(10));
            client.barrier();
            assertEquals(List.of(1, 3), received(client), "in commit order, without the rolled-back row");
            JsonObject m = client.messages().get(0);
            assertEquals("user", m.getString("scope"));
        }
    }

    @Test
    void aMalformedRowIsKeptWithItsReasonAndItsPartitionGoesOn() throws Exception {
        try (WsClient client = asUser(user);
                Connection db = PostgresSupport.connect()) {
            long badScope = insert(db, 2, "everyone", new String[0], "{\"n\":1}");
            long badTopic = insert(db, 2, "topic", new String[] {"no spaces allowed"}, "{\"n\":2}");
            long outside = insert(db, 9, "user", new String[] {user}, "{\"n\":3}");
            insert(db, 2, "user", new String[] {user}, "{\"n\":4}");
            client.await(
                    "row 4, behind the malformed ones in its partition",
                    f -> "message".equals(f.getString("type", ""))
                            && f.getJsonObject("data").getInt("n") == 4,
                    Duration.ofSeconds(10));
            assertEquals(List.of(4), received(client));
            // The relay records a round's rejections after that round's pushes, and finds a row of a
            // partition outside 0..N-1 through the leader of partition 0: wait for the three (a few rounds at most).
            List<String> errors = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            do {
                errors.clear();
                try (PreparedStatement ps = db.prepareStatement("SELECT id, error FROM " + TABLE
                        + " WHERE id = ANY(?) AND rejected_at IS NOT NULL ORDER BY id")) {
                    ps.setArray(1, db.createArrayOf("bigint", new Long[] {badScope, badTopic, outside}));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            errors.add(rs.getString(2));
                        }
                    }
                }
                if (errors.size() < 3) {
                    Thread.sleep(200);
                }
            } while (errors.size() < 3 && System.nanoTime() < deadline);
            assertEquals(3, errors.size(), "all three kept: " + errors);
            assertTrue(errors.get(0).contains("unknown scope 'everyone'"), errors.get(0));
            assertTrue(errors.get(1).contains("characters outside"), errors.get(1));
            assertTrue(errors.get(2).contains("partition 9 is outside 0..3"), errors.get(2));
            String metrics = api.get("/metrics").body();
            assertTrue(
                    metrics.lines()
                            .anyMatch(l -> l.startsWith("pushhub_outbox_relay_rows_rejected_total")
                                    && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 3),
                    "rejections are counted");
        }
    }

    @Test
    void anExpiredRowIsDroppedNotDelivered() throws Exception {
        try (WsClient client = asUser(user);
                Connection db = PostgresSupport.connect()) {
            long expired;
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO " + TABLE
                    + " (partition, scope, targets, data, expires_at) VALUES (3, 'user', ?, '{\"n\":1}',"
                    + " now() - interval '1 second') RETURNING id")) {
                ps.setArray(1, db.createArrayOf("text", new String[] {user}));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    expired = rs.getLong(1);
                }
            }
            insert(db, 3, "user", new String[] {user}, "{\"n\":2}");
            client.await(
                    "row 2",
                    f -> "message".equals(f.getString("type", ""))
                            && f.getJsonObject("data").getInt("n") == 2,
                    Duration.ofSeconds(10));
            assertEquals(List.of(2), received(client), "the expired row is not delivered");
            try (PreparedStatement ps = db.prepareStatement("SELECT count(*) FROM " + TABLE + " WHERE id = ?")) {
                ps.setLong(1, expired);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(0, rs.getInt(1), "the expired row is gone from the table");
                }
            }
        }
    }

    /**
     * NOTIFY wakes the relay: with a 2 s poll, five rows in a row each arrive well within a quarter of it (a relay
     * that only polled would take 1 s on average, and five times under 500 ms by chance about once in a thousand).
     */
    @Test
    void listenNotifyDeliversWellWithinThePollInterval() throws Exception {
        try (WsClient client = asUser(user);
                Connection db = PostgresSupport.connect()) {
            List<Long> millis = new ArrayList<>();
            for (int n = 0; n <= 5; n++) { // row 0 warms up this connection and this client's path: not measured
                int k = n;
                Thread.sleep(300); // not aligned with whatever the relay did last
                long t0 = System.nanoTime();
                insert(db, 0, "user", new String[] {user}, "{\"n\":" + n + "}");
                client.await(
                        "row " + n,
                        f -> "message".equals(f.getString("type", ""))
                                && f.getJsonObject("data").getInt("n") == k,
                        Duration.ofSeconds(10));
                if (n > 0) {
                    millis.add((System.nanoTime() - t0) / 1_000_000);
                }
            }
            assertTrue(millis.stream().allMatch(ms -> ms < 500), "commit-to-client times (ms): " + millis);
        }
    }
}
