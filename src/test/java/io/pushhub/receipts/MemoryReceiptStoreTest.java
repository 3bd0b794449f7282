package io.pushhub.receipts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.DeliveryReceipts.Recipient;
import io.pushhub.DeliveryReceipts.Sheet;
import io.pushhub.DeliveryReceipts.State;
import io.pushhub.receipts.ReceiptStore.Who;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The memory receipt store keeps what it promises and no more: retention, messages, recipients, first time wins. */
class MemoryReceiptStoreTest {

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private final TestClock clock = new TestClock();

    private static Optional<Sheet> read(ReceiptStore s, String id) {
        return s.read(id).toCompletableFuture().join();
    }

    private static Who who(String conn) {
        return new Who(conn, "alice", "n1");
    }

    @Test
    void eachRecipientKeepsTheFirstTimeOfEachStateAndItsFurthestState() {
        MemoryReceiptStore s = new MemoryReceiptStore(Duration.ofMinutes(10), 100, 100, clock);
        s.pushed("m1", 5, "n1");
        s.note("m1", who("c1"), State.QUEUED, 6, null);
        s.note("m1", who("c1"), State.WRITTEN, 7, null);
        s.note("m1", who("c1"), State.WRITTEN, 70, null);
        s.note("m1", who("c1"), State.ACKNOWLEDGED, 8, null);
        s.note("m1", who("c1"), State.ACKNOWLEDGED, 80, null);
        s.note("m1", who("c2"), State.QUEUED, 6, null);
        s.note("m1", who("c3"), State.WRITTEN, 7, null);
        s.note("m1", who("c3"), State.DROPPED, 9, "send_failed");
        s.note("m1", who("c3"), State.DROPPED, 90, "closed");

        Sheet sheet = read(s, "m1").orElseThrow();
        assertEquals(5, sheet.pushedAt());
        assertEquals("n1", sheet.node());
        assertEquals(3, sheet.recipients().size());
        Recipient c1 = sheet.recipients().get(0);
        assertEquals(State.ACKNOWLEDGED, c1.state());
        assertEquals(7L, c1.writtenAt(), "first write wins");
        assertEquals(8L, c1.acknowledgedAt(), "a repeated ack does not move the time");
        assertEquals(State.QUEUED, sheet.recipients().get(1).state());
        Recipient c3 = sheet.recipients().get(2);
        assertEquals(State.DROPPED, c3.state());
        assertEquals("send_failed", c3.reason(), "the first drop's reason");
        assertEquals(9L, c3.droppedAt());
        assertTrue(read(s, "unknown").isEmpty());
    }

    @Test
    void recipientsBeyondTheBoundAreCountedNotListed() {
        MemoryReceiptStore s = new MemoryReceiptStore(Duration.ofMinutes(10), 100, 3, clock);
        for (int i = 0; i < 10; i++) {
            s.note("m1", who("c" + i), State.WRITTEN, i, null);
        }
        s.note("m1", who("c0"), State.ACKNOWLEDGED, 20, null); // a listed one still moves on
        Sheet sheet = read(s, "m1").orElseThrow();
        assertEquals(3, sheet.recipients().size());
        assertEquals(7, sheet.truncated());
        assertEquals(State.ACKNOWLEDGED, sheet.recipients().get(0).state());
    }

    @Test
    void theOldestMessagesAreForgottenBeyondTheBoundAndEveryMessageAfterTheRetention() {
        MemoryReceiptStore s = new MemoryReceiptStore(Duration.ofSeconds(60), 1000, 10, clock);
        for (int i = 0; i < 1500; i++) {
            s.pushed("m" + i, i, "n1");
        }
        assertEquals(1000, s.size(), "bounded");
        assertTrue(read(s, "m499").isEmpty(), "the oldest went first");
        assertTrue(read(s, "m500").isPresent());
        clock.millis += 30_000;
        s.pushed("late", 0, "n1");
        clock.millis += 30_001;
        assertTrue(read(s, "m1499").isEmpty(), "past the retention");
        assertTrue(read(s, "late").isPresent(), "still within its retention");
        assertEquals(1, s.size());
    }
}
