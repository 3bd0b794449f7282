package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.Push;
import io.pushhub.Target;
import io.pushhub.tracing.TraceEntry;
import io.pushhub.tracing.Tracing;
import jakarta.json.Json;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the fan-out records in the trace journal for a journaled push, and that an untraced push records nothing. */
class TracedFanOutTest {

    private HubHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private String push(Push push, boolean trace) {
        String id = h.hub.relay().nextMessageId();
        Tracing.requested(trace, null, () -> h.hub.relay().push(push, id));
        return id;
    }

    private List<TraceEntry> entriesUntil(String id, int written) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<TraceEntry> e;
        do {
            e = h.hub.tracing().journal().read(id);
            if (e != null
                    && e.stream()
                                    .filter(x -> x.kind() == TraceEntry.Kind.WRITTEN)
                                    .count()
                            >= written) {
                return e;
            }
            Thread.sleep(10); // the harness writes on its own thread
        } while (System.nanoTime() < deadline);
        throw new AssertionError("journal of " + id + ": " + e);
    }

    @Test
    void aJournaledPushRecordsPushedQueuedWrittenExcludedAndTheUserWithoutConnection() throws Exception {
        h = new HubHarness(Map.of());
        HubHarness.Client tab1 = h.open("alice");
        HubHarness.Client tab2 = h.open("alice");
        HubHarness.Client bob = h.open("bob");
        String id = push(
                Push.to(Target.users(List.of("alice", "bob", "carol")), Json.createValue("hi"))
                        .withExcept(bob.id()),
                true);
        List<TraceEntry> e = entriesUntil(id, 2);
        Map<TraceEntry.Kind, List<String>> byKind = e.stream()
                .collect(Collectors.groupingBy(
                        TraceEntry::kind,
                        Collectors.mapping(
                                x -> x.connection() == null ? x.user() : x.connection(), Collectors.toList())));
        assertEquals(1, byKind.get(TraceEntry.Kind.PUSHED).size(), e.toString());
        assertTrue(byKind.get(TraceEntry.Kind.QUEUED).containsAll(List.of(tab1.id(), tab2.id())), e.toString());
        assertTrue(byKind.get(TraceEntry.Kind.WRITTEN).containsAll(List.of(tab1.id(), tab2.id())), e.toString());
        assertEquals(List.of(bob.id()), byKind.get(TraceEntry.Kind.EXCLUDED), e.toString());
        assertEquals(List.of("carol"), byKind.get(TraceEntry.Kind.NO_CONNECTION), e.toString());
        assertEquals(1, h.hub.tracing().journaledCount());
    }

    @Test
    void aTopicWithoutSubscribersIsRecordedAndAnUntracedPushIsNot() throws Exception {
        h = new HubHarness(Map.of());
        String traced = push(Push.to(Target.topic("empty"), Json.createValue(1)), true);
        List<TraceEntry> e = h.hub.tracing().journal().read(traced);
        assertTrue(
                e.stream().anyMatch(x -> x.kind() == TraceEntry.Kind.NO_SUBSCRIBER && "empty".equals(x.detail())),
                String.valueOf(e));
        String untraced = push(Push.to(Target.topic("empty"), Json.createValue(1)), false);
        assertNull(h.hub.tracing().journal().read(untraced));
        assertEquals(1, h.hub.tracing().journal().size());
    }
}
