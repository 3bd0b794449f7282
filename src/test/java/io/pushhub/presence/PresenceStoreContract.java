package io.pushhub.presence;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.Presence.Entry;
import io.pushhub.Presence.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PresenceStore} promises (its Javadoc), run against each implementation by a subclass that says how
 * to make nodes of one cluster. A node here is a store plus the {@link LocalConnections} it answers from; the test
 * changes both in the order the hub does (its registry first, then the store).
 *
 * <p>Tests about several nodes (sharing, clean stop, a node that dies without one) are skipped for stores that are
 * a cluster of one ({@link #sharesAcrossNodes()} false), and the unreachable-backend test for stores that have no
 * backend ({@link #unreachableNode} null).
 */
public abstract class PresenceStoreContract {

    /** Lease of the nodes made by {@link #newNode}: short, so a dead node's lease lapses within the test. */
    protected static final Duration TTL = Duration.ofMillis(1500);

    private final List<PresenceStore> started = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /**
     * A new, started node of the cluster that every node made by this test instance shares, with lease {@link #TTL};
     * {@code departed} hears of every subscription of a node found dead (topic, entry). Returns once the store is
     * usable.
     */
    protected abstract PresenceStore newNode(String node, LocalConnections local, Departures departed) throws Exception;

    /** True when nodes made by {@link #newNode} see each other's connections. */
    protected abstract boolean sharesAcrossNodes();

    /** Ends a node as a crash would: no clean stop, its lease is no longer renewed. */
    protected abstract void crash(PresenceStore node) throws Exception;

    /** A started node whose backend cannot be reached, or null when the store has no backend. */
    protected abstract PresenceStore unreachableNode(String node, LocalConnections local) throws Exception;

    /** Collects departures reported to a node. */
    protected static final class Departures {
        final List<Map.Entry<String, Entry>> seen = new CopyOnWriteArrayList<>();

        void accept(String topic, Entry entry) {
            seen.add(Map.entry(topic, entry));
        }

        /** As the callback a store's start method takes. */
        public java.util.function.BiConsumer<String, Entry> callback() {
            return this::accept;
        }
    }

    // ------------------------------------------------------------------ a node: store + its local view

    /** A fake of the hub's registry: this node's own connections. */
    protected static final class FakeLocal implements LocalConnections {
        record Conn(String id, String userId, Set<String> topics) implements Local {
            static Conn of(String id, String userId) {
                return new Conn(id, userId, ConcurrentHashMap.newKeySet());
            }

            @Override
            public Set<String> topics() {
                return Set.copyOf(topics);
            }
        }

        private final Map<String, Conn> byId = new ConcurrentHashMap<>();

        @Override
        public Local find(String connectionId) {
            return byId.get(connectionId);
        }

        @Override
        public List<? extends Local> connectionsOf(String userId) {
            return byId.values().stream().filter(c -> c.userId().equals(userId)).toList();
        }

        @Override
        public List<? extends Local> subscribers(String topic) {
            return byId.values().stream().filter(c -> c.topics.contains(topic)).toList();
        }

        @Override
        public Collection<? extends Local> all() {
            return List.copyOf(byId.values());
        }
    }

    protected final class Node {
        final String name;
        final FakeLocal local = new FakeLocal();
        final Departures departed = new Departures();
        final PresenceStore store;

        Node(String name) throws Exception {
            this.name = name;
            this.store = newNode(name, local, departed);
            started.add(store);
        }

        void connect(String id, String user) {
            local.byId.put(id, FakeLocal.Conn.of(id, user));
            store.connected(id, user);
        }

        void subscribe(String id, String topic) {
            FakeLocal.Conn c = local.byId.get(id);
            c.topics.add(topic);
            store.subscribed(id, c.userId(), topic);
        }

        void unsubscribe(String id, String topic) {
            FakeLocal.Conn c = local.byId.get(id);
            c.topics.remove(topic);
            store.unsubscribed(id, c.userId(), topic);
        }

        void disconnect(String id) {
            FakeLocal.Conn c = local.byId.remove(id);
            store.disconnected(id, c.userId(), Set.copyOf(c.topics));
        }
    }

    @AfterEach
    void stopNodes() {
        started.forEach(PresenceStore::stop);
    }

    protected String topic() {
        return "t-" + run + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    protected String user(String name) {
        return name + "-" + run;
    }

    protected String conn(String name) {
        return "c-" + name + "-" + run;
    }

    /** Waits until {@code c} holds (writes to a shared backend land asynchronously). */
    protected static void eventually(String what, BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void assertComplete(Snapshot s) {
        assertTrue(s.complete(), "complete: " + s);
        assertNull(s.problem(), "no problem when complete: " + s);
    }

    private static List<String> ids(Snapshot s) {
        return s.entries().stream().map(Entry::connectionId).toList();
    }

    // ------------------------------------------------------------------ one node

    @Test
    void nothingKnownIsACompleteEmptyAnswer() throws Exception {
        Node a = new Node("a");
        for (Snapshot s : List.of(
                a.store.topic(topic()),
                a.store.user(user("nobody")),
                a.store.connections(List.of(conn("nope"))),
                a.store.connections(List.of()))) {
            assertEquals(List.of(), s.entries());
            assertComplete(s);
        }
    }

    @Test
    void aConnectedConnectionIsFoundByUserAndByIdWithItsNode() throws Exception {
        Node a = new Node("a");
        a.connect(conn("1"), user("ann"));
        a.connect(conn("2"), user("ann"));
        a.connect(conn("3"), user("bob"));

        Snapshot ann = a.store.user(user("ann"));
        assertEquals(
                List.of(new Entry(conn("1"), user("ann"), "a"), new Entry(conn("2"), user("ann"), "a")), ann.entries());
        assertComplete(ann);

        Snapshot found = a.store.connections(List.of(conn("3"), conn("nope"), conn("1")));
        assertEquals(
                List.of(new Entry(conn("1"), user("ann"), "a"), new Entry(conn("3"), user("bob"), "a")),
                found.entries(),
                "only the ids that exist, sorted by user then id");
        assertComplete(found);
    }

    @Test
    void aSubscriptionIsInTheTopicUntilUnsubscribed() throws Exception {
        Node a = new Node("a");
        String t = topic();
        String other = topic();
        a.connect(conn("1"), user("ann"));
        a.connect(conn("2"), user("bob"));
        a.subscribe(conn("1"), t);
        a.subscribe(conn("2"), t);
        a.subscribe(conn("2"), other);

        assertEquals(
                List.of(new Entry(conn("1"), user("ann"), "a"), new Entry(conn("2"), user("bob"), "a")),
                a.store.topic(t).entries());
        assertComplete(a.store.topic(t));

        a.unsubscribe(conn("1"), t);
        assertEquals(List.of(conn("2")), ids(a.store.topic(t)));
        assertEquals(List.of(conn("1")), ids(a.store.user(user("ann"))), "unsubscribing keeps the connection");
        assertEquals(List.of(conn("2")), ids(a.store.topic(other)), "other topics are untouched");
    }

    @Test
    void aDisconnectedConnectionLeavesEverySnapshot() throws Exception {
        Node a = new Node("a");
        String t = topic();
        a.connect(conn("1"), user("ann"));
        a.connect(conn("2"), user("ann"));
        a.subscribe(conn("1"), t);
        a.subscribe(conn("2"), t);

        a.disconnect(conn("1"));

        assertEquals(List.of(conn("2")), ids(a.store.topic(t)));
        assertEquals(List.of(conn("2")), ids(a.store.user(user("ann"))));
        assertEquals(List.of(), a.store.connections(List.of(conn("1"))).entries());
    }

    @Test
    void entriesAreSortedByUserThenConnectionId() throws Exception {
        Node a = new Node("a");
        String t = topic();
        String[][] joins = {{"9", "bob"}, {"5", "ann"}, {"7", "bob"}, {"1", "cid"}, {"6", "ann"}};
        for (String[] j : joins) {
            a.connect(conn(j[0]), user(j[1]));
            a.subscribe(conn(j[0]), t);
        }
        List<String> expected = List.of(conn("5"), conn("6"), conn("7"), conn("9"), conn("1"));
        assertEquals(expected, ids(a.store.topic(t)));
        assertEquals(
                expected, ids(a.store.connections(List.of(conn("1"), conn("9"), conn("7"), conn("6"), conn("5")))));
    }

    @Test
    void aSnapshotIsNotChangedByLaterWritesAndCannotBeChanged() throws Exception {
        Node a = new Node("a");
        String t = topic();
        a.connect(conn("1"), user("ann"));
        a.subscribe(conn("1"), t);
        Snapshot before = a.store.topic(t);

        a.disconnect(conn("1"));

        assertEquals(List.of(conn("1")), ids(before));
        assertThrows(UnsupportedOperationException.class, () -> before.entries().clear());
    }

    @Test
    void writesForUnknownConnectionsAndTopicsDoNotThrow() throws Exception {
        Node a = new Node("a");
        assertDoesNotThrow(() -> {
            a.store.unsubscribed(conn("ghost"), user("ann"), topic());
            a.store.disconnected(conn("ghost"), user("ann"), Set.of(topic()));
            a.store.disconnected(conn("ghost"), user("ann"), Set.of());
        });
        assertEquals(List.of(), a.store.user(user("ann")).entries());
    }

    @Test
    void stopIsIdempotentAndDoesNotThrow() throws Exception {
        Node a = new Node("a");
        a.connect(conn("1"), user("ann"));
        assertDoesNotThrow(() -> {
            a.store.stop();
            a.store.stop();
        });
    }

    // ------------------------------------------------------------------ backend unreachable

    @Test
    void withoutItsBackendAStoreAnswersWithThisNodeAloneAndSaysWhy() throws Exception {
        FakeLocal local = new FakeLocal();
        PresenceStore lonely = unreachableNode("lonely", local);
        Assumptions.assumeTrue(lonely != null, "this store has no backend to lose");
        started.add(lonely);
        String t = topic();
        FakeLocal.Conn c = FakeLocal.Conn.of(conn("1"), user("ann"));
        local.byId.put(c.id(), c);
        c.topics.add(t);
        assertDoesNotThrow(
                () -> {
                    lonely.connected(c.id(), c.userId());
                    lonely.subscribed(c.id(), c.userId(), t);
                },
                "writes never throw");

        for (Snapshot s : List.of(lonely.topic(t), lonely.user(user("ann")), lonely.connections(List.of(c.id())))) {
            assertEquals(List.of(new Entry(c.id(), c.userId(), "lonely")), s.entries(), "this node's own part");
            assertFalse(s.complete(), "incomplete: " + s);
            assertNotNull(s.problem(), "says why: " + s);
        }
        assertDoesNotThrow(() -> {
            lonely.unsubscribed(c.id(), c.userId(), t);
            lonely.disconnected(c.id(), c.userId(), Set.of(t));
        });
    }

    // ------------------------------------------------------------------ several nodes

    private void needCluster() {
        Assumptions.assumeTrue(sharesAcrossNodes(), "a store of one node: nothing is shared between nodes");
    }

    @Test
    void everyNodeSeesTheConnectionsOfEveryOtherNode() throws Exception {
        needCluster();
        Node a = new Node("a");
        Node b = new Node("b");
        String t = topic();
        a.connect(conn("a1"), user("ann"));
        a.subscribe(conn("a1"), t);
        b.connect(conn("b1"), user("ann"));
        b.subscribe(conn("b1"), t);

        List<Entry> both = List.of(new Entry(conn("a1"), user("ann"), "a"), new Entry(conn("b1"), user("ann"), "b"));
        for (Node n : List.of(a, b)) {
            eventually(
                    "node " + n.name + " sees both in the topic",
                    () -> n.store.topic(t).entries().equals(both));
            assertComplete(n.store.topic(t));
            assertEquals(both, n.store.user(user("ann")).entries());
            assertEquals(
                    both, n.store.connections(List.of(conn("b1"), conn("a1"))).entries());
        }

        a.unsubscribe(conn("a1"), t);
        eventually("b sees a1 leave the topic", () -> ids(b.store.topic(t)).equals(List.of(conn("b1"))));
        a.disconnect(conn("a1"));
        eventually("b sees a1 gone", () -> ids(b.store.user(user("ann"))).equals(List.of(conn("b1"))));
        assertEquals(List.of(), b.store.connections(List.of(conn("a1"))).entries());
    }

    @Test
    void aCleanStopWithdrawsTheNodesEntriesAtOnce() throws Exception {
        needCluster();
        Node a = new Node("a");
        Node b = new Node("b");
        String t = topic();
        a.connect(conn("a1"), user("ann"));
        a.subscribe(conn("a1"), t);
        eventually("b sees a1", () -> ids(b.store.topic(t)).equals(List.of(conn("a1"))));

        a.store.stop();

        assertEquals(List.of(), b.store.topic(t).entries(), "gone as soon as stop returned");
        assertEquals(List.of(), b.store.user(user("ann")).entries());
        assertEquals(List.of(), b.store.connections(List.of(conn("a1"))).entries());
        assertEquals(List.of(), b.departed.seen, "a clean stop is no departure");
    }

    @Test
    void aNodeThatDiesWithoutStoppingDisappearsWithinItsLeaseAndItsSubscriptionsAreReportedDeparted() throws Exception {
        needCluster();
        Node a = new Node("a");
        Node b = new Node("b");
        String t = topic();
        a.connect(conn("a1"), user("ann"));
        a.subscribe(conn("a1"), t);
        a.connect(conn("a2"), user("bob"));
        eventually("b sees a1", () -> ids(b.store.topic(t)).equals(List.of(conn("a1"))));

        long crashed = System.nanoTime();
        crash(a.store);

        eventually(
                "a's entries gone from b's answers",
                () -> b.store.topic(t).entries().isEmpty()
                        && b.store.user(user("bob")).entries().isEmpty());
        long tookMs = (System.nanoTime() - crashed) / 1_000_000;
        assertTrue(tookMs < TTL.toMillis() * 3, "gone within about one lease (" + TTL + "), took " + tookMs + " ms");
        assertComplete(b.store.topic(t));

        eventually("b reports a1's subscription departed", () -> !b.departed.seen.isEmpty());
        assertEquals(
                List.of(Map.entry(t, new Entry(conn("a1"), user("ann"), "a"))),
                b.departed.seen,
                "each subscription of the dead node, once");
    }
}
