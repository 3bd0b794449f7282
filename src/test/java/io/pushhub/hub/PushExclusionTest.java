package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.Push;
import io.pushhub.Target;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A push that leaves one connection out ({@link Push#exceptConnection()}), for every kind of target and in history. */
class PushExclusionTest {

    private HubHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private List<String> texts(HubHarness.Client c) throws InterruptedException {
        return c.messages().stream().map(f -> f.getString("data")).toList();
    }

    @Test
    void theExcludedConnectionGetsNothingForAnyTargetAndTheOthersGetEverything() throws Exception {
        h = new HubHarness(Map.of());
        HubHarness.Client sender = h.open("alice");
        HubHarness.Client otherTab = h.open("alice");
        HubHarness.Client bob = h.open("bob");
        for (HubHarness.Client c : List.of(sender, otherTab, bob)) {
            c.subscribe("room");
        }
        String except = sender.id();
        assertEquals(2, push(Target.topic("room"), "topic", except), "the excluded one is not counted");
        assertEquals(1, push(Target.user("alice"), "user", except));
        assertEquals(2, push(Target.all(), "all", except));
        assertEquals(1, push(Target.connections(List.of(sender.id(), bob.id())), "connections", except));
        assertEquals(3, push(Target.topic("room"), "nobody excluded", null));

        assertEquals(List.of("nobody excluded"), texts(sender));
        assertEquals(List.of("topic", "user", "all", "nobody excluded"), texts(otherTab));
        assertEquals(List.of("topic", "all", "connections", "nobody excluded"), texts(bob));
    }

    private int push(Target target, String text, String except) {
        return h.hub.relay()
                .push(
                        Push.to(target, Json.createValue(text)).withExcept(except),
                        h.hub.relay().nextMessageId())
                .reached();
    }

    @Test
    void aHistoryReplayLeavesOutWhatExcludedThatConnection() throws Exception {
        h = new HubHarness(Map.of("pushhub.history.topics", "hist:*"));
        HubHarness.Client sender = h.open("alice");
        JsonObject ack = sender.subscribe("hist:a");
        String epoch = ack.getJsonObject("recovery").getString("epoch");
        sender.request("unsubscribe", "\"topic\":\"hist:a\"");
        push(Target.topic("hist:a"), "not for the sender", sender.id());
        push(Target.topic("hist:a"), "for everyone", null);

        JsonObject resumed = sender.request(
                "subscribe", "\"topic\":\"hist:a\",\"since\":{\"offset\":0,\"epoch\":\"" + epoch + "\"}");
        assertEquals(1, resumed.getJsonObject("recovery").getInt("replayed"), "got " + resumed);
        assertEquals(List.of("for everyone"), texts(sender));

        HubHarness.Client other = h.open("alice");
        other.request("subscribe", "\"topic\":\"hist:a\",\"since\":{\"offset\":0,\"epoch\":\"" + epoch + "\"}");
        assertEquals(List.of("not for the sender", "for everyone"), texts(other), "another connection gets both");
    }

    @Test
    void aConnectionIdMustBeUsableAndAScheduledPushCannotExcludeOne() {
        assertThrows(
                IllegalArgumentException.class,
                () -> Push.to(Target.all(), Json.createValue(1)).withExcept(" "));
        assertThrows(
                IllegalArgumentException.class,
                () -> Push.to(Target.all(), Json.createValue(1)).withExcept("c".repeat(Push.MAX_CONNECTION_ID + 1)));
        Push p = Push.to(Target.all(), Json.createValue(1)).withExcept("c-1").withTtl(java.time.Duration.ofMinutes(1));
        assertEquals("c-1", p.exceptConnection(), "kept by the other with... methods");
        assertTrue(p.withIdempotencyKey("k").exceptConnection().equals("c-1"));
    }
}
