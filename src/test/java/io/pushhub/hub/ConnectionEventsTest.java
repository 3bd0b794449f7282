package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.ConnectionEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The guarantees documented on {@link ConnectionEvent}: order, isolation, bounded backlog, never the caller's thread. */
class ConnectionEventsTest {

    @Test
    void observersSeeAConnectionsLifeInOrderOnTheEventThreadAndAFailingObserverChangesNothing() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch closed = new CountDownLatch(1);
        Consumer<ConnectionEvent> failing = e -> {
            throw new IllegalStateException("broken observer");
        };
        Consumer<ConnectionEvent> recording = e -> {
            seen.add(e.getClass().getSimpleName() + "@" + Thread.currentThread().getName());
            if (e instanceof ConnectionEvent.Closed) {
                closed.countDown();
            }
        };
        ConnectionEvents events = new ConnectionEvents(e -> List.of(failing, recording), Thread::new);
        try (HubHarness h = new HubHarness(Map.of(), events)) {
            HubHarness.Client c = h.open("u");
            c.subscribe("news");
            c.request("unsubscribe", "\"topic\":\"news\"");
            assertEquals("ack", c.request("echo", "\"data\":1").getString("type"), "delivery goes on");
            h.hub.closed(c.connection);
            assertTrue(closed.await(5, TimeUnit.SECONDS));
        }
        assertEquals(
                List.of(
                        "Opened@pushhub-events",
                        "Subscribed@pushhub-events",
                        "Unsubscribed@pushhub-events",
                        "Closed@pushhub-events"),
                seen);
    }

    @Test
    void withoutObserversNoEventIsEvenBuilt() {
        ConnectionEvents none = ConnectionEvents.none();
        AtomicInteger built = new AtomicInteger();
        none.fire(() -> {
            built.incrementAndGet();
            return new ConnectionEvent.Opened(null);
        });
        assertEquals(0, built.get());
    }

    @Test
    void aStuckObserverCostsAtMostTheBacklogAndNeverBlocksTheFiringThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ConnectionEvents events = new ConnectionEvents(
                e -> List.of(x -> {
                    try {
                        release.await();
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }),
                Thread::new);
        long start = System.nanoTime();
        for (int i = 0; i < ConnectionEvents.MAX_WAITING + 500; i++) {
            events.fire(() -> new ConnectionEvent.Opened(null));
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(events.dropped().sum() >= 499, "dropped " + events.dropped().sum());
        assertTrue(tookMillis < 5_000, "firing never waited for the observer (took " + tookMillis + " ms)");
        release.countDown();
        events.stop();
    }
}
