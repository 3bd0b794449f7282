package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Join and leave notices of presence topics, and the members list of the ack ({@link PresenceNotices}). */
class PresenceNoticesTest {

    private final HubHarness h = new HubHarness(Map.of("pushhub.topics.presence", "room:*"));

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void membersJoinAndLeaveAndTheAckListsWhoIsThere() throws Exception {
        HubHarness.Client alice = h.open("alice");
        JsonObject first = alice.subscribe("room:1");
        assertEquals("[\"alice\"]", first.get("members").toString(), "got " + first);

        HubHarness.Client bob = h.open("bob");
        JsonObject second = bob.subscribe("room:1");
        assertEquals("[\"alice\",\"bob\"]", second.get("members").toString(), "got " + second);
        JsonObject joined = alice.await(
                "bob's join", f -> "presence".equals(f.getString("type")) && "bob".equals(f.getString("userId")));
        assertEquals(
                List.of("join", "bob", bob.id()),
                List.of(joined.getString("event"), joined.getString("userId"), joined.getString("connectionId")));

        h.hub.closed(bob.connection); // the transport reports bob gone
        JsonObject left = alice.await(
                "bob's leave", f -> "presence".equals(f.getString("type")) && "leave".equals(f.getString("event")));
        assertEquals(List.of("leave", "bob"), List.of(left.getString("event"), left.getString("userId")));
        assertEquals(1, h.hub.presenceStore().topic("room:1").entries().size(), "the store forgot bob");
    }

    @Test
    void topicsWithoutPresenceGetNoNoticesAndNoMembers() throws Exception {
        HubHarness.Client alice = h.open("alice");
        JsonObject ack = alice.subscribe("news");
        assertEquals(false, ack.containsKey("members"), "got " + ack);
        h.open("bob").subscribe("news");
        alice.request("ping", "");
        assertEquals(
                0,
                alice.seen.stream()
                        .filter(f -> "presence".equals(f.getString("type")))
                        .count());
    }
}
