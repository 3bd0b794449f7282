package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Recurring pushes ({@code cron} with EJB ScheduleExpression semantics and a time zone), their end ({@code expiresAt})
 * and rescheduling ({@code PATCH /api/push/scheduled/{id}}).
 */
class RecurringPushIT extends HubIT {

    private Api.Reply patch(String id, String json) throws Exception {
        return api.send(HttpRequest.newBuilder(URI.create(HTTP + "/api/push/scheduled/" + id))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + Api.KEY)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private JsonObject listed(String id) throws Exception {
        return api.get("/api/push/scheduled").json().getJsonArray("scheduled").getValuesAs(JsonObject.class).stream()
                .filter(e -> e.getString("scheduledId").equals(id))
                .findFirst()
                .orElse(null);
    }

    @Test
    void aCronPushFiresRepeatedlyEachTimeWithItsOwnMessageIdUntilCancelled() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            c.subscribe("cron-every-2s");
            Api.Reply r = api.push("{\"topic\":\"cron-every-2s\",\"cron\":\"*/2 * * * * *\","
                    + "\"timezone\":\"Asia/Kolkata\",\"data\":\"tick\"}");
            assertEquals(202, r.status(), "schedule: " + r);
            String id = r.json().getString("scheduledId");
            JsonObject item = listed(id);
            assertEquals("*/2", item.getJsonObject("cron").getString("second"), "listed: " + item);
            assertEquals("Asia/Kolkata", item.getString("timezone"), "listed: " + item);

            JsonObject first = c.awaitMessage("the first firing");
            JsonObject second = c.awaitMessage("the second firing");
            JsonObject third = c.awaitMessage("the third firing");
            assertNotEquals(first.getString("messageId"), second.getString("messageId"));
            assertNotEquals(second.getString("messageId"), third.getString("messageId"));
            for (JsonObject m : List.of(first, second, third)) {
                long t = m.getJsonNumber("time").longValue();
                assertTrue(t % 2000 < 1500, "not on an even second (+ lateness): " + Instant.ofEpochMilli(t));
            }
            long gap = third.getJsonNumber("time").longValue()
                    - first.getJsonNumber("time").longValue();
            assertTrue(gap >= 3000 && gap <= 5500, "two intervals of 2 s took " + gap + " ms");

            Api.Reply cancel = api.delete("/api/push/scheduled/" + id);
            assertEquals(204, cancel.status(), "cancel: " + cancel);
            int after = c.messages().size();
            Thread.sleep(3_000);
            assertEquals(after, c.messages().size(), "fired after its cancel: " + c.messages());
            assertEquals(null, listed(id), "still listed after its cancel");
        }
    }

    @Test
    void aRecurrenceEndsAtItsExpiresAt() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            c.subscribe("cron-ending");
            Instant end = Instant.now().plusMillis(2_500);
            Api.Reply r = api.push("{\"topic\":\"cron-ending\",\"cron\":\"* * * * * *\",\"expiresAt\":\"" + end
                    + "\",\"data\":\"s\"}");
            assertEquals(202, r.status(), "schedule: " + r);
            String id = r.json().getString("scheduledId");
            c.awaitMessage("a firing before the end");
            Thread.sleep(Duration.between(Instant.now(), end).toMillis() + 2_000);
            int n = c.messages().size();
            assertTrue(n >= 1 && n <= 3, "every second for 2.5 s: " + n + " firings");
            for (JsonObject m : c.messages()) {
                assertTrue(m.getJsonNumber("time").longValue() < end.toEpochMilli() + 1_500, "fired late: " + m);
            }
            assertEquals(null, listed(id), "still listed after its end");
            Thread.sleep(1_500);
            assertEquals(n, c.messages().size(), "fired after its end");
        }
    }

    @Test
    void patchMovesAPushAndCanMakeItRecurring() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            c.subscribe("patched");
            Api.Reply r = api.push("{\"topic\":\"patched\",\"delay\":\"PT1H\",\"data\":\"moved\"}");
            assertEquals(202, r.status(), "schedule: " + r);
            String id = r.json().getString("scheduledId");

            Api.Reply moved = patch(id, "{\"delay\":\"PT1S\"}");
            assertEquals(200, moved.status(), "patch: " + moved);
            Instant at = Instant.parse(moved.json().getString("at"));
            assertTrue(Duration.between(Instant.now(), at).toMillis() < 1_500, "moved to " + at);
            JsonObject m = c.awaitMessage("the moved push");
            assertEquals(moved.json().getString("messageId"), m.getString("messageId"), "frame: " + m);
            assertTrue(m.getJsonNumber("time").longValue() >= at.toEpochMilli() - 50, "early: " + m);
            assertEquals(404, patch(id, "{\"delay\":\"PT1S\"}").status(), "a fired push cannot be moved");

            Api.Reply later = api.push("{\"topic\":\"patched\",\"delay\":\"PT1H\",\"data\":\"recurring\"}");
            String id2 = later.json().getString("scheduledId");
            Api.Reply recurring = patch(
                    id2,
                    "{\"cron\":{\"second\":\"*/2\",\"minute\":\"*\",\"hour\":\"*\"},"
                            + "\"timezone\":\"America/New_York\"}");
            assertEquals(200, recurring.status(), "patch to cron: " + recurring);
            assertEquals("America/New_York", recurring.json().getString("timezone"), "answer: " + recurring);
            c.awaitMessage("the first firing of the rescheduled push");
            c.awaitMessage("its second firing");
            assertEquals(204, api.delete("/api/push/scheduled/" + id2).status());
        }
    }

    @Test
    void badCronAndRescheduleRequestsAreRejectedClearly() throws Exception {
        Api.Reply badField = api.push("{\"cron\":\"61 * * * * *\",\"data\":1}");
        assertEquals(400, badField.status(), "bad second: " + badField);
        assertEquals("invalid_cron", badField.json().getString("error"), "bad second: " + badField);
        assertTrue(badField.json().getString("message").contains("'second'"), "names it: " + badField);

        Api.Reply never = api.push("{\"cron\":\"0 0 0 31 Feb *\",\"data\":1}");
        assertEquals(400, never.status(), "Feb 31: " + never);
        assertTrue(never.json().getString("message").contains("never fires"), "says so: " + never);

        Api.Reply both = api.push("{\"cron\":\"* * * * * *\",\"delay\":10,\"data\":1}");
        assertEquals(400, both.status(), "cron+delay: " + both);

        Api.Reply zone = api.push("{\"cron\":\"* * * * * *\",\"timezone\":\"Mars/Olympus\",\"data\":1}");
        assertEquals(400, zone.status(), "unknown zone: " + zone);
        assertTrue(zone.json().getString("message").contains("timezone"), "names it: " + zone);

        Api.Reply past = api.push("{\"cron\":\"* * * * * *\",\"expiresAt\":\"2020-01-01T00:00:00Z\",\"data\":1}");
        assertEquals(400, past.status(), "ended before it starts: " + past);

        Api.Reply unknown = patch("s-unknown", "{\"delay\":\"PT1S\"}");
        assertEquals(404, unknown.status(), "unknown id: " + unknown);
        assertEquals("not_found", unknown.json().getString("error"));

        Api.Reply r = api.push("{\"topic\":\"never-patched\",\"delay\":\"PT1H\",\"data\":1}");
        String id = r.json().getString("scheduledId");
        Api.Reply nothing = patch(id, "{}");
        assertEquals(400, nothing.status(), "no new time: " + nothing);
        Api.Reply field = patch(id, "{\"data\":2}");
        assertEquals(400, field.status(), "data cannot be patched: " + field);
        assertTrue(field.json().getString("message").contains("unknown field 'data'"), "says so: " + field);
        assertEquals(204, api.delete("/api/push/scheduled/" + id).status());
    }
}
