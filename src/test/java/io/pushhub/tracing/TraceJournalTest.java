package io.pushhub.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The journal's three bounds: messages kept, entries per message, retention; and what reaches the cluster store. */
class TraceJournalTest {

    private final AtomicLong now = new AtomicLong(1_000_000);

    private static TraceEntry written(String connection) {
        return new TraceEntry("n1", TraceEntry.Kind.WRITTEN, 1, connection, "alice", null);
    }

    @Test
    void keepsAtMostMaxMessagesTheOldestGoFirst() {
        TraceJournal j = new TraceJournal(3, 10, Duration.ofHours(1), now::get, null);
        for (int i = 0; i < 5; i++) {
            j.record("m-" + i, written("c-" + i));
        }
        assertEquals(3, j.size());
        assertNull(j.read("m-0"), "evicted");
        assertNull(j.read("m-1"), "evicted");
        assertEquals(List.of(written("c-4")), j.read("m-4"));
        assertEquals(2, j.evicted());
    }

    @Test
    void keepsAtMostMaxEntriesPerMessageThenOneTruncatedMark() {
        TraceJournal j = new TraceJournal(10, 3, Duration.ofHours(1), now::get, null);
        for (int i = 0; i < 10; i++) {
            j.record("m", written("c-" + i));
        }
        List<TraceEntry> e = j.read("m");
        assertEquals(4, e.size(), "3 entries and the mark: " + e);
        assertEquals(TraceEntry.Kind.TRUNCATED, e.get(3).kind());
        assertEquals(7, j.entriesDropped());
    }

    @Test
    void forgetsAMessageAfterItsRetention() {
        TraceJournal j = new TraceJournal(10, 10, Duration.ofSeconds(60), now::get, null);
        j.record("old", written("c-1"));
        now.addAndGet(30_000);
        j.record("new", written("c-2"));
        now.addAndGet(30_001);
        assertNull(j.read("old"), "60 s after its first entry");
        assertNotNull(j.read("new"));
        assertEquals(1, j.size());
    }

    @Test
    void handsEveryKeptEntryToTheClusterStoreAndReadsFromIt() {
        List<String> appended = new ArrayList<>();
        TraceJournal.Remote remote = new TraceJournal.Remote() {
            @Override
            public void append(String messageId, TraceEntry entry) {
                appended.add(messageId + ":" + entry.kind().label());
            }

            @Override
            public List<TraceEntry> read(String messageId) {
                return List.of(new TraceEntry("n2", TraceEntry.Kind.DROPPED, 5, "c-9", "alice", "expired"));
            }
        };
        TraceJournal j = new TraceJournal(10, 1, Duration.ofHours(1), now::get, remote);
        j.record("m", written("c-1"));
        j.record("m", written("c-2"));
        j.record("m", written("c-3"));
        assertEquals(List.of("m:written", "m:truncated"), appended, "bounded before the cluster store too");
        assertEquals("n2", j.read("m").get(0).node(), "read from the cluster store");
    }

    @Test
    void anEntryRoundTripsThroughItsJson() {
        TraceEntry e = new TraceEntry("n1", TraceEntry.Kind.DROPPED, 123, "c-1", "alice", "slow_consumer");
        assertEquals(e, TraceEntry.parse(e.toJson().toString()));
        assertNull(TraceEntry.parse("{\"kind\":\"nonsense\"}"), "a foreign entry is skipped");
    }
}
