package io.pushhub.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Broker} must do, run against each implementation by a subclass that says how to make nodes of one
 * cluster and how to let a topic's history expire.
 */
public abstract class BrokerContract {

    protected static final HistoryPolicy SMALL = new HistoryPolicy(3, Duration.ofMinutes(5));
    protected static final HistoryPolicy ROOMY = new HistoryPolicy(100, Duration.ofMinutes(5));
    private final List<Broker> started = new ArrayList<>();

    /** A new, not yet started node of the cluster every node made by this test instance shares. */
    protected abstract Broker newNode();

    /** After {@link Broker#start}: connects whatever the node needs (Redis: its link), and waits until it is usable. */
    protected void afterStart(Broker node) throws Exception {}

    /** Lets the history of {@code topic} (published with a 1-second TTL) expire, then returns. */
    protected abstract void expire(Broker node, String topic) throws Exception;

    /** Lets {@code d} pass for the idempotency windows (default: sleeps). */
    protected void elapse(Duration d) throws Exception {
        Thread.sleep(d.toMillis());
    }

    protected Broker start(String nodeId, Consumer<Publication> listener) throws Exception {
        Broker b = newNode();
        b.start(nodeId, listener);
        started.add(b);
        afterStart(b);
        return b;
    }

    @AfterEach
    void stopNodes() {
        started.forEach(Broker::stop);
    }

    protected static String topic() {
        return "contract-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Publication topicPush(String node, String topic, String text) {
        return new Publication(
                node,
                Publication.Kind.TOPIC,
                List.of(topic),
                "m-" + text,
                null,
                1000L,
                Json.createValue(text),
                0,
                null);
    }

    @Test
    void offsetsStartAtOneAndGrowByOnePerTopicWithinOneEpoch() throws Exception {
        Broker a = start("a", p -> {});
        String t1 = topic();
        String t2 = topic();
        Publication p1 = a.publishWithHistory(topicPush("a", t1, "x"), ROOMY);
        Publication p2 = a.publishWithHistory(topicPush("a", t1, "y"), ROOMY);
        Publication q1 = a.publishWithHistory(topicPush("a", t2, "z"), ROOMY);
        assertEquals(1, p1.offset());
        assertEquals(2, p2.offset());
        assertEquals(1, q1.offset(), "offsets are per topic");
        assertEquals(p1.epoch(), p2.epoch());
        assertEquals(new StreamPosition(2, p1.epoch()), a.readHistory(t1, 0, 10).position());
    }

    @Test
    void historyAfterAnOffsetComesBackInOrderWithEveryField() throws Exception {
        Broker a = start("a", p -> {});
        String t = topic();
        for (int i = 1; i <= 5; i++) {
            a.publishWithHistory(
                    new Publication(
                            "a",
                            Publication.Kind.TOPIC,
                            List.of(t),
                            "m-" + i,
                            i % 2 == 0 ? "bob" : null,
                            100L + i,
                            Json.createObjectBuilder().add("n", i).build(),
                            0,
                            null),
                    ROOMY);
        }
        HistoryRead read = a.readHistory(t, 2, 10);
        assertEquals(
                List.of(3L, 4L, 5L),
                read.publications().stream().map(Publication::offset).toList(),
                "read: " + read);
        Publication four = read.publications().get(1);
        assertEquals("m-4", four.messageId());
        assertEquals("bob", four.from());
        assertEquals(104L, four.time());
        assertEquals(4, four.data().asJsonObject().getInt("n"));
        assertEquals(read.position().epoch(), four.epoch());
        assertEquals(
                List.of(3L, 4L),
                a.readHistory(t, 2, 2).publications().stream()
                        .map(Publication::offset)
                        .toList(),
                "limit caps the read");
    }

    @Test
    void aTopicReadBeforeItsFirstPublicationKeepsItsEpoch() throws Exception {
        Broker a = start("a", p -> {});
        String t = topic();
        HistoryRead before = a.readHistory(t, 0, 10);
        assertEquals(0, before.position().offset());
        Publication first = a.publishWithHistory(topicPush("a", t, "x"), ROOMY);
        assertEquals(before.position().epoch(), first.epoch(), "a client subscribed early must be able to resume");
        assertEquals(1, first.offset());
    }

    @Test
    void historyIsTrimmedToItsSizeButOffsetsGoOn() throws Exception {
        Broker a = start("a", p -> {});
        String t = topic();
        for (int i = 1; i <= 5; i++) {
            a.publishWithHistory(topicPush("a", t, "v" + i), SMALL);
        }
        HistoryRead read = a.readHistory(t, 0, 10);
        assertEquals(
                List.of(3L, 4L, 5L),
                read.publications().stream().map(Publication::offset).toList(),
                "read: " + read);
        assertEquals(5, read.position().offset());
        assertTrue(read.streamKept(), "trimmed, not expired");
    }

    @Test
    void expiredHistoryKeepsItsEpochAndLastOffset() throws Exception {
        Broker a = start("a", p -> {});
        String t = topic();
        HistoryPolicy brief = new HistoryPolicy(10, Duration.ofSeconds(1));
        Publication p1 = a.publishWithHistory(topicPush("a", t, "x"), brief);
        a.publishWithHistory(topicPush("a", t, "y"), brief);
        expire(a, t);
        HistoryRead read = a.readHistory(t, 0, 10);
        assertEquals(List.of(), read.publications(), "read: " + read);
        assertFalse(read.streamKept(), "the history expired as a whole");
        assertEquals(new StreamPosition(2, p1.epoch()), read.position(), "epoch and offset outlive the history");
        Publication p3 = a.publishWithHistory(topicPush("a", t, "z"), brief);
        assertEquals(3, p3.offset(), "offsets go on after expiry");
        assertEquals(p1.epoch(), p3.epoch());
    }

    @Test
    void otherNodesReceiveEveryPublicationInOrderAndNoNodeHearsItsOwn() throws Exception {
        List<Publication> heardByA = new CopyOnWriteArrayList<>();
        List<Publication> heardByB = new CopyOnWriteArrayList<>();
        CountDownLatch bDone = new CountDownLatch(1);
        CountDownLatch aDone = new CountDownLatch(1);
        Broker a = start("a", p -> {
            heardByA.add(p);
            if (p.messageId().equals("m-marker")) {
                aDone.countDown();
            }
        });
        Broker b = start("b", p -> {
            heardByB.add(p);
            if (p.messageId().equals("m-last")) {
                bDone.countDown();
            }
        });
        String t = topic();
        for (int i = 1; i <= 20; i++) {
            a.publishWithHistory(topicPush("a", t, "n" + i), ROOMY);
        }
        a.publish(new Publication(
                "a", Publication.Kind.USERS, List.of("alice"), "m-last", null, 1L, Json.createValue(1), 0, null));
        assertTrue(bDone.await(10, TimeUnit.SECONDS), "b heard: " + heardByB);
        List<Long> offsets = heardByB.stream()
                .filter(Publication::hasOffset)
                .map(Publication::offset)
                .toList();
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList(), offsets, "b heard: " + heardByB);
        assertEquals(List.of("alice"), heardByB.get(20).targets());
        assertEquals(Publication.Kind.USERS, heardByB.get(20).kind());
        // b publishes a marker after a's publications; a hears it, and nothing of its own before it.
        b.publish(new Publication(
                "b", Publication.Kind.ALL, List.of(), "m-marker", null, 1L, Json.createValue(2), 0, null));
        assertTrue(aDone.await(10, TimeUnit.SECONDS), "a heard: " + heardByA);
        assertEquals(
                List.of("m-marker"),
                heardByA.stream().map(Publication::messageId).toList(),
                "a must not hear itself");
    }

    @Test
    void twoNodesShareOneSequenceOfOffsets() throws Exception {
        Broker a = start("a", p -> {});
        Broker b = start("b", p -> {});
        String t = topic();
        Publication p1 = a.publishWithHistory(topicPush("a", t, "x"), ROOMY);
        Publication p2 = b.publishWithHistory(topicPush("b", t, "y"), ROOMY);
        assertEquals(2, p2.offset());
        assertEquals(p1.epoch(), p2.epoch());
        assertEquals(
                List.of("m-x", "m-y"),
                b.readHistory(t, 0, 10).publications().stream()
                        .map(Publication::messageId)
                        .toList());
    }

    @Test
    void publicationJsonRoundTrips() {
        Publication p = new Publication(
                "n1",
                Publication.Kind.CONNECTIONS,
                List.of("c-1", "c-2"),
                "m-1",
                "ann",
                42L,
                Json.createObjectBuilder().add("k", "v \"quoted\" ü").build(),
                7,
                "ep");
        assertEquals(p, Publication.fromJson(p.toJson()));
        Publication expiring = new Publication(
                "n1", Publication.Kind.ALL, List.of(), "m-2", null, 42L, Json.createValue(1), 0, null, 1234L);
        assertEquals(expiring, Publication.fromJson(expiring.toJson()));
        assertTrue(expiring.toJson().contains("\"x\":1234"), expiring.toJson());
        assertFalse(p.toJson().contains("\"x\""), "no expiry, no field: " + p.toJson());
        Publication plain = p.at(0, null);
        assertEquals(plain, Publication.fromJson(plain.toJson()));
        assertNotEquals(p.toJson(), plain.toJson());
        assertTrue(plain.toJson().startsWith("{\"n\":"), "the Redis script relies on this prefix: " + plain.toJson());
    }

    private static String key() {
        return "contract-key-" + UUID.randomUUID();
    }

    @Test
    void aClaimedPushIsPublishedOnceAndItsRepeatOnAnotherNodeGetsTheFirstValue() throws Exception {
        List<Publication> heardByC = new CopyOnWriteArrayList<>();
        CountDownLatch two = new CountDownLatch(2);
        Broker a = start("a", p -> {});
        Broker b = start("b", p -> {});
        start("c", p -> {
            heardByC.add(p);
            two.countDown();
        });
        String t = topic();
        String key = key();
        Publication toTopic = new Publication(
                "a", Publication.Kind.TOPIC, List.of(t), "m-first", null, 1L, Json.createValue(1), 0, null, 99_000L);
        Publication toUser = new Publication(
                "a", Publication.Kind.USERS, List.of("alice"), "m-first", null, 1L, Json.createValue(1), 0, null);
        Idempotency.Claimed first = a.publishClaimed(
                new Idempotency.Claim(key, "m|m-first", Duration.ofMinutes(1)),
                List.of(toTopic, toUser),
                java.util.Arrays.asList(ROOMY, null));
        assertFalse(first.duplicate());
        assertEquals(1, first.published().get(0).offset(), "the history topic got its offset");
        assertFalse(first.published().get(1).hasOffset());
        Idempotency.Claimed again = b.publishClaimed(
                new Idempotency.Claim(key, "m|m-second", Duration.ofMinutes(1)),
                List.of(
                        new Publication(
                                "b", Publication.Kind.TOPIC, List.of(t), "m-2", null, 1L, Json.createValue(2), 0, null),
                        new Publication(
                                "b",
                                Publication.Kind.USERS,
                                List.of("alice"),
                                "m-2",
                                null,
                                1L,
                                Json.createValue(2),
                                0,
                                null)),
                java.util.Arrays.asList(ROOMY, null));
        assertTrue(again.duplicate(), "the repeat on node b");
        assertEquals("m|m-first", again.firstValue());
        assertTrue(again.published().isEmpty());
        assertTrue(two.await(10, TimeUnit.SECONDS), "c heard: " + heardByC);
        Thread.sleep(200); // a second copy would arrive right behind
        assertEquals(2, heardByC.size(), "published once: " + heardByC);
        assertEquals(99_000L, heardByC.get(0).expiresAt(), "the expiry travels with the publication");
        HistoryRead h = a.readHistory(t, 0, 10);
        assertEquals(1, h.publications().size(), "one history entry: " + h);
        assertEquals(99_000L, h.publications().get(0).expiresAt(), "and is kept in history");
    }

    @Test
    void aClaimHoldsForItsWindowAndCanBeReleased() throws Exception {
        Broker a = start("a", p -> {});
        Broker b = start("b", p -> {});
        String key = key();
        assertEquals(null, a.claim(new Idempotency.Claim(key, "v1", Duration.ofMillis(500))));
        assertEquals("v1", b.claim(new Idempotency.Claim(key, "v2", Duration.ofMillis(500))));
        elapse(Duration.ofMillis(700));
        assertEquals(null, b.claim(new Idempotency.Claim(key, "v3", Duration.ofMinutes(1))), "the window ended");
        a.release(key, "other");
        assertEquals(
                "v3", a.claim(new Idempotency.Claim(key, "v4", Duration.ofMinutes(1))), "not released: not its value");
        a.release(key, "v3");
        assertEquals(null, a.claim(new Idempotency.Claim(key, "v5", Duration.ofMinutes(1))), "released");
    }

    @Test
    void anExcludedConnectionTravelsWithThePublicationAndItsHistoryAndOldJsonHasNone() throws Exception {
        Broker a = start("a", p -> {});
        String t = topic();
        Publication p = new Publication(
                "a", Publication.Kind.TOPIC, List.of(t), "m-1", null, 1L, Json.createValue(1), 0, null, 0, "c-sender");
        assertEquals(p, Publication.fromJson(p.toJson()));
        assertTrue(p.toJson().contains("\"xc\":\"c-sender\""), p.toJson());
        a.publishWithHistory(p, ROOMY);
        Publication kept = a.readHistory(t, 0, 10).publications().get(0);
        assertEquals("c-sender", kept.except(), "kept with the message: " + kept);
        assertTrue(kept.excludes("c-sender"));
        assertFalse(kept.excludes("c-other"));
        // What a node older than exclusion sends: no "xc", so nobody is excluded.
        Publication old =
                Publication.fromJson("{\"n\":\"old\",\"k\":\"user\",\"t\":[\"alice\"],\"m\":\"m-9\",\"ts\":5,\"d\":1}");
        assertEquals(null, old.except());
        assertFalse(old.excludes("c-sender"));
    }

    @Test
    void stickySubscriptionsAreStoredPerUserBoundedSortedAndRemovable() throws Exception {
        Broker a = start("a", p -> {});
        Broker b = start("b", p -> {});
        String user = "contract-user-" + UUID.randomUUID();
        assertEquals(List.of(), a.stickyTopics(user), "none yet");
        assertEquals(Broker.StickyAdded.ADDED, a.addSticky(user, "zeta", 2));
        assertEquals(Broker.StickyAdded.ALREADY, b.addSticky(user, "zeta", 2), "seen from another node");
        assertEquals(Broker.StickyAdded.ADDED, b.addSticky(user, "alpha", 2));
        assertEquals(Broker.StickyAdded.FULL, a.addSticky(user, "third", 2), "at most 2 per user");
        assertEquals(List.of("alpha", "zeta"), a.stickyTopics(user), "sorted, the refused one not stored");
        assertEquals(List.of(), a.stickyTopics(user + "-other"), "per user");
        assertTrue(b.removeSticky(user, "zeta"));
        assertFalse(a.removeSticky(user, "zeta"), "removed already");
        assertEquals(Broker.StickyAdded.ADDED, a.addSticky(user, "third", 2), "room again");
        assertEquals(List.of("alpha", "third"), b.stickyTopics(user));
        a.removeSticky(user, "alpha");
        a.removeSticky(user, "third");
        assertEquals(List.of(), a.stickyTopics(user));
    }
}
