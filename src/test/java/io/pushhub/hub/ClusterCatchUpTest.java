package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.HistoryPolicy;
import io.pushhub.broker.HistoryRead;
import io.pushhub.broker.Publication;
import io.pushhub.broker.StreamPosition;
import jakarta.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cluster catch-up without a server: retries with backoff, holds live messages meanwhile, reports gaps. */
class ClusterCatchUpTest {

    private static final String T = "news";
    private static final String EPOCH = "e1";
    private static final HistoryPolicy POLICY = new HistoryPolicy(100, Duration.ofMinutes(5));
    private static final ClusterCatchUp.Backoff FAST =
            new ClusterCatchUp.Backoff(Duration.ofMillis(5), Duration.ofMillis(20), 4);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    /** What the subscribers got, in order: "m<offset>" for messages, "gap a..b reason" for notices. */
    private final List<String> got = Collections.synchronizedList(new ArrayList<>());

    private final List<Publication> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger reads = new AtomicInteger();
    private volatile long latest;
    private ClusterCatchUp catchUp;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static Publication pub(long offset) {
        return new Publication(
                        "other",
                        Publication.Kind.TOPIC,
                        List.of(T),
                        "m-" + offset,
                        null,
                        0,
                        Json.createValue(offset),
                        0,
                        null)
                .at(offset, EPOCH);
    }

    private void store(long... offsets) {
        for (long o : offsets) {
            stored.add(pub(o));
            latest = Math.max(latest, o);
        }
    }

    private ClusterCatchUp.Reader reader() {
        return (topic, since, limit) -> {
            reads.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
                throw new BrokerUnavailableException("connection to Redis lost; reconnecting");
            }
            List<Publication> out =
                    stored.stream().filter(p -> p.offset() > since).limit(limit).toList();
            return new HistoryRead(new StreamPosition(latest, EPOCH), out, true);
        };
    }

    private ClusterCatchUp create() {
        return create(FAST);
    }

    private ClusterCatchUp create(ClusterCatchUp.Backoff backoff) {
        catchUp = new ClusterCatchUp(
                reader(),
                new ClusterCatchUp.Target() {
                    @Override
                    public HistoryPolicy policy(String topic) {
                        return POLICY;
                    }

                    @Override
                    public boolean hasSubscribers(String topic) {
                        return true;
                    }

                    @Override
                    public void deliver(Publication p) {
                        got.add("m" + p.offset());
                        catchUp.delivered(p.topic(), p.offset(), p.epoch());
                    }

                    @Override
                    public void gap(String topic, long from, long to, String epoch, String reason, String message) {
                        got.add("gap " + from + ".." + to + " " + reason);
                    }
                },
                scheduler,
                backoff);
        return catchUp;
    }

    /** A live publication as Hub.fromCluster handles it. */
    private void live(long offset) {
        Publication p = pub(offset);
        if (catchUp.admit(p)) {
            got.add("m" + p.offset());
            catchUp.delivered(T, offset, EPOCH);
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aFailedReadIsRetriedAndLiveMessagesWaitForIt() throws Exception {
        create(new ClusterCatchUp.Backoff(Duration.ofMillis(5), Duration.ofMillis(20), 10_000));
        live(1);
        store(1, 2, 3);
        failuresLeft.set(Integer.MAX_VALUE); // the command connection is still reconnecting
        catchUp.feedResumed();
        assertEquals(1, catchUp.pendingTopics(), "still waiting after the first failure");
        live(4); // arrives while history is unreadable: held, not delivered ahead of 2 and 3
        store(4);
        await("a few retries", () -> reads.get() >= 3);
        assertEquals(List.of("m1"), got, "nothing delivered while the history cannot be read");
        failuresLeft.set(0); // Redis answers again
        await("the catch-up", () -> catchUp.pendingTopics() == 0);
        live(4); // a late live copy of an offset the catch-up delivered: dropped
        live(5);
        assertEquals(List.of("m1", "m2", "m3", "m4", "m5"), got);
    }

    @Test
    void whenRedisCannotBeReadTheListenerTriesOneTopicNotEveryOne() throws Exception {
        create(new ClusterCatchUp.Backoff(Duration.ofSeconds(2), Duration.ofSeconds(2), 3));
        for (String topic : List.of("a", "b", "c", "d")) {
            catchUp.delivered(topic, 1, EPOCH);
        }
        failuresLeft.set(Integer.MAX_VALUE);
        catchUp.feedResumed();
        assertEquals(1, reads.get(), "one failed read on the listener thread; the other topics wait for their retry");
        assertEquals(4, catchUp.pendingTopics());
    }

    @Test
    void retriesAreBoundedThenTheSubscribersAreToldTheRangeTheyMissed() throws Exception {
        create();
        live(1);
        store(1, 2, 3, 4);
        failuresLeft.set(1000);
        catchUp.feedResumed();
        live(5);
        live(6);
        await("giving up", () -> catchUp.pendingTopics() == 0);
        assertEquals(List.of("m1", "gap 2..4 unavailable", "m5", "m6"), got);
        assertEquals(FAST.attempts(), reads.get(), "one read per attempt, no more");
        // The next outage's catch-up starts after what was delivered or reported, not at the old hole.
        failuresLeft.set(0);
        store(5, 6, 7);
        catchUp.feedResumed();
        assertEquals(List.of("m1", "gap 2..4 unavailable", "m5", "m6", "m7"), got);
    }

    @Test
    void withNothingLiveToBoundItTheGapIsOpenEnded() throws Exception {
        create();
        live(7);
        failuresLeft.set(1000);
        catchUp.feedResumed();
        await("giving up", () -> catchUp.pendingTopics() == 0);
        assertEquals(List.of("m7", "gap 8..0 unavailable"), got, "to 0 = unknown end");
        live(12); // the first message after the notice ends the reported range
        failuresLeft.set(0);
        store(12, 13);
        catchUp.feedResumed();
        assertEquals(List.of("m7", "gap 8..0 unavailable", "m12", "m13"), got, "8..11 are not reported again");
    }

    @Test
    void thisNodesOwnPushesAreNotDeliveredTwice() {
        create();
        live(1);
        catchUp.delivered(T, 3, EPOCH); // pushed here, delivered directly while the feed was down
        got.add("m3");
        store(1, 2, 3, 4);
        catchUp.feedResumed();
        assertEquals(List.of("m1", "m3", "m2", "m4"), got);
        live(4); // its live copy, behind the catch-up
        live(5);
        assertEquals(List.of("m1", "m3", "m2", "m4", "m5"), got);
    }

    @Test
    void whatIsNoLongerKeptIsReportedAsTrimmed() {
        create();
        live(1);
        store(4, 5); // 2 and 3 were trimmed meanwhile
        catchUp.feedResumed();
        assertEquals(List.of("m1", "gap 2..3 trimmed", "m4", "m5"), got);
        assertFalse(catchUp.admit(pub(5)), "a late live copy of a caught-up offset is dropped");
        assertTrue(catchUp.admit(pub(6)));
    }

    @Test
    void backoffDoublesUpToItsMaximum() {
        ClusterCatchUp.Backoff b = new ClusterCatchUp.Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 8);
        assertEquals(
                List.of(200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L),
                java.util.stream.IntStream.rangeClosed(1, 7)
                        .mapToObj(i -> b.delay(i).toMillis())
                        .toList());
    }
}
