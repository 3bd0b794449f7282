package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Scheduled pushes through EJB timers. Tolerance: a push scheduled with delay D arrives no earlier than D - 50 ms
 * (timer granularity) and no later than D + 5 s (a loaded 2-core CI machine).
 */
class ScheduledPushIT extends HubIT {

    @Test
    void delayedPushFiresAfterItsDelay() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            c.subscribe("later");
            long start = System.nanoTime();
            Api.Reply r = api.push("{\"topic\":\"later\",\"delay\":1500,\"data\":\"delayed\"}");
            assertEquals(202, r.status(), "schedule: " + r);
            String messageId = r.json().getString("messageId");
            JsonObject m = c.await(
                    "the delayed message", f -> "message".equals(f.getString("type")), Duration.ofMillis(1500 + 5000));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(messageId, m.getString("messageId"), "frame: " + m);
            assertTrue(elapsedMs >= 1450, "arrived too early: after " + elapsedMs + " ms");
        }
    }

    @Test
    void pushAtAnInstantIsListedUntilItFires() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            c.subscribe("at-topic");
            Instant at = Instant.now().plusSeconds(2);
            Api.Reply r = api.push("{\"topic\":\"at-topic\",\"at\":\"" + at + "\",\"data\":\"at\"}");
            assertEquals(202, r.status(), "schedule: " + r);
            String id = r.json().getString("scheduledId");
            Api.Reply list = api.get("/api/push/scheduled");
            assertTrue(
                    list.json().getJsonArray("scheduled").getValuesAs(JsonObject.class).stream()
                            .anyMatch(e -> e.getString("scheduledId").equals(id)
                                    && e.getString("scope").equals("topic")),
                    "pending: " + list);
            JsonObject m = c.awaitMessage("the scheduled message");
            assertTrue(
                    Instant.ofEpochMilli(m.getJsonNumber("time").longValue()).isAfter(at.minusMillis(50)),
                    "delivered at " + m.getJsonNumber("time") + " before " + at);
            Api.Reply after = api.get("/api/push/scheduled");
            assertTrue(
                    after.json().getJsonArray("scheduled").getValuesAs(JsonObject.class).stream()
                            .noneMatch(e -> e.getString("scheduledId").equals(id)),
                    "still pending after firing: " + after);
        }
    }

    @Test
    void cancelledPushNeverFires() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            c.subscribe("cancel-topic");
            Api.Reply doomed = api.push("{\"topic\":\"cancel-topic\",\"delay\":\"PT1S\",\"data\":\"cancelled\"}");
            assertEquals(202, doomed.status(), "schedule: " + doomed);
            Api.Reply sentinel = api.push("{\"topic\":\"cancel-topic\",\"delay\":\"PT2S\",\"data\":\"sentinel\"}");
            Api.Reply cancel = api.delete("/api/push/scheduled/" + doomed.json().getString("scheduledId"));
            assertEquals(204, cancel.status(), "cancel: " + cancel);

            // The sentinel was due a second after the cancelled one; once it is here, the cancelled one would be too.
            JsonObject m = c.awaitMessage("the sentinel");
            assertEquals(
                    sentinel.json().getString("messageId"),
                    m.getString("messageId"),
                    "first message after cancel must be the sentinel, got " + m);
            assertEquals(1, c.messages().size(), "messages: " + c.messages());

            Api.Reply again = api.delete("/api/push/scheduled/" + doomed.json().getString("scheduledId"));
            assertEquals(404, again.status(), "second cancel: " + again);
            assertEquals("not_found", again.json().getString("error"), "second cancel: " + again);
        }
    }

    @Test
    void badScheduleValuesAreRejected() throws Exception {
        Api.Reply both = api.push("{\"delay\":10,\"at\":\"2030-01-01T00:00:00Z\",\"data\":1}");
        assertEquals(400, both.status(), "at+delay: " + both);
        Api.Reply badAt = api.push("{\"at\":\"tomorrow\",\"data\":1}");
        assertEquals(400, badAt.status(), "bad at: " + badAt);
        assertTrue(badAt.json().getString("message").contains("ISO-8601"), "bad at: " + badAt);
        Api.Reply negative = api.push("{\"delay\":-5,\"data\":1}");
        assertEquals(400, negative.status(), "negative delay: " + negative);
        Api.Reply tooFar = api.push("{\"delay\":\"P365D\",\"data\":1}");
        assertEquals(400, tooFar.status(), "too far: " + tooFar);
    }
}
