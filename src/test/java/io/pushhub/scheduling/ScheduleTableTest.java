package io.pushhub.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The table's claims, limit and cancel on a real (in-memory) embedded Derby. */
class ScheduleTableTest {

    private static final AtomicInteger DB = new AtomicInteger();
    private String url;
    private ScheduleTable table;

    @BeforeEach
    void create() throws Exception {
        url = "jdbc:derby:memory:sched" + DB.incrementAndGet() + ";create=true";
        table = ScheduleTable.named("pushhub_scheduled", url);
        try (Connection c = DriverManager.getConnection(url)) {
            table.create(c);
            table.create(c); // a second node starting: nothing happens
        }
    }

    @AfterEach
    void drop() {
        try {
            DriverManager.getConnection(url.replace(";create=true", ";drop=true"))
                    .close();
        } catch (Exception expected) {
            // Derby answers a drop with an exception
        }
    }

    private static ScheduleTable.Row row(String id, long due) {
        return new ScheduleTable.Row(
                id, "m-" + id, due, "topic", "[\"t\"]", "{\"n\":1}", null, null, null, null, null, null);
    }

    @Test
    void eachDueRowIsClaimedByExactlyOneOfManyRacingNodes() throws Exception {
        try (Connection c = DriverManager.getConnection(url)) {
            for (int i = 0; i < 50; i++) {
                assertTrue(table.insert(c, row("s-" + i, 1000 + i), 0, 1000));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<List<String>>> nodes = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            String node = "node-" + n;
            nodes.add(pool.submit((Callable<List<String>>) () -> {
                List<String> mine = new ArrayList<>();
                try (Connection c = DriverManager.getConnection(url)) {
                    for (ScheduleTable.Row r : table.due(c, 5000, 100)) {
                        if (table.claim(c, r.id(), node, 5000, 15000)) {
                            mine.add(r.id());
                        }
                    }
                }
                return mine;
            }));
        }
        List<String> all = new ArrayList<>();
        for (Future<List<String>> f : nodes) {
            all.addAll(f.get());
        }
        pool.shutdown();
        assertEquals(50, all.size(), "claims: " + all);
        assertEquals(50, all.stream().distinct().count(), "a row claimed twice: " + all);
        try (Connection c = DriverManager.getConnection(url)) {
            assertEquals(List.of(), table.due(c, 6000, 100), "claimed rows are not due again while leased");
            assertEquals(50, table.due(c, 15001, 100).size(), "an ended lease makes them due again (failover)");
        }
    }

    @Test
    void aNodeWhoseLeaseEndedCannotDeleteWhatAnotherNodeClaimedSince() throws Exception {
        try (Connection c = DriverManager.getConnection(url)) {
            table.insert(c, row("s-1", 1000), 0, 10);
            assertTrue(table.claim(c, "s-1", "a", 1000, 2000));
            assertTrue(table.claim(c, "s-1", "b", 2001, 3001), "after the lease another node takes it");
            assertFalse(table.finish(c, row("s-1", 1000).withLease("a", 2000)), "the old holder's delete");
            assertTrue(table.finish(c, row("s-1", 1000).withLease("b", 3001)));
            assertNull(table.get(c, "s-1"));
            assertEquals(0, table.count(c));
        }
    }

    @Test
    void theLimitIsExactAndFreedByDeletes() throws Exception {
        try (Connection c = DriverManager.getConnection(url)) {
            assertTrue(table.insert(c, row("s-1", 1000), 0, 2));
            assertTrue(table.insert(c, row("s-2", 1000), 0, 2));
            assertFalse(table.insert(c, row("s-3", 1000), 0, 2), "third of two");
            assertNull(table.get(c, "s-3"));
            assertEquals(ScheduleTable.Outcome.DONE, table.cancel(c, "s-1", 0));
            assertEquals(ScheduleTable.Outcome.NOT_FOUND, table.cancel(c, "s-1", 0));
            assertEquals(1, table.count(c));
            assertTrue(table.insert(c, row("s-3", 1000), 0, 2));
        }
    }

    @Test
    void aFiringRowCannotBeCancelledOrMovedUntilItsLeaseEnds() throws Exception {
        try (Connection c = DriverManager.getConnection(url)) {
            table.insert(c, row("s-1", 1000), 0, 10);
            assertTrue(table.claim(c, "s-1", "a", 1000, 2000));
            assertEquals(ScheduleTable.Outcome.FIRING, table.cancel(c, "s-1", 1500));
            assertEquals(ScheduleTable.Outcome.FIRING, table.reschedule(c, "s-1", 1500, 9000, null, null, "m-2"));
            assertEquals(ScheduleTable.Outcome.DONE, table.reschedule(c, "s-1", 2500, 9000, null, null, "m-2"));
            ScheduleTable.Row moved = table.get(c, "s-1");
            assertEquals(9000, moved.dueAt());
            assertEquals("m-2", moved.messageId());
            assertNull(moved.leaseOwner());
        }
    }

    @Test
    void tableNamesAreChecked() {
        assertNull(ScheduleTable.problem("pushhub_scheduled"));
        assertTrue(ScheduleTable.problem("x; drop table y").contains("pushhub.scheduled.table"));
        assertTrue(ScheduleTable.problem("Upper").contains("lower-case"));
    }
}
