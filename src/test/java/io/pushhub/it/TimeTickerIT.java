package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The @Schedule timer publishes to topic "time" about once a second, only while someone is subscribed. */
class TimeTickerIT extends HubIT {

    @Test
    void ticksArriveAboutOnceASecondOnlyWhileSubscribed() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            JsonObject ack = c.subscribe("time");
            assertTrue(!ack.containsKey("recovery"), "each node ticks for itself: no history, no position: " + ack);
            List<Long> stamps = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                JsonObject m = c.await("tick " + i, f -> "message".equals(f.getString("type")), Duration.ofSeconds(5));
                assertEquals("time", m.getString("topic"), "frame: " + m);
                assertTrue(!m.containsKey("offset") && !m.containsKey("epoch"), "ticks carry no offset: " + m);
                stamps.add(m.getJsonObject("data").getJsonNumber("epochMillis").longValue());
            }
            for (int i = 1; i < stamps.size(); i++) {
                long gap = stamps.get(i) - stamps.get(i - 1);
                assertTrue(gap >= 500 && gap <= 1600, "gap between ticks " + gap + " ms; stamps " + stamps);
            }

            c.request("unsubscribe", "\"topic\":\"time\"");
            c.barrier();
            int before = c.messages().size();
            // Waiting for an absence: three tick periods with no subscriber must bring nothing.
            JsonObject late = pollMessage(c, Duration.ofMillis(3000));
            assertNull(late, "tick arrived after unsubscribe: " + late);
            assertEquals(before, c.messages().size());
            assertTrue(
                    api.get("/api/topics").json().getJsonArray("topics").getValuesAs(JsonObject.class).stream()
                            .noneMatch(t -> t.getString("topic").equals("time")),
                    "time still has subscribers");
        }
    }

    private static JsonObject pollMessage(WsClient c, Duration d) throws Exception {
        try {
            return c.await("any message", f -> "message".equals(f.getString("type")), d);
        } catch (AssertionError expected) {
            return null;
        }
    }
}
