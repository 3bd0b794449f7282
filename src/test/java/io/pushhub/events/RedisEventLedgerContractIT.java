package io.pushhub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.HubEvent;
import io.pushhub.broker.redis.RedisLink;
import io.pushhub.presence.LocalConnections;
import io.pushhub.testsupport.RedisSupport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Redis ledger on a real Redis with three "nodes" (ledgers with links of their own): transitions decided once for
 * all of them, a reconnect to another node within the grace, and a crashed node's entries taken back exactly once
 * although two survivors tick. Skipped without {@code -Predis}.
 */
class RedisEventLedgerContractIT {

    static final Duration TTL = Duration.ofSeconds(2);
    static final Duration GRACE = Duration.ofMillis(600);

    private final String prefix = RedisSupport.runPrefix() + "-events-" + System.nanoTime();
    private final List<RedisLink> links = new ArrayList<>();
    private final List<RedisEventLedger> ledgers = new ArrayList<>();
    /** Every event any node handed on, with the node that did. */
    private final List<String> seen = new CopyOnWriteArrayList<>();

    private final List<HubEvent> all = new CopyOnWriteArrayList<>();
    private final java.util.Map<RedisEventLedger, NoLocal> locals = new java.util.IdentityHashMap<>();

    private void connect(RedisEventLedger l, String conn, String user) {
        locals.get(l).map.put(conn, new Conn(conn, user, ConcurrentHashMap.newKeySet()));
        l.connected(conn, user);
    }

    private void subscribe(RedisEventLedger l, String conn, String user, String topic) {
        locals.get(l).map.get(conn).topics().add(topic);
        l.subscribed(conn, user, topic);
    }

    private void unsubscribe(RedisEventLedger l, String conn, String user, String topic) {
        locals.get(l).map.get(conn).topics().remove(topic);
        l.unsubscribed(conn, user, topic);
    }

    private void disconnect(RedisEventLedger l, String conn, String user, int code) {
        LocalConnections.Local c = locals.get(l).map.remove(conn);
        l.disconnected(conn, user, Set.copyOf(c.topics()), code);
    }

    @BeforeAll
    static void needRedis() {
        RedisSupport.requireSharedRedis();
    }

    /** One local connection of a test node. */
    record Conn(String id, String userId, Set<String> topics) implements LocalConnections.Local {}

    /**
     * A node's local connections, kept as the hub's registry would be (registered before the ledger hears of them), so
     * that an announcement after a (re)connection to Redis finds the truth.
     */
    static final class NoLocal implements LocalConnections {
        final ConcurrentHashMap<String, Local> map = new ConcurrentHashMap<>();

        @Override
        public Local find(String connectionId) {
            return map.get(connectionId);
        }

        @Override
        public List<? extends Local> connectionsOf(String userId) {
            return List.of();
        }

        @Override
        public List<? extends Local> subscribers(String topic) {
            return List.of();
        }

        @Override
        public Collection<? extends Local> all() {
            return map.values();
        }
    }

    private RedisEventLedger node(String name) throws Exception {
        RedisLink link = new RedisLink(RedisSupport.sharedUri(), Duration.ofSeconds(2));
        NoLocal local = new NoLocal();
        RedisEventLedger l = new RedisEventLedger(
                link, local, prefix, name, t -> t.startsWith("chat:"), GRACE, TTL, 1000, Clock.systemUTC(), e -> {
                    all.add(e);
                    seen.add(name + " " + e.type() + " " + key(e));
                });
        locals.put(l, local);
        l.start();
        link.start();
        links.add(link);
        ledgers.add(l);
        RedisSupport.await(
                "node " + name + " connected",
                Duration.ofSeconds(15),
                () -> link.status().up());
        return l;
    }

    private static String key(HubEvent e) {
        if (e instanceof HubEvent.TopicOccupied t) {
            return t.topic();
        } else if (e instanceof HubEvent.TopicVacated t) {
            return t.topic();
        } else if (e instanceof HubEvent.MemberJoined m) {
            return m.topic() + "/" + m.userId();
        } else if (e instanceof HubEvent.MemberLeft m) {
            return m.topic() + "/" + m.userId();
        } else if (e instanceof HubEvent.UserOnline u) {
            return u.userId();
        } else if (e instanceof HubEvent.UserOffline u) {
            return u.userId();
        } else if (e instanceof HubEvent.ConnectionClosed c) {
            return c.userId() + "/" + c.connectionId() + "/" + c.code();
        }
        return "?";
    }

    private long count(String typeAndKey) {
        return seen.stream().filter(s -> s.endsWith(" " + typeAndKey)).count();
    }

    private void awaitCount(String typeAndKey, int n, Duration max) throws Exception {
        RedisSupport.await(typeAndKey + " × " + n + " (seen: " + seen + ")", max, () -> count(typeAndKey) >= n);
    }

    @AfterEach
    void stopAndClean() throws Exception {
        ledgers.forEach(RedisEventLedger::stop);
        links.forEach(RedisLink::stop);
        RedisLink cleaner = new RedisLink(RedisSupport.sharedUri(), Duration.ofSeconds(2));
        try {
            cleaner.start();
            cleaner.awaitFirstConnection(Duration.ofSeconds(5));
            RedisSupport.deleteKeys(cleaner.sync(), prefix + ":*");
        } finally {
            cleaner.stop();
        }
    }

    @Test
    void aTopicSharedByTwoNodesIsOccupiedAndVacatedOnceWithConsecutiveSequences() throws Exception {
        RedisEventLedger a = node("a");
        RedisEventLedger b = node("b");
        connect(a, "c1", "ann");
        connect(b, "c2", "bob");
        subscribe(a, "c1", "ann", "news");
        subscribe(b, "c2", "bob", "news");
        awaitCount("topic.occupied news", 1, Duration.ofSeconds(5));
        unsubscribe(a, "c1", "ann", "news");
        disconnect(b, "c2", "bob", 1000);
        awaitCount("topic.vacated news", 1, Duration.ofSeconds(5));
        awaitCount("connection.closed bob/c2/1000", 1, Duration.ofSeconds(5));
        assertEquals(1, count("topic.occupied news"), "" + seen);
        assertEquals(1, count("topic.vacated news"), "" + seen);
        List<Long> seqs = all.stream()
                .filter(e -> key(e).equals("news"))
                .map(HubEvent::seq)
                .toList();
        assertEquals(seqs.get(0) + 1, seqs.get(1), "" + all);
        assertEquals(seqs.get(1), a.topicSeq("news").getAsLong(), "the reconcile read");
        assertEquals(seqs.get(1), b.topicSeq("news").getAsLong(), "the same on every node");
    }

    @Test
    void aReconnectToAnotherNodeWithinTheGraceIsNoOfflineAndNoSecondOnline() throws Exception {
        RedisEventLedger a = node("a");
        RedisEventLedger b = node("b");
        connect(a, "c1", "ann");
        disconnect(a, "c1", "ann", 1001);
        connect(b, "c2", "ann");
        awaitCount("connection.closed ann/c1/1001", 1, Duration.ofSeconds(5));
        Thread.sleep(GRACE.multipliedBy(3).toMillis());
        assertEquals(0, count("user.offline ann"), "" + seen);
        assertEquals(1, count("user.online ann"), "" + seen);
        disconnect(b, "c2", "ann", 1000);
        awaitCount("user.offline ann", 1, Duration.ofSeconds(5));
    }

    @Test
    void aCrashedNodesEntriesAreTakenBackOnceByOneOfTwoSurvivors() throws Exception {
        node("a");
        node("b");
        RedisEventLedger doomed = node("doomed");
        connect(doomed, "c9", "dora");
        subscribe(doomed, "c9", "dora", "chat:room");
        awaitCount("member.joined chat:room/dora", 1, Duration.ofSeconds(5));
        Thread.sleep(700); // the doomed node's lease is in Redis (first tick)

        links.get(2).stop(); // SIGKILL, as far as Redis can tell: no withdrawal, no more renewals
        long crashedAt = System.nanoTime();
        awaitCount("user.offline dora", 1, TTL.plus(GRACE).plusSeconds(5));
        long took = (System.nanoTime() - crashedAt) / 1_000_000;
        Thread.sleep(TTL.plus(GRACE).toMillis()); // a second report would come by now

        assertEquals(1, count("member.left chat:room/dora"), "" + seen);
        assertEquals(1, count("topic.vacated chat:room"), "" + seen);
        assertEquals(1, count("connection.closed dora/c9/1006"), "" + seen);
        assertEquals(1, count("user.offline dora"), "" + seen);
        assertTrue(
                seen.stream()
                        .filter(s -> s.contains("dora") || s.contains("chat:room"))
                        .noneMatch(s -> s.startsWith("doomed ")
                                && (s.contains("left") || s.contains("vacated") || s.contains("offline"))),
                "made by a survivor: " + seen);
        assertTrue(took <= TTL.plus(GRACE).plusSeconds(2).toMillis(), "within lease + grace: " + took + " ms");
    }
}
