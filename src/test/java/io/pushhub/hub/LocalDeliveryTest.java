package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.PushResult;
import io.pushhub.Target;
import jakarta.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fan-out to this node's connections and the slow-consumer policy ({@link LocalDelivery}). */
class LocalDeliveryTest {

    private final HubHarness h =
            new HubHarness(Map.of("pushhub.outbox.max-messages", "8", "pushhub.delivery.write-timeout", "PT1S"));

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void eachTargetKindReachesExactlyItsConnections() throws Exception {
        HubHarness.Client alice1 = h.open("alice");
        HubHarness.Client alice2 = h.open("alice");
        HubHarness.Client bob = h.open("bob");
        bob.subscribe("news");

        assertEquals(2, push(Target.user("alice")).reached(), "both of alice's connections");
        assertEquals(1, push(Target.connection(alice2.id())).reached());
        assertEquals(1, push(Target.topic("news")).reached());
        assertEquals(3, push(Target.all()).reached());

        assertEquals(List.of("user", "all"), scopes(alice1));
        assertEquals(List.of("user", "connection", "all"), scopes(alice2));
        assertEquals(List.of("topic", "all"), scopes(bob));
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedWith1013AndTheOthersGetEverything() throws Exception {
        HubHarness.Client reader = h.open("reader");
        HubHarness.Client stalled = h.open("stalled");
        reader.subscribe("news");
        stalled.subscribe("news");
        stalled.stalled = true;
        for (int i = 0; i < 100; i++) {
            push(Target.topic("news"));
            reader.awaitMessage(); // the reader keeps up; the stalled client's queue fills
        }
        assertEquals(100, reader.messages().size(), "the reader lost nothing");
        assertEquals(LocalDelivery.CLOSE_SLOW_CONSUMER, awaitClose(stalled), "closed as a slow consumer");
        assertNull(h.hub.registry().find(stalled.id()), "gone from the hub");
        assertEquals(Map.of("news", 1), h.hub.registry().topicCounts());
        assertTrue(h.hub.stats().slowConsumerDisconnects() >= 1);
    }

    private PushResult push(Target target) {
        return h.hub.relay().push(target, Json.createValue("x"), h.hub.relay().nextMessageId());
    }

    private static List<String> scopes(HubHarness.Client c) throws InterruptedException {
        return c.messages().stream().map(m -> m.getString("scope")).toList();
    }

    private static int awaitClose(HubHarness.Client c) throws InterruptedException {
        for (int i = 0; i < 200 && c.closedWith.get() < 0; i++) {
            Thread.sleep(50);
        }
        return c.closedWith.get();
    }
}
