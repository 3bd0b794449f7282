package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Idempotency keys on POST /api/push: a repeat is not delivered again and answers with the first push's ids. */
class IdempotencyIT extends HubIT {

    private static String key(String what) {
        return what + "-" + UUID.randomUUID();
    }

    @Test
    void theSameKeyTwiceIsDeliveredOnceAndBothAnswersCarryTheFirstMessageId() throws Exception {
        String topic = "idem-" + UUID.randomUUID().toString().substring(0, 8);
        String key = key("order-4711-shipped");
        try (WsClient c = WsClient.connect(WS)) {
            c.subscribe(topic);
            Api.Reply first = api.push("{\"topic\":\"" + topic + "\",\"data\":{\"order\":4711}}", key);
            assertEquals(200, first.status(), "first: " + first);
            assertFalse(first.json().containsKey("duplicate"), "the first answer stays compact: " + first);
            assertEquals(1, first.json().getInt("reached"), "first: " + first);
            String messageId = first.json().getString("messageId");

            Api.Reply again = api.push("{\"topic\":\"" + topic + "\",\"data\":{\"order\":4711}}", key);
            assertEquals(200, again.status(), "repeat: " + again);
            assertEquals(messageId, again.json().getString("messageId"), "the first push's id: " + again);
            assertTrue(again.json().getBoolean("duplicate"), "repeat: " + again);
            assertEquals(0, again.json().getInt("reached"), "nothing delivered: " + again);

            // The key in the body means the same as the header.
            Api.Reply inBody = api.push("{\"topic\":\"" + topic + "\",\"idempotencyKey\":\"" + key + "\",\"data\":1}");
            assertTrue(inBody.json().getBoolean("duplicate"), "body key: " + inBody);

            JsonObject m = c.awaitMessage("the one delivery");
            assertEquals(messageId, m.getString("messageId"));
            c.barrier(); // anything queued for this connection before the pong has arrived now
            assertEquals(1, c.messages().size(), "delivered once: " + c.messages());
        }
    }

    @Test
    void badKeysAndBadExpiriesAreA400NamingTheProblem() throws Exception {
        Api.Reply spaces = api.push("{\"data\":1}", "has spaces");
        assertEquals(400, spaces.status(), "spaces: " + spaces);
        assertEquals("invalid_idempotency_key", spaces.json().getString("error"), "spaces: " + spaces);
        assertTrue(spaces.json().getString("message").contains("printable ASCII"), "spaces: " + spaces);

        Api.Reply tooLong = api.push("{\"data\":1}", "k".repeat(201));
        assertEquals(400, tooLong.status(), "201 characters: " + tooLong);
        assertTrue(tooLong.json().getString("message").contains("1 to 200"), "too long: " + tooLong);

        Api.Reply differ = api.push("{\"data\":1,\"idempotencyKey\":\"a\"}", "b");
        assertEquals(400, differ.status(), "header and body differ: " + differ);
        assertTrue(differ.json().getString("message").contains("differ"), "differ: " + differ);

        Api.Reply both = api.push("{\"data\":1,\"ttl\":1000,\"expiresAt\":\"2099-01-01T00:00:00Z\"}");
        assertEquals(400, both.status(), "ttl and expiresAt: " + both);
        assertTrue(both.json().getString("message").contains("'ttl' or 'expiresAt'"), "both: " + both);

        Api.Reply past = api.push("{\"data\":1,\"expiresAt\":\"2020-01-01T00:00:00Z\"}");
        assertEquals(400, past.status(), "expired already: " + past);
        assertTrue(past.json().getString("message").contains("'expiresAt'"), "past: " + past);

        Api.Reply longTtl = api.push("{\"data\":1,\"ttl\":\"P400D\"}");
        assertEquals(400, longTtl.status(), "ttl too long: " + longTtl);
        assertTrue(longTtl.json().getString("message").contains("pushhub.push.max-ttl"), "long ttl: " + longTtl);
    }

    @Test
    void aRepeatedScheduledPushFiresOnceAndTheRepeatGetsTheFirstIds() throws Exception {
        String topic = "idem-later-" + UUID.randomUUID().toString().substring(0, 8);
        String key = key("reminder");
        try (WsClient c = WsClient.connect(WS)) {
            c.subscribe(topic);
            String body = "{\"topic\":\"" + topic + "\",\"delay\":1000,\"data\":\"remind me\"}";
            Api.Reply first = api.push(body, key);
            assertEquals(202, first.status(), "schedule: " + first);
            assertFalse(first.json().containsKey("duplicate"), "first: " + first);
            Api.Reply again = api.push(body, key);
            assertEquals(202, again.status(), "repeat: " + again);
            assertTrue(again.json().getBoolean("duplicate"), "repeat: " + again);
            assertEquals(
                    first.json().getString("scheduledId"), again.json().getString("scheduledId"), "repeat: " + again);
            assertEquals(first.json().getString("messageId"), again.json().getString("messageId"), "repeat: " + again);
            assertEquals(first.json().getString("at"), again.json().getString("at"), "repeat: " + again);

            long pending =
                    api
                            .get("/api/push/scheduled")
                            .json()
                            .getJsonArray("scheduled")
                            .getValuesAs(JsonObject.class)
                            .stream()
                            .filter(e -> e.getString("scope").equals("topic"))
                            .filter(e -> e.getJsonArray("targets").getString(0).equals(topic))
                            .count();
            assertEquals(1, pending, "one pending push for the topic");

            JsonObject m = c.await("the one firing", f -> "message".equals(f.getString("type")), Duration.ofSeconds(8));
            assertEquals(first.json().getString("messageId"), m.getString("messageId"));
            // An immediate push with the same key after it fired is a repeat too: nothing more arrives.
            Api.Reply afterwards = api.push("{\"topic\":\"" + topic + "\",\"data\":\"again\"}", key);
            assertTrue(afterwards.json().getBoolean("duplicate"), "after firing: " + afterwards);
            Thread.sleep(1500); // a second timer would have fired by now
            c.barrier();
            assertEquals(1, c.messages().size(), "fired once: " + c.messages());
        }
    }
}
