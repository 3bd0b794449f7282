package io.pushhub.payara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.Prometheus;
import io.pushhub.testsupport.RawHandshake;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Payara-only checks of the same WAR on Payara Micro 6 (EE 10), on top of the whole integration suite that the Payara
 * execution of {@code mvn verify -Ppayara} runs there (docs/payara.md): the hub is at the root context, scheduled pushes
 * fire through an EJB timer, REST answers are byte for byte the JSON Liberty writes, and JWTs, credentials and origins
 * are checked as on Liberty. The server is the one {@code testsupport.payara.PayaraMicroContainer} started for the run
 * (it also fails the run when Payara logs SEVERE while deploying).
 */
@EnabledIfSystemProperty(
        named = "it.container",
        matches = "payara",
        disabledReason = "runs in the Payara execution of mvn verify -Ppayara")
class PayaraDeploysTheSameWarIT extends HubIT {

    private static final String KEY = Api.KEY;

    @Test
    void topicPushReachesASubscriberAtTheRootContext() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            assertTrue(c.userId().startsWith("anon-"), "welcome: " + c.welcome());
            c.subscribe("payara-root");
            Api.Reply r =
                    api.post("/api/push", "{\"topic\":\"payara-root\",\"data\":{\"on\":\"payara\"}}", "Bearer " + KEY);
            assertEquals(200, r.status(), "push: " + r);
            assertEquals(1, r.json().getInt("reached"), "push: " + r);
            JsonObject m = c.awaitMessage("the push");
            assertEquals("payara", m.getJsonObject("data").getString("on"));
        }
    }

    @Test
    void scheduledPushFiresThroughAnEjbTimer() throws Exception {
        try (WsClient c = WsClient.connect(WS)) {
            Api.Reply r = api.post(
                    "/api/push",
                    "{\"connection\":\"" + c.connectionId() + "\",\"delay\":300,\"data\":\"later\"}",
                    "Bearer " + KEY);
            assertEquals(202, r.status(), "schedule: " + r);
            JsonObject m =
                    c.await("the scheduled push", f -> "message".equals(f.getString("type")), Duration.ofSeconds(10));
            assertEquals(r.json().getString("messageId"), m.getString("messageId"));
        }
    }

    /** The REST answers are records written by Payara's JSON-B (Yasson, through Jersey): the same bytes as on Liberty. */
    @Test
    void restAnswersAreTheSameJsonAsOnLiberty() throws Exception {
        for (String data : List.of("{\"k\":[1,null,true]}", "\"text\"", "null")) {
            Api.Reply r = api.post("/api/push", "{\"topic\":\"payara-json\",\"data\":" + data + "}", "Bearer " + KEY);
            assertEquals(200, r.status(), "push: " + r);
            // -Predis: the hub runs on the Redis broker and says the other nodes were handed the push.
            String cluster = Boolean.getBoolean("it.redis.enabled") ? ",\"cluster\":\"published\"" : "";
            assertTrue(r.body().matches("\\{\"messageId\":\"m-[^\"]+\",\"reached\":0" + cluster + "}"), "push: " + r);
        }
        Api.Reply history = api.get("/api/topics/payara-json/history", "Bearer " + KEY);
        assertEquals(200, history.status(), "history: " + history);
        assertTrue(
                history.body()
                        .matches(
                                "\\{\"topic\":\"payara-json\",\"epoch\":\"[^\"]+\",\"offset\":3,"
                                        + "\"complete\":true,\"more\":false,\"expired\":0,\"messages\":\\[\\{\"offset\":1,\"messageId\":\"m-[^\"]+\",\"time\":\\d+,"
                                        + "\"data\":\\{\"k\":\\[1,null,true]}},\\{\"offset\":2,\"messageId\":\"m-[^\"]+\",\"time\":\\d+,"
                                        + "\"data\":\"text\"},\\{\"offset\":3,\"messageId\":\"m-[^\"]+\",\"time\":\\d+,\"data\":null}]}"),
                "history: " + history);
        Api.Reply stats = api.get("/api/stats", "Bearer " + KEY);
        assertTrue(
                stats.body()
                        .matches("\\{\"time\":\\d+,\"connections\":\\d+,\"transports\":\\{\"websocket\":\\d+,"
                                + "\"sse\":\\d+},\"users\":\\d+,\"subscriptions\":\\d+,\"topics\":\\[.*],\"totals\":\\{"
                                + "\"connectionsOpened\":\\d+,\"pushes\":\\d+,\"enqueued\":\\d+,\"delivered\":\\d+,\"frames\":\\d+,"
                                + "\"dropped\":\\d+,\"slowConsumerDisconnects\":\\d+,\"sendFailures\":\\d+,\"handshakesRejected\":\\d+,"
                                + "\"errors\":\\d+}}"),
                "stats: " + stats);
        Api.Reply unknown = api.post("/api/push", "{\"connection\":\"c-nobody\",\"data\":1}", "Bearer " + KEY);
        assertEquals(
                "{\"status\":404,\"error\":\"unknown_connections\",\"message\":\"no open connection with id "
                        + "c-nobody\",\"connections\":[\"c-nobody\"]}",
                unknown.body(),
                "unknown: " + unknown);
        Api.Reply user = api.get("/api/users/nobody", "Bearer " + KEY);
        assertEquals(
                "{\"userId\":\"nobody\",\"online\":false,\"connections\":0,\"nodes\":[],\"connectionIds\":[],"
                        + "\"complete\":true}",
                user.body(),
                "user: " + user);
    }

    @Test
    void jwtsAreVerifiedAsOnLiberty() throws Exception {
        try (WsClient c = WsClient.connect(WS + "?access_token=" + Jwts.token("alice", List.of()))) {
            assertEquals("alice", c.userId(), "welcome: " + c.welcome());
        }
        for (String bad : List.of(
                Jwts.signedByStranger("mallory"),
                Jwts.token("late", List.of(), Instant.now().minusSeconds(3600)),
                Jwts.withIssuer("iss", "https://someone-else.example"))) {
            RawHandshake.Answer a = RawHandshake.send("127.0.0.1", PORT, "/ws?access_token=" + bad, Map.of());
            assertEquals(401, a.status(), a.text());
            assertTrue(a.text().contains("invalid_token"), a.text());
        }
    }

    @Test
    void credentialsAndOriginsAreCheckedAsOnLiberty() throws Exception {
        Api.Reply noKey = api.post("/api/push", "{\"data\":1}", null);
        assertEquals(401, noKey.status(), "no key: " + noKey);
        assertEquals("unauthorized", noKey.json().getString("error"));
        Api.Reply bad = api.post("/api/push", "{\"topic\":\"news\"}", "Bearer " + KEY);
        assertEquals(400, bad.status(), "bad body: " + bad);
        RawHandshake.Answer foreign =
                RawHandshake.send("127.0.0.1", PORT, "/ws", Map.of("Origin", "https://evil.example"));
        assertEquals(403, foreign.status(), foreign.text());
        RawHandshake.Answer badToken = RawHandshake.send("127.0.0.1", PORT, "/ws?access_token=a.b.c", Map.of());
        assertEquals(401, badToken.status(), badToken.text());
    }

    /** {@code /metrics} shows the same Prometheus families and types as on Liberty (see MetricsIT), and they move. */
    @Test
    void metricsAreTheSamePrometheusFamiliesAsOnLiberty() throws Exception {
        Prometheus before = Prometheus.scrape(api);
        boolean memoryBroker = !Boolean.getBoolean("it.redis.enabled");
        for (io.pushhub.observability.HubMetrics.Def def : io.pushhub.observability.HubMetrics.ALL) {
            if (def.name().startsWith("pushhub_hook_")) {
                continue; // only with pushhub.hook.url set, which the shared test server has not (AuthorizationHookIT)
            }
            if ((def.name().startsWith("pushhub_history_") || def.name().startsWith("pushhub_idempotency_"))
                    && !memoryBroker) {
                continue; // with Redis (-Predis) history and idempotency keys live in Redis: not metered here, as on
                // Liberty
                // (MetricsIT)
            }
            String family = switch (def.kind()) {
                case GAUGE -> def.name();
                case COUNTER -> def.name() + "_total";
                case TIMER -> def.name();
            };
            String type = switch (def.kind()) {
                case GAUGE -> "gauge";
                case COUNTER -> "counter";
                case TIMER -> "histogram";
            };
            assertEquals(type, before.types.get(family), family + " in:\n" + before.text);
            for (String series : def.series()) {
                assertTrue(before.has(series), series + " in:\n" + before.text);
            }
        }
        try (WsClient c = WsClient.connect(HTTP.replace("http:", "ws:") + "/ws")) {
            c.subscribe("payara-metrics");
            api.post("/api/push", "{\"topic\":\"payara-metrics\",\"data\":1}", "Bearer " + KEY);
            c.awaitMessage("the push");
            c.barrier(); // the message's write completed (and was counted) before the pong's started
        }
        Prometheus after = Prometheus.scrape(api);
        String[] ws = {"transport", "websocket"};
        assertEquals(
                1,
                after.value("pushhub_messages_delivered_total", ws)
                        - before.value("pushhub_messages_delivered_total", ws));
        assertEquals(
                1,
                after.value("pushhub_delivery_latency_seconds_count", ws)
                        - before.value("pushhub_delivery_latency_seconds_count", ws));
        String[] welcome = {"transport", "websocket", "type", "welcome"};
        assertEquals(
                1,
                after.value("pushhub_frames_sent_total", welcome) - before.value("pushhub_frames_sent_total", welcome));
    }
}
