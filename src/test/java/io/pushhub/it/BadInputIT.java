package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad frame gets an error frame with its specific code, and the connection keeps working. */
class BadInputIT extends HubIT {

    private static void assertStillWorks(WsClient c) throws Exception {
        JsonObject echo = c.request("echo", "\"data\":\"still here\"");
        assertEquals("ack", echo.getString("type"), "connection unusable after an error: " + c.seen());
        assertEquals("\"still here\"", echo.get("data").toString());
    }

    private static JsonObject nextError(WsClient c) throws Exception {
        return c.await("an error frame", f -> "error".equals(f.getString("type", "")), Duration.ofSeconds(10));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not json at all                                   | bad_json",
                "[1,2,3]                                           | bad_json",
                "{\"id\":\"x\"}                                    | unknown_type",
                "{\"type\":\"teleport\",\"id\":\"x\"}              | unknown_type",
                "{\"type\":\"subscribe\",\"id\":\"x\"}             | missing_field",
                "{\"type\":\"subscribe\",\"topic\":7,\"id\":\"x\"} | missing_field",
                "{\"type\":\"publish\",\"topic\":\"chat:a\",\"id\":\"x\"} | missing_field",
                "{\"type\":\"subscribe\",\"topic\":\"\",\"id\":\"x\"}     | invalid_topic",
                "{\"type\":\"subscribe\",\"topic\":\"a b\",\"id\":\"x\"}  | invalid_topic",
                "{\"type\":\"subscribe\",\"topic\":\"$sys\",\"id\":\"x\"} | forbidden_topic",
                "{\"type\":\"subscribe\",\"topic\":\"internal:ops\",\"id\":\"x\"} | forbidden_topic",
                "{\"type\":\"subscribe\",\"topic\":\"user:someone-else\",\"id\":\"x\"} | forbidden_topic",
                "{\"type\":\"publish\",\"topic\":\"news\",\"data\":1,\"id\":\"x\"}    | publish_not_allowed",
            })
    void badFrameGetsItsErrorCodeAndTheConnectionStillWorks(String frame, String code) throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            c.send(frame.trim());
            JsonObject err = nextError(c);
            assertEquals(code, err.getString("code"), "error: " + err);
            assertTrue(err.getString("message").length() > 5, "error needs a message: " + err);
            if (frame.contains("\"id\":\"x\"") && !code.equals("bad_json")) {
                assertEquals("x", err.getString("id"), "error must echo the id: " + err);
            }
            assertStillWorks(c);
        }
    }

    @Test
    void ownUserTopicIsAllowed() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            JsonObject ack = c.subscribe("user:" + c.userId());
            assertEquals("ack", ack.getString("type"), "ack: " + ack);
        }
    }

    @Test
    void tooManySubscriptions() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            int max = c.welcome().getJsonObject("limits").getInt("maxSubscriptions");
            for (int i = 0; i < max; i++) {
                c.subscribe("t" + i);
            }
            JsonObject err = c.request("subscribe", "\"topic\":\"one-too-many\"");
            assertEquals("too_many_subscriptions", err.getString("code"), "reply: " + err);
            c.request("unsubscribe", "\"topic\":\"t0\"");
            assertEquals("ack", c.subscribe("one-too-many").getString("type"));
        }
    }

    @Test
    void deeplyNestedFrameIsRefusedWithBadJsonAndTheConnectionStaysOpen() throws Exception {
        try (WsClient c = WsClient.connect(WS);
                WsClient bystander = WsClient.connect(WS)) {
            String nested = "[".repeat(2000) + "]".repeat(2000);
            c.send("{\"type\":\"echo\",\"id\":\"deep\",\"data\":" + nested + "}");
            JsonObject err = nextError(c);
            assertEquals("bad_json", err.getString("code"), "error: " + err);
            assertTrue(err.getString("message").contains("deeper than 64"), "error: " + err);
            assertStillWorks(c);
            // Nesting within the limit is echoed as sent.
            String ok = "[".repeat(60) + "]".repeat(60);
            JsonObject echo = c.request("echo", "\"data\":" + ok);
            assertEquals(ok, echo.get("data").toString(), "echo: " + echo);
            assertStillWorks(bystander);
        }
    }

    @Test
    void binaryFrameIsRefusedWithBadJson() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            c.session().getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertEquals("bad_json", nextError(c).getString("code"));
            assertStillWorks(c);
        }
    }

    @Test
    void frameFloodIsRateLimitedAndTheConnectionRecovers() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            int burst = c.welcome().getJsonObject("limits").getInt("rateBurst");
            int sent = burst + 300;
            for (int i = 0; i < sent; i++) {
                c.send("{\"type\":\"ping\"}");
            }
            JsonObject err = nextError(c);
            assertEquals("rate_limited", err.getString("code"), "error: " + err);
            c.barrierAfterRateLimit();
            long pongs = c.seen().stream()
                    .filter(f -> "pong".equals(f.getString("type")))
                    .count();
            assertTrue(pongs < sent, "all " + sent + " pings were answered; nothing was limited");
            assertTrue(pongs >= burst, "only " + pongs + " of a burst of " + burst + " were served");
        }
    }

    @Test
    void oversizedFrameClosesWith1009AndOthersAreUnaffected() throws Exception {
        try (WsClient big = WsClient.connect(WS);
                WsClient bystander = WsClient.connect(WS)) {
            int max = big.welcome().getJsonObject("limits").getInt("maxFrameBytes");
            String payload = "{\"type\":\"echo\",\"data\":\"" + "x".repeat(max + 10) + "\"}";
            big.send(payload);
            CloseReason reason = big.awaitClose(Duration.ofSeconds(10));
            assertEquals(1009, reason.getCloseCode().getCode(), "close: " + reason);
            assertStillWorks(bystander);
        }
    }
}
