package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo job pushes 20 progress updates (every 100 ms in the test server) to whoever started it. */
class DemoJobIT extends HubIT {

    /** The anonymous cookie the console page gives a browser. */
    private String sessionCookie() throws Exception {
        Api.Reply page =
                api.send(HttpRequest.newBuilder(URI.create(HTTP + "/")).GET().build());
        return page.headers().allValues("Set-Cookie").stream()
                .filter(h -> h.startsWith("pushhub-anon="))
                .map(h -> h.split(";", 2)[0])
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no anonymous cookie: " + page.headers().map()));
    }

    private Api.Reply startJob(String body, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(HTTP + "/api/demo/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (header != null) {
            b.header(header, value);
        }
        return api.send(b.build());
    }

    @Test
    void twentyUpdatesArriveInOrderToTheCallingConnection() throws Exception {
        String cookie = sessionCookie();
        try (WsClient c = WsClient.connect(WS, Map.of("Cookie", List.of(cookie)));
                WsClient sameUserOtherTab = WsClient.connect(WS, Map.of("Cookie", List.of(cookie)));
                WsClient bystander = WsClient.connect(WS)) {
            Api.Reply r = startJob("{\"connectionId\":\"" + c.connectionId() + "\"}", "Cookie", cookie);
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
            for (WsClient other : List.of(sameUserOtherTab, bystander)) {
                other.barrier();
                assertEquals(List.of(), other.messages(), "only the named connection gets it: " + other.messages());
            }
        }
    }

    @Test
    void anotherUsersConnectionIs403AndGetsNothing() throws Exception {
        String victimToken = Jwts.token("victim", List.of());
        try (WsClient victim = WsClient.connect(WS + "?access_token=" + victimToken);
                WsClient anonymous = WsClient.connect(WS)) {
            String body = "{\"connectionId\":\"" + victim.connectionId() + "\"}";
            for (Api.Reply r : List.of(
                    startJob(body, null, null),
                    startJob(body, "Cookie", sessionCookie()),
                    startJob(body, "Authorization", "Bearer " + Jwts.token("mallory", List.of())))) {
                assertEquals(403, r.status(), "start: " + r);
                assertEquals("not_owner", r.json().getString("error"), "start: " + r);
                assertTrue(r.json().getString("message").contains(victim.connectionId()), "start: " + r);
            }
            // An anonymous connection opened without a session belongs to a random user nobody else can be.
            Api.Reply anon =
                    startJob("{\"connectionId\":\"" + anonymous.connectionId() + "\"}", "Cookie", sessionCookie());
            assertEquals(403, anon.status(), "start: " + anon);
            victim.barrier();
            anonymous.barrier();
            assertEquals(List.of(), victim.messages(), "victim got: " + victim.messages());
            assertEquals(List.of(), anonymous.messages(), "anonymous got: " + anonymous.messages());
            // Its owner may.
            Api.Reply own = startJob(body, "Authorization", "Bearer " + victimToken);
            assertEquals(202, own.status(), "start: " + own);
            assertEquals(
                    1, victim.awaitMessage("first update").getJsonObject("data").getInt("step"));
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
