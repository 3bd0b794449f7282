package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** chat:<room> topics: clients publish, everyone in the room receives, join/leave presence notices. */
class ChatRoomIT extends HubIT {

    private static boolean presence(JsonObject f, String event, String user) {
        return "presence".equals(f.getString("type", ""))
                && event.equals(f.getString("event"))
                && user.equals(f.getString("userId"));
    }

    @Test
    void publishJoinAndLeave() throws Exception {
        try (WsClient ann = asUser("ann");
                WsClient outsider = asUser("otto")) {
            JsonObject annAck = ann.subscribe("chat:lobby");
            assertEquals(
                    List.of("ann"),
                    annAck.getJsonArray("members").getValuesAs(JsonString.class).stream()
                            .map(JsonString::getString)
                            .toList(),
                    "ack: " + annAck);

            WsClient ben = asUser("ben");
            JsonObject benAck = ben.subscribe("chat:lobby");
            assertEquals(
                    List.of("ann", "ben"),
                    benAck.getJsonArray("members").getValuesAs(JsonString.class).stream()
                            .map(JsonString::getString)
                            .toList(),
                    "ack: " + benAck);
            JsonObject join = ann.await("ben joins", f -> presence(f, "join", "ben"), Duration.ofSeconds(10));
            assertEquals("chat:lobby", join.getString("topic"), "join: " + join);
            assertEquals(ben.connectionId(), join.getString("connectionId"), "join: " + join);

            JsonObject pubAck = ben.request("publish", "\"topic\":\"chat:lobby\",\"data\":{\"text\":\"hello room\"}");
            assertEquals("ack", pubAck.getString("type"), "publish: " + pubAck);
            for (WsClient member : List.of(ann, ben)) {
                JsonObject m = member.awaitMessage("chat message");
                assertEquals("ben", m.getString("from"), "frame: " + m);
                assertEquals("chat:lobby", m.getString("topic"), "frame: " + m);
                assertEquals(pubAck.getString("messageId"), m.getString("messageId"), "frame: " + m);
                assertEquals("hello room", m.getJsonObject("data").getString("text"), "frame: " + m);
            }
            outsider.barrier();
            assertEquals(List.of(), outsider.messages(), "someone outside the room must get nothing");

            ben.close();
            JsonObject leave = ann.await("ben leaves", f -> presence(f, "leave", "ben"), Duration.ofSeconds(10));
            assertEquals("chat:lobby", leave.getString("topic"), "leave: " + leave);
        }
    }

    @Test
    void unsubscribingFromTheRoomSendsLeave() throws Exception {
        try (WsClient a = WsClient.connect(WS);
                WsClient b = WsClient.connect(WS)) {
            a.subscribe("chat:quiet");
            b.subscribe("chat:quiet");
            b.request("unsubscribe", "\"topic\":\"chat:quiet\"");
            JsonObject leave = a.await("b leaves", f -> presence(f, "leave", b.userId()), Duration.ofSeconds(10));
            assertEquals(b.connectionId(), leave.getString("connectionId"), "leave: " + leave);
        }
    }

    @Test
    void publishingRequiresMembership() throws Exception {
        try (WsClient a = WsClient.connect(WS)) {
            JsonObject err = a.request("publish", "\"topic\":\"chat:elsewhere\",\"data\":\"hi\"");
            assertEquals("error", err.getString("type"), "reply: " + err);
            assertEquals("not_subscribed", err.getString("code"), "reply: " + err);
            assertTrue(err.getString("message").contains("chat:elsewhere"), "reply: " + err);
        }
    }
}
