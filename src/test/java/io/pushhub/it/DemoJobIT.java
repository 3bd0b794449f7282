package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo job pushes 20 progress updates (every 100 ms in the test server) to whoever started it. */
class DemoJobIT extends HubIT {

    @Test
    void twentyUpdatesArriveInOrderToTheCallingConnection() throws Exception {
        try (WsClient c = WsClient.connect(WS);
                WsClient bystander = WsClient.connect(WS)) {
            Api.Reply r = api.post("/api/demo/jobs", "{\"connectionId\":\"" + c.connectionId() + "\"}", null);
            assertEquals(202, r.status(), "start: " + r);
            assertEquals(20, r.json().getInt("steps"), "start: " + r);
            String job = r.json().getString("jobId");
            for (int step = 1; step <= 20; step++) {
                JsonObject m = c.awaitMessage("step " + step);
                JsonObject d = m.getJsonObject("data");
                assertEquals(job, d.getString("job"), "frame: " + m);
                assertEquals(step, d.getInt("step"), "out of order: " + c.messages());
                assertEquals(step * 5, d.getInt("percent"), "frame: " + m);
                assertEquals(step == 20, d.getBoolean("done"), "frame: " + m);
            }
            bystander.barrier();
            assertEquals(List.of(), bystander.messages(), "bystander got: " + bystander.messages());
        }
    }

    @Test
    void aJwtCallerGetsUpdatesOnEveryTab() throws Exception {
        String token = Jwts.token("jobber", List.of());
        try (WsClient tab1 = WsClient.connect(WS + "?access_token=" + token);
                WsClient tab2 = WsClient.connect(WS + "?access_token=" + token)) {
            Api.Reply r = api.post("/api/demo/jobs", "", "Bearer " + token);
            assertEquals(202, r.status(), "start: " + r);
            assertEquals("jobber", r.json().getString("target"), "start: " + r);
            for (WsClient tab : List.of(tab1, tab2)) {
                JsonObject first = tab.awaitMessage("first update");
                assertEquals(1, first.getJsonObject("data").getInt("step"), "frame: " + first);
            }
        }
    }

    @Test
    void anUnidentifiableCallerGets400() throws Exception {
        Api.Reply r = api.post("/api/demo/jobs", "", null);
        assertEquals(400, r.status(), "start: " + r);
        assertTrue(r.json().getString("message").contains("connectionId"), "start: " + r);
        Api.Reply unknown = api.post("/api/demo/jobs", "{\"connectionId\":\"c-nope\"}", null);
        assertEquals(404, unknown.status(), "start: " + unknown);
        assertFalse(unknown.body().isEmpty());
    }
}
