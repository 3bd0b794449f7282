package io.pushhub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.HubEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one-node ledger: each transition once, numbered per topic and per user, and the offline grace. */
class MemoryEventLedgerTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final BlockingQueue<HubEvent> events = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private MemoryEventLedger ledger(Duration grace) {
        return new MemoryEventLedger("n1", t -> t.startsWith("chat:"), grace, Clock.systemUTC(), timer, events::add);
    }

    private List<String> drained() {
        List<HubEvent> out = new ArrayList<>();
        events.drainTo(out);
        return out.stream().map(MemoryEventLedgerTest::describe).toList();
    }

    private static String describe(HubEvent e) {
        if (e instanceof HubEvent.TopicOccupied t) {
            return "occupied " + t.topic();
        } else if (e instanceof HubEvent.TopicVacated t) {
            return "vacated " + t.topic();
        } else if (e instanceof HubEvent.MemberJoined m) {
            return "joined " + m.topic() + " " + m.userId();
        } else if (e instanceof HubEvent.MemberLeft m) {
            return "left " + m.topic() + " " + m.userId();
        } else if (e instanceof HubEvent.UserOnline u) {
            return "online " + u.userId();
        } else if (e instanceof HubEvent.UserOffline u) {
            return "offline " + u.userId();
        } else if (e instanceof HubEvent.ConnectionClosed c) {
            return "closed " + c.connectionId() + " " + c.code();
        }
        throw new AssertionError(e);
    }

    @Test
    void aTopicIsOccupiedByItsFirstSubscriberAndVacatedByItsLastOnceEach() {
        MemoryEventLedger l = ledger(Duration.ZERO);
        l.connected("c1", "ann");
        l.connected("c2", "bob");
        l.subscribed("c1", "ann", "news");
        l.subscribed("c2", "bob", "news");
        l.subscribed("c2", "bob", "news"); // a repeat changes nothing
        l.unsubscribed("c1", "ann", "news");
        l.unsubscribed("c1", "ann", "news");
        l.unsubscribed("c2", "bob", "news");
        assertEquals(List.of("online ann", "online bob", "occupied news", "vacated news"), drained());
    }

    @Test
    void aPresenceTopicHasMembersPerUserNotPerConnection() {
        MemoryEventLedger l = ledger(Duration.ZERO);
        l.connected("c1", "ann");
        l.connected("c2", "ann");
        l.subscribed("c1", "ann", "chat:1");
        l.subscribed("c2", "ann", "chat:1");
        l.disconnected("c1", "ann", Set.of("chat:1"), 1000);
        l.disconnected("c2", "ann", Set.of("chat:1"), 1001);
        assertEquals(
                List.of(
                        "online ann",
                        "occupied chat:1",
                        "joined chat:1 ann",
                        "closed c1 1000",
                        "left chat:1 ann",
                        "vacated chat:1",
                        "closed c2 1001",
                        "offline ann"),
                drained());
    }

    @Test
    void sequenceNumbersGrowByOnePerTopicAndPerUserAndAreWhatTheReconcileReadAnswers() {
        long before = System.currentTimeMillis() * 1000;
        MemoryEventLedger l = ledger(Duration.ZERO);
        l.connected("c1", "ann");
        l.subscribed("c1", "ann", "chat:1");
        l.subscribed("c1", "ann", "other");
        l.disconnected("c1", "ann", Set.of("chat:1", "other"), 1000);
        List<HubEvent> all = new ArrayList<>();
        events.drainTo(all);
        List<Long> chat = all.stream()
                .filter(e -> e instanceof HubEvent.TopicOccupied t && t.topic().equals("chat:1")
                        || e instanceof HubEvent.TopicVacated v && v.topic().equals("chat:1")
                        || e instanceof HubEvent.MemberJoined
                        || e instanceof HubEvent.MemberLeft)
                .map(HubEvent::seq)
                .toList();
        assertEquals(4, chat.size(), "occupied, joined, left, vacated: " + all);
        for (int i = 1; i < chat.size(); i++) {
            assertEquals(chat.get(i - 1) + 1, chat.get(i), "chat:1's sequence: " + chat);
        }
        assertTrue(chat.get(0) > before, "a new sequence starts from the clock: " + chat);
        List<Long> ann = all.stream()
                .filter(e -> e instanceof HubEvent.UserOnline
                        || e instanceof HubEvent.UserOffline
                        || e instanceof HubEvent.ConnectionClosed)
                .map(HubEvent::seq)
                .toList();
        assertEquals(List.of(ann.get(0), ann.get(0) + 1, ann.get(0) + 2), ann, "online, closed, offline: " + all);
        assertEquals(chat.get(3), l.topicSeq("chat:1").getAsLong());
        assertEquals(ann.get(2), l.userSeq("ann").getAsLong());
        assertTrue(l.topicSeq("never").isEmpty());
        assertEquals(all.size(), all.stream().map(HubEvent::id).distinct().count(), "unique ids: " + all);
    }

    @Test
    void aSubscribeReportedAfterItsConnectionsCloseLeavesNothingBehind() {
        MemoryEventLedger l = ledger(Duration.ZERO);
        l.connected("c1", "ann");
        l.disconnected("c1", "ann", Set.of(), 1006);
        l.subscribed("c1", "ann", "news"); // the subscribe raced the close
        assertEquals(List.of("online ann", "closed c1 1006", "offline ann"), drained());
        assertTrue(l.topicSeq("news").isEmpty(), "news was never occupied");
    }

    @Test
    void aReconnectWithinTheGraceIsNeitherOfflineNorOnline() throws Exception {
        MemoryEventLedger l = ledger(Duration.ofMillis(300));
        l.connected("c1", "ann");
        l.disconnected("c1", "ann", Set.of(), 1001);
        l.connected("c2", "ann"); // the page reloaded
        assertNull(poll(Duration.ofMillis(700), "offline"), "no offline after a reload: " + events);
        assertEquals(List.of("online ann", "closed c1 1001"), drained());
    }

    @Test
    void offlineComesOnceTheGraceIsOverAndNotBefore() throws Exception {
        MemoryEventLedger l = ledger(Duration.ofMillis(400));
        l.connected("c1", "ann");
        long closedAt = System.nanoTime();
        l.disconnected("c1", "ann", Set.of(), 1000);
        HubEvent offline = poll(Duration.ofSeconds(5), "offline");
        assertNotNull(offline, "offline after the grace: " + events);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
        assertTrue(waited >= 380, "offline waited for the grace, took " + waited + " ms");
        assertNull(poll(Duration.ofMillis(500), "offline"), "only once");
    }

    @Test
    void aStoppedLedgerReportsNoPendingOffline() throws Exception {
        MemoryEventLedger l = ledger(Duration.ofMillis(200));
        l.connected("c1", "ann");
        l.disconnected("c1", "ann", Set.of(), 1001);
        l.stop();
        assertNull(poll(Duration.ofMillis(600), "offline"));
    }

    /** The next event of that kind (others are kept aside), or null after {@code max}. */
    private HubEvent poll(Duration max, String kind) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        List<HubEvent> aside = new ArrayList<>();
        try {
            while (System.nanoTime() < deadline) {
                HubEvent e = events.poll(20, TimeUnit.MILLISECONDS);
                if (e != null && describe(e).startsWith(kind)) {
                    return e;
                }
                if (e != null) {
                    aside.add(e);
                }
            }
            return null;
        } finally {
            List<HubEvent> rest = new ArrayList<>();
            events.drainTo(rest);
            events.addAll(aside);
            events.addAll(rest);
        }
    }
}
