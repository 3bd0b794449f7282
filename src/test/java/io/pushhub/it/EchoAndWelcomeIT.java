package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

class EchoAndWelcomeIT extends HubIT {

    @Test
    void welcomeNamesConnectionAndAnonymousUser() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            JsonObject w = c.welcome();
            assertTrue(w.getString("connectionId").startsWith("c-"), "welcome: " + w);
            assertTrue(w.getString("userId").startsWith("anon-"), "welcome: " + w);
            assertTrue(w.getBoolean("anonymous"), "welcome: " + w);
            assertEquals(65536, w.getJsonObject("limits").getInt("maxFrameBytes"), "welcome: " + w);
        }
    }

    @Test
    void echoRepliesToTheSenderOnly() throws Exception {
        try (WsClient a = WsClient.connect(WS);
                WsClient b = WsClient.connect(WS)) {
            JsonObject reply = a.request("echo", "\"data\":{\"hello\":[1,2,3]}");
            assertEquals("ack", reply.getString("type"), "reply: " + reply);
            assertEquals("echo", reply.getString("for"), "reply: " + reply);
            assertEquals("{\"hello\":[1,2,3]}", reply.get("data").toString());
            b.barrier();
            assertTrue(b.seen().stream().noneMatch(f -> f.containsKey("data")), "b saw: " + b.seen());
        }
    }
}
