package io.pushhub.receipts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.DeliveryReceipts.Recipient;
import io.pushhub.DeliveryReceipts.Sheet;
import io.pushhub.DeliveryReceipts.State;
import io.pushhub.receipts.ReceiptStore.Who;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ReceiptStore} promises (its Javadoc), run against each implementation through {@link #newStore}:
 * first time wins per state, the furthest state, the recipient bound, unknown ids, and (for a shared store) that what
 * one node wrote another reads. Writes may be asynchronous, so reads poll until they agree or 10 s pass.
 */
abstract class ReceiptStoreContract {

    protected static final Duration RETENTION = Duration.ofMinutes(10);

    /** A store as node {@code node} would have it, listing at most {@code maxRecipients} per message. */
    protected abstract ReceiptStore newStore(String node, int maxRecipients) throws Exception;

    /** Whether two stores made by {@link #newStore} share their receipts (a cluster's store). */
    protected abstract boolean sharedAcrossNodes();

    protected String id(String name) {
        return name + "-" + System.nanoTime();
    }

    private static Sheet eventually(ReceiptStore s, String messageId, Predicate<Sheet> ok) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Optional<Sheet> sheet = s.read(messageId).toCompletableFuture().join();
        while (sheet.isEmpty() || !ok.test(sheet.get())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the store never said so: " + sheet);
            }
            Thread.sleep(20);
            sheet = s.read(messageId).toCompletableFuture().join();
        }
        return sheet.get();
    }

    private static Map<String, Recipient> rows(Sheet s) {
        return s.recipients().stream().collect(Collectors.toMap(Recipient::connection, Function.identity()));
    }

    @Test
    void firstTimeWinsPerStateAndTheFurthestStateIsReported() throws Exception {
        ReceiptStore s = newStore("n1", 100);
        String m = id("m");
        s.pushed(m, 5, "n1");
        Who c1 = new Who("c1", "alice", "n1");
        Who c2 = new Who("c2", "alice", "n1");
        Who c3 = new Who("c3", "bob", "n1");
        s.note(m, c1, State.QUEUED, 6, null);
        s.note(m, c1, State.WRITTEN, 7, null);
        s.note(m, c1, State.ACKNOWLEDGED, 8, null);
        s.note(m, c1, State.ACKNOWLEDGED, 80, null);
        s.note(m, c2, State.QUEUED, 6, null);
        s.note(m, c3, State.DROPPED, 9, "slow_consumer");
        s.note(m, c3, State.DROPPED, 90, "closed");

        Sheet sheet = eventually(
                s,
                m,
                x -> x.recipients().size() == 3
                        && rows(x).get("c1").acknowledgedAt() != null
                        && rows(x).get("c3").droppedAt() != null
                        && x.pushedAt() != 0);
        assertEquals(5, sheet.pushedAt());
        assertEquals("n1", sheet.node());
        Recipient r1 = rows(sheet).get("c1");
        assertEquals(State.ACKNOWLEDGED, r1.state());
        assertEquals(7L, r1.writtenAt());
        assertEquals(8L, r1.acknowledgedAt(), "a repeated ack does not move it");
        assertEquals("alice", r1.user());
        assertEquals("n1", r1.node());
        assertEquals(State.QUEUED, rows(sheet).get("c2").state());
        Recipient r3 = rows(sheet).get("c3");
        assertEquals(State.DROPPED, r3.state());
        assertEquals("slow_consumer", r3.reason());
        assertEquals(9L, r3.droppedAt());
    }

    @Test
    void recipientsBeyondTheBoundAreCountedNotListed() throws Exception {
        ReceiptStore s = newStore("n1", 3);
        String m = id("m");
        for (int i = 0; i < 8; i++) {
            s.note(m, new Who("c" + i, "u", "n1"), State.WRITTEN, i, null);
        }
        Sheet sheet = eventually(s, m, x -> x.truncated() == 5);
        assertEquals(3, sheet.recipients().size(), sheet.toString());
    }

    @Test
    void anUnknownMessageHasNoReceipts() throws Exception {
        ReceiptStore s = newStore("n1", 10);
        assertTrue(s.read(id("never-pushed")).toCompletableFuture().join().isEmpty());
    }

    @Test
    void whatOneNodeWroteAnotherReadsWhenTheStoreIsShared() throws Exception {
        ReceiptStore a = newStore("na", 10);
        ReceiptStore b = newStore("nb", 10);
        String m = id("m");
        a.pushed(m, 1, "na");
        a.note(m, new Who("ca", "alice", "na"), State.WRITTEN, 2, null);
        b.note(m, new Who("cb", "alice", "nb"), State.ACKNOWLEDGED, 3, null);
        if (sharedAcrossNodes()) {
            for (ReceiptStore reader : new ReceiptStore[] {a, b}) {
                Sheet sheet = eventually(reader, m, x -> x.recipients().size() == 2);
                assertEquals("na", rows(sheet).get("ca").node());
                assertEquals("nb", rows(sheet).get("cb").node());
                assertEquals(State.ACKNOWLEDGED, rows(sheet).get("cb").state());
            }
        } else {
            assertEquals(1, eventually(a, m, x -> true).recipients().size(), "each node its own");
        }
    }
}
