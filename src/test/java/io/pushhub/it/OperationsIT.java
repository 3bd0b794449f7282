package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Prometheus;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Health, metrics, OpenAPI and the console page with its anonymous session. */
class OperationsIT extends HubIT {

    @Test
    void healthIsUp() throws Exception {
        Api.Reply ready = api.get("/health/ready", null);
        assertEquals(200, ready.status(), "ready: " + ready);
        assertTrue(ready.body().contains("pushhub-hub"), "ready: " + ready);
        Api.Reply live = api.get("/health/live", null);
        assertEquals(200, live.status(), "live: " + live);
        assertTrue(live.body().contains("pushhub-timers"), "live: " + live);

        // A number in a check's data is a JSON number on Liberty and a string of digits on Payara, whose health
        // endpoint writes every data value with toString() (a container difference; docs/payara.md).
        jakarta.json.JsonValue connections = ready.json().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("pushhub-hub"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no pushhub-hub check: " + ready))
                .getJsonObject("data")
                .get("connections");
        if (ON_PAYARA) {
            assertEquals(jakarta.json.JsonValue.ValueType.STRING, connections.getValueType(), "ready: " + ready);
            assertTrue(((JsonString) connections).getString().matches("\\d+"), "ready: " + ready);
        } else {
            assertEquals(jakarta.json.JsonValue.ValueType.NUMBER, connections.getValueType(), "ready: " + ready);
            assertTrue(((JsonNumber) connections).longValueExact() >= 0, "ready: " + ready);
        }
    }

    @Test
    void metricsCountConnectionsAndDeliveries() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            c.subscribe("metered");
            double deliveredBefore = deliveredOverWebSockets();
            api.push("{\"topic\":\"metered\",\"data\":1}");
            c.awaitMessage("metered message");
            // A message counts as delivered when its send completes; the outbox starts the next send only after that,
            // so once the pong is here the message is counted.
            c.barrier();
            assertTrue(api.metric("pushhub_connections") >= 1, "connections gauge");
            assertTrue(api.metric("pushhub_subscriptions") >= 1, "subscriptions gauge");
            double deliveredAfter = deliveredOverWebSockets();
            assertEquals(
                    deliveredBefore + 1,
                    deliveredAfter,
                    "the message is counted, the pong is not (it is a frame, not a message): before " + deliveredBefore
                            + ", after " + deliveredAfter);
        }
    }

    private double deliveredOverWebSockets() throws Exception {
        return Prometheus.scrape(api).value("pushhub_messages_delivered_total", "transport", "websocket");
    }

    @Test
    void historyMemoryIsMeteredWithTheMemoryBroker() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                Boolean.getBoolean("it.redis.enabled"),
                "with Redis the history lives in Redis: no heap history metrics");
        double before = api.metric("pushhub_history_bytes");
        assertEquals(67108864, api.metric("pushhub_history_max_bytes"), "the default budget");
        api.push("{\"topic\":\"metered-history\",\"data\":\"" + "h".repeat(1000) + "\"}");
        double after = api.metric("pushhub_history_bytes");
        assertTrue(
                after >= before + 1000,
                "the message is charged at least its data: before " + before + ", after " + after);
        assertTrue(api.metric("pushhub_history_messages") >= 1, "messages gauge");
        assertTrue(api.metric("pushhub_history_evicted_total") >= 0, "evicted counter exposed");
        assertTrue(api.metric("pushhub_history_not_kept_total") >= 0, "not-kept counter exposed");
    }

    @Test
    void openApiDescribesThePushApi() throws Exception {
        Api.Reply r = api.get("/openapi", null);
        assertEquals(200, r.status(), "openapi: " + r.status());
        assertTrue(r.body().contains("/api/push"), "openapi lacks /api/push");
        assertTrue(r.body().contains("/api/push/scheduled/{id}"), "openapi lacks scheduled push cancel");
    }

    @Test
    void consolePageGivesTabsOfOneBrowserTheSameAnonymousUser() throws Exception {
        Api.Reply page =
                api.send(HttpRequest.newBuilder(URI.create(HTTP + "/")).GET().build());
        assertEquals(200, page.status(), "page: " + page.status());
        assertTrue(page.body().contains("pushhub"), "page body");
        String cookie = page.headers().allValues("Set-Cookie").stream()
                .filter(h -> h.startsWith("pushhub-anon="))
                .map(h -> h.split(";", 2)[0])
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no anonymous cookie: " + page.headers().map()));
        try (WsClient tab1 = WsClient.connect(WS, Map.of("Cookie", List.of(cookie)));
                WsClient tab2 = WsClient.connect(WS, Map.of("Cookie", List.of(cookie)))) {
            assertEquals(tab1.userId(), tab2.userId(), "tabs of one browser (one cookie) must share the user");
            assertTrue(tab1.userId().startsWith("anon-"));
            // The demo job started from the page (same cookie) reaches both tabs.
            Api.Reply job = api.send(HttpRequest.newBuilder(URI.create(HTTP + "/api/demo/jobs"))
                    .header("Cookie", cookie)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build());
            assertEquals(202, job.status(), "job: " + job);
            assertEquals(tab1.userId(), job.json().getString("target"), "job: " + job);
            tab1.awaitMessage("job update in tab 1");
            tab2.awaitMessage("job update in tab 2");
        }
    }
}
