package io.pushhub.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.tracing.TraceEntry.Kind;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trace in plain words, as a person asking "why didn't alice get it?" reads it. */
class TraceReportTest {

    private static final long T = Instant.parse("2026-12-02T10:00:01.234Z").toEpochMilli();

    private static List<String> summary(List<TraceEntry> entries, String user) {
        JsonObject o = TraceReport.render("m-1", entries, user, true);
        return o.getJsonArray("summary").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString)
                .toList();
    }

    @Test
    void saysWhichConnectionWasWrittenAndWhichDroppedAndWhy() {
        List<String> s = summary(
                List.of(
                        new TraceEntry("n1", Kind.PUSHED, T, null, null, "user alice"),
                        new TraceEntry("n1", Kind.QUEUED, T, "c-1", "alice", null),
                        new TraceEntry("n1", Kind.WRITTEN, T, "c-1", "alice", null),
                        new TraceEntry("n2", Kind.QUEUED, T, "c-7", "alice", null),
                        new TraceEntry("n2", Kind.DROPPED, T + 6, "c-7", "alice", "slow_consumer")),
                "alice");
        assertEquals(
                List.of(
                        "node n1: pushed at 10:00:01.234 UTC to user alice",
                        "node n1: connection c-1 of alice written at 10:00:01.234 UTC",
                        "node n2: connection c-7 of alice dropped: slow consumer: queue full, disconnected (at"
                                + " 10:00:01.240 UTC)"),
                s);
    }

    @Test
    void aUserWithNoConnectionOnAnyNodeIsOffline() {
        List<String> s = summary(
                List.of(
                        new TraceEntry("n1", Kind.NO_CONNECTION, T, null, "alice", null),
                        new TraceEntry("n2", Kind.NO_CONNECTION, T, null, "alice", null)),
                "alice");
        assertEquals("alice had no connection on any node (user offline)", s.get(s.size() - 1));
        assertEquals("node n2: alice had no connection here", s.get(1));
    }

    @Test
    void filtersByUserAndExplainsExpiryExclusionAndMissingSubscribers() {
        List<TraceEntry> entries = List.of(
                new TraceEntry("n1", Kind.QUEUED, T, "c-1", "alice", null),
                new TraceEntry("n1", Kind.DROPPED, T, "c-1", "alice", "expired"),
                new TraceEntry("n1", Kind.WRITTEN, T, "c-2", "bob", null),
                new TraceEntry("n1", Kind.EXCLUDED, T, "c-3", "alice", null),
                new TraceEntry("n2", Kind.NO_SUBSCRIBER, T, null, null, "news"));
        List<String> s = summary(entries, "alice");
        assertTrue(
                s.contains("node n1: connection c-1 of alice dropped: expired while queued (at 10:00:01.234 UTC)"),
                s.toString());
        assertTrue(
                s.contains("node n1: connection c-3 of alice excluded by the push (exceptConnection), not sent"),
                s.toString());
        assertTrue(s.contains("node n2: topic news had no subscriber here"), s.toString());
        assertTrue(s.contains("alice did not get it on any connection"), s.toString());
        assertTrue(s.stream().noneMatch(l -> l.contains("bob")), "another user's connection is left out: " + s);
        assertEquals(
                3,
                summary(entries, null).stream()
                        .filter(l -> l.contains("connection c-"))
                        .count());
    }

    @Test
    void aConnectionOnlyQueuedIsNotWrittenYet() {
        List<String> s = summary(List.of(new TraceEntry("n1", Kind.QUEUED, T, "c-1", "alice", null)), null);
        assertEquals(List.of("node n1: connection c-1 of alice queued at 10:00:01.234 UTC, not written yet"), s);
    }
}
