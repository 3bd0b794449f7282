package io.pushhub.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The memory broker's global byte budget for topic history (pushhub.history.max-bytes). */
class MemoryBrokerHistoryBudgetTest {

    private static final HistoryPolicy POLICY = new HistoryPolicy(1000, Duration.ofMinutes(10));
    private final MemoryBrokerContractTest.ManualClock clock = new MemoryBrokerContractTest.ManualClock();

    /** Looked up once: Json.createValue searches the provider on every call, which made this test slow. */
    private static final jakarta.json.spi.JsonProvider JSON = jakarta.json.spi.JsonProvider.provider();

    private static Publication message(String topic, String data) {
        return new Publication(
                "n1", Publication.Kind.TOPIC, List.of(topic), "m-0000", null, 1L, JSON.createValue(data), 0, null);
    }

    /** What one message of {@link #message} with this data is charged. */
    private static long chargeOf(String data) {
        return MemoryBroker.charge(message("t-00", data).toJson());
    }

    private static List<Long> offsets(Broker b, String topic) throws BrokerUnavailableException {
        return b.readHistory(topic, 0, 1000).publications().stream()
                .map(Publication::offset)
                .toList();
    }

    @Test
    void theBudgetHoldsUnderManyTopicsAndTheMetricsAddUp() throws Exception {
        MemoryBroker.Bus bus = new MemoryBroker.Bus(256 * 1024);
        MemoryBroker b = new MemoryBroker(bus, clock);
        String data = "x".repeat(1000);
        int published = 0;
        for (int round = 0; round < 10; round++) {
            for (int t = 0; t < 500; t++) {
                b.publishWithHistory(message(String.format("room-%03d", t), data), POLICY);
                published++;
                assertTrue(bus.bytes() <= bus.maxBytes(), "over budget after " + published + ": " + bus.bytes());
            }
        }
        long charge = MemoryBroker.charge(message("room-000", data).toJson());
        assertEquals(bus.maxBytes() / charge, bus.messages(), "as many messages as fit");
        assertEquals(bus.messages() * charge, bus.bytes(), "bytes held = sum of what the kept messages are charged");
        assertEquals(published - bus.messages(), bus.evicted().sum(), "every message not kept was counted as evicted");
        assertEquals(0, bus.notKept().sum());
        long kept = 0;
        for (int t = 0; t < 500; t++) {
            kept += offsets(b, String.format("room-%03d", t)).size();
        }
        assertEquals(bus.messages(), kept, "the gauge matches what reads find");
        // Offsets are not affected by eviction, and a resume across evicted messages is told it was trimmed.
        HistoryRead read = b.readHistory("room-000", 1, 10);
        assertEquals(10, read.position().offset());
        assertTrue(read.streamKept(), "evicted for the budget reads as trimmed, not expired");
    }

    private static List<Long> range(long from, long to) {
        return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void theOldestMessagesOfTheLeastRecentlyUsedTopicGoFirst() throws Exception {
        String data = "p".repeat(300);
        long c = chargeOf(data);
        MemoryBroker.Bus bus = new MemoryBroker.Bus(32 * c); // room for exactly 32 messages (each at most 1/16)
        MemoryBroker b = new MemoryBroker(bus, clock);
        for (int i = 0; i < 10; i++) {
            b.publishWithHistory(message("t-aa", data), POLICY);
        }
        for (int i = 0; i < 11; i++) {
            b.publishWithHistory(message("t-bb", data), POLICY);
        }
        for (int i = 0; i < 11; i++) {
            b.publishWithHistory(message("t-cc", data), POLICY);
        }
        assertEquals(0, bus.evicted().sum(), "exactly full");
        assertEquals(32 * c, bus.bytes());
        b.readHistory("t-aa", 0, 10); // a resume uses t-aa: t-bb is now the least recently used topic, then t-cc
        for (int i = 0; i < 13; i++) {
            b.publishWithHistory(message("t-dd", data), POLICY);
        }
        // Reads touch topics too, so look only now.
        assertEquals(13, bus.evicted().sum());
        assertEquals(List.of(), offsets(b, "t-bb"), "the least recently used topic lost everything, oldest first");
        assertEquals(range(3, 11), offsets(b, "t-cc"), "then the next one lost its two oldest");
        assertEquals(range(1, 10), offsets(b, "t-aa"), "the topic read recently is kept");
        assertEquals(range(1, 13), offsets(b, "t-dd"));
        assertEquals(32 * c, bus.bytes());
        assertEquals(32, bus.messages());
        HistoryRead gone = b.readHistory("t-bb", 0, 10);
        assertTrue(gone.streamKept(), "all of t-bb evicted: a resume hears trimmed, not expired");
        assertEquals(11, gone.position().offset());
    }

    @Test
    void aLoneTopicKeepsItsNewestMessages() throws Exception {
        String data = "q".repeat(300);
        long c = chargeOf(data);
        MemoryBroker.Bus bus = new MemoryBroker.Bus(16 * c);
        MemoryBroker b = new MemoryBroker(bus, clock);
        for (int i = 0; i < 20; i++) {
            b.publishWithHistory(message("t-ee", data), POLICY);
        }
        assertEquals(range(5, 20), offsets(b, "t-ee"));
        assertEquals(4, bus.evicted().sum());
    }

    @Test
    void aMessageTooBigForTheBudgetIsNotKeptAndNothingBeforeItIsReplayedAcrossIt() throws Exception {
        MemoryBroker.Bus bus = new MemoryBroker.Bus(64 * 1024); // a message may take at most 4 KiB
        MemoryBroker b = new MemoryBroker(bus, clock);
        b.publishWithHistory(message("big", "small"), POLICY);
        Publication huge = b.publishWithHistory(message("big", "y".repeat(5000)), POLICY);
        assertEquals(2, huge.offset(), "it still gets its offset (and is delivered)");
        assertEquals(List.of(), offsets(b, "big"), "neither it nor what came before is kept");
        assertEquals(1, bus.notKept().sum());
        assertEquals(0, bus.bytes());
        assertEquals(0, bus.messages());
        b.publishWithHistory(message("big", "small again"), POLICY);
        assertEquals(List.of(3L), offsets(b, "big"));
        assertTrue(b.readHistory("big", 0, 10).streamKept());
    }

    @Test
    void expiryAndTrimmingGiveTheirBytesBack() throws Exception {
        MemoryBroker.Bus bus = new MemoryBroker.Bus();
        MemoryBroker b = new MemoryBroker(bus, clock);
        HistoryPolicy small = new HistoryPolicy(3, Duration.ofSeconds(5));
        for (int i = 0; i < 10; i++) {
            b.publishWithHistory(message("news", "n"), small);
        }
        assertEquals(3, bus.messages(), "trimmed to size");
        assertEquals(3 * chargeOf("n"), bus.bytes());
        clock.now = clock.now.plus(Duration.ofSeconds(6));
        HistoryRead expired = b.readHistory("news", 0, 10);
        assertFalse(expired.streamKept(), "expired, not trimmed");
        assertEquals(0, bus.bytes());
        assertEquals(0, bus.messages());
        assertEquals(0, bus.evicted().sum(), "expiry is not eviction");
    }

    @Test
    void nonLatin1TextIsChargedTwoBytesPerCharacter() {
        String json = "{\"d\":\"\u20ac\"}";
        assertEquals(2L * json.length() + MemoryBroker.ENTRY_OVERHEAD, MemoryBroker.charge(json));
        assertEquals(5 + MemoryBroker.ENTRY_OVERHEAD, MemoryBroker.charge("{\"a\"}"));
    }
}
