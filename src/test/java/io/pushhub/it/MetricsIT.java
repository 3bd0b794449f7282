package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.observability.HubMetrics;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Prometheus;
import io.pushhub.testsupport.SseClient;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} as Prometheus reads it: the real text format scraped from the server, with the types Prometheus
 * needs (counters as counters, the latency as a histogram), user messages counted apart from the other frames, by
 * transport, and the latency histogram moving with each write.
 */
class MetricsIT extends HubIT {

    private static final String WEBSOCKET = "websocket";
    private static final String SSE = "sse";

    private Prometheus scrape() throws Exception {
        Prometheus p = Prometheus.scrape(api);
        Files.writeString(Path.of("target", "metrics-it-last-scrape.txt"), p.text); // for a failure's post-mortem
        return p;
    }

    @Test
    void everyMetricHasThePrometheusTypeItsKindCallsFor() throws Exception {
        Prometheus p = scrape();
        boolean memoryBroker = !Boolean.getBoolean("it.redis.enabled");
        List<String> wrong = new ArrayList<>();
        for (HubMetrics.Def def : HubMetrics.ALL) {
            if (def.name().startsWith("pushhub_hook_")) {
                continue; // only with pushhub.hook.url set, which the shared test server has not (AuthorizationHookIT)
            }
            if ((def.name().startsWith("pushhub_history_") || def.name().startsWith("pushhub_idempotency_"))
                    && !memoryBroker) {
                continue; // with Redis the history and the idempotency keys live in Redis: not metered here
            }
            String family = switch (def.kind()) {
                case GAUGE -> def.name();
                case COUNTER -> def.name() + "_total";
                case TIMER -> def.name();
            };
            String expected = switch (def.kind()) {
                case GAUGE -> "gauge";
                case COUNTER -> "counter";
                case TIMER -> "histogram";
            };
            if (!expected.equals(p.types.get(family))) {
                wrong.add(family + ": TYPE " + p.types.get(family) + ", expected " + expected);
            }
            for (String series : def.series()) {
                if (!p.has(series)) {
                    wrong.add(series + " missing");
                }
            }
        }
        p.types.forEach((family, type) -> {
            if (family.startsWith("pushhub_") && family.endsWith("_total") && !"counter".equals(type)) {
                wrong.add(family + " ends with _total but is a " + type);
            }
        });
        assertEquals(List.of(), wrong, "in /metrics:\n" + p.text);
        assertTrue(p.helps.get("pushhub_connections").contains("SSE"), "HELP of pushhub_connections counts SSE too");
    }

    @Test
    void aPushToTwoWebSocketsAndOneSseStreamCountsThreeMessagesApartFromTheFrames() throws Exception {
        String topic = "metered-" + UUID.randomUUID();
        Prometheus before = awaitQuiet();
        try (WsClient a = WsClient.connect(WS);
                WsClient b = WsClient.connect(WS);
                SseClient s = SseClient.open(HTTP)) {
            a.subscribe(topic);
            b.subscribe(topic);
            s.welcome();
            assertEquals(
                    200,
                    s.command("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"id\":\"m\"}")
                            .status());
            // Three welcomes and three acks: frames, not messages.
            Prometheus opened = awaitScrape(
                    "welcome and ack frames counted",
                    p -> delta(before, p, "pushhub_frames_sent_total", WEBSOCKET, "type", "ack") >= 2
                            && delta(before, p, "pushhub_frames_sent_total", SSE, "type", "ack") >= 1);
            assertEquals(2, delta(before, opened, "pushhub_frames_sent_total", WEBSOCKET, "type", "welcome"));
            assertEquals(1, delta(before, opened, "pushhub_frames_sent_total", SSE, "type", "welcome"));
            assertEquals(2, delta(before, opened, "pushhub_frames_sent_total", WEBSOCKET, "type", "ack"));
            assertEquals(1, delta(before, opened, "pushhub_frames_sent_total", SSE, "type", "ack"));
            assertEquals(2, delta(before, opened, "pushhub_connections_opened_total", WEBSOCKET));
            assertEquals(1, delta(before, opened, "pushhub_connections_opened_total", SSE));
            assertEquals(0, delta(before, opened, "pushhub_messages_delivered_total", WEBSOCKET));
            assertEquals(0, delta(before, opened, "pushhub_messages_delivered_total", SSE));

            api.push("{\"topic\":\"" + topic + "\",\"data\":\"counted\"}");
            a.awaitMessage("the push on a");
            b.awaitMessage("the push on b");
            s.awaitType("message");
            Prometheus after = awaitScrape(
                    "the three deliveries counted",
                    p -> delta(opened, p, "pushhub_messages_delivered_total", WEBSOCKET) >= 2
                            && delta(opened, p, "pushhub_messages_delivered_total", SSE) >= 1
                            && delta(opened, p, "pushhub_delivery_latency_seconds_count", WEBSOCKET) >= 2
                            && delta(opened, p, "pushhub_delivery_latency_seconds_count", SSE) >= 1);
            assertEquals(2, delta(opened, after, "pushhub_messages_delivered_total", WEBSOCKET));
            assertEquals(1, delta(opened, after, "pushhub_messages_delivered_total", SSE));
            assertEquals(2, delta(opened, after, "pushhub_frames_sent_total", WEBSOCKET, "type", "message"));
            assertEquals(1, delta(opened, after, "pushhub_frames_sent_total", SSE, "type", "message"));
            assertEquals(0, delta(opened, after, "pushhub_frames_sent_total", WEBSOCKET, "type", "welcome"));
            assertEquals(0, delta(opened, after, "pushhub_frames_sent_total", WEBSOCKET, "type", "ack"));
            assertEquals(
                    1, after.value("pushhub_messages_pushed_total") - opened.value("pushhub_messages_pushed_total"));
            assertEquals(
                    3,
                    after.value("pushhub_messages_enqueued_total") - opened.value("pushhub_messages_enqueued_total"));

            // The latency histogram: one observation per write, in the +Inf bucket and in every bucket above it.
            for (String transport : List.of(WEBSOCKET, SSE)) {
                double writes = transport.equals(WEBSOCKET) ? 2 : 1;
                assertEquals(writes, delta(opened, after, "pushhub_delivery_latency_seconds_count", transport));
                assertEquals(
                        writes,
                        delta(opened, after, "pushhub_delivery_latency_seconds_bucket", transport, "le", "+Inf"),
                        transport);
                assertEquals(
                        writes,
                        delta(opened, after, "pushhub_delivery_latency_seconds_bucket", transport, "le", "10.0"),
                        transport + ": a push on a quiet server reaches the socket in less than 10 s");
                double sum = delta(opened, after, "pushhub_delivery_latency_seconds_sum", transport);
                assertTrue(sum > 0 && sum < 10 * writes, transport + " latency sum " + sum);
            }
            long buckets = after.samples.stream()
                    .filter(x -> x.name().equals("pushhub_delivery_latency_seconds_bucket")
                            && WEBSOCKET.equals(x.labels().get("transport")))
                    .count();
            assertEquals(14, buckets, "the 13 configured buckets and +Inf");

            // An error frame: counted by code and as a frame, not as a message.
            a.send("not json");
            a.await("the error", f -> "error".equals(f.getString("type")), Duration.ofSeconds(10));
            Prometheus erred = awaitScrape(
                    "the error frame counted",
                    p -> delta(after, p, "pushhub_frames_sent_total", WEBSOCKET, "type", "error") >= 1);
            assertEquals(1, delta(after, erred, "pushhub_frames_sent_total", WEBSOCKET, "type", "error"));
            assertEquals(
                    1,
                    erred.value("pushhub_errors_total", "code", "bad_json")
                            - after.value("pushhub_errors_total", "code", "bad_json"));
            assertEquals(0, delta(after, erred, "pushhub_messages_delivered_total", WEBSOCKET));
        }
    }

    /** The server-wide counters whose deltas this test asserts: no other traffic may move them while it runs. */
    private static final List<String> COUNTED = List.of(
            "pushhub_messages_pushed_total",
            "pushhub_messages_enqueued_total",
            "pushhub_messages_delivered_total",
            "pushhub_frames_sent_total",
            "pushhub_connections_opened_total",
            "pushhub_delivery_latency_seconds_count",
            "pushhub_errors_total");

    private static final Duration QUIET_FOR = Duration.ofMillis(1500);
    private static final Duration DUE_SOON = Duration.ofSeconds(30);

    /**
     * The counters are server-wide, and on Payara every test class shares one deployment: what an earlier class left
     * behind (a demo job still reporting, a scheduled push firing, a client still connecting) would be counted here
     * too (it once counted 3 messages for this test's 1). So start only when no scheduled push is due within {@link
     * #DUE_SOON} and the counted series have not moved for {@link #QUIET_FOR}; the deltas below stay exact.
     */
    private Prometheus awaitQuiet() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Prometheus last = scrape();
        long quietSince = System.nanoTime();
        while (true) {
            Thread.sleep(250);
            Prometheus p = scrape();
            long now = System.nanoTime();
            String moved = moved(last, p);
            String due = dueSoon();
            if (!moved.isEmpty() || !due.isEmpty()) {
                quietSince = now;
            } else if (now - quietSince >= QUIET_FOR.toNanos()) {
                return p;
            }
            assertFalse(
                    now > deadline,
                    "the server did not fall quiet within 60 s (other traffic would be counted): moved " + moved
                            + "; scheduled " + due);
            last = p;
        }
    }

    /** The counted series that differ between two scrapes, as "name{labels} a -> b". */
    private static String moved(Prometheus a, Prometheus b) {
        List<String> out = new ArrayList<>();
        for (Prometheus.Sample s : b.samples) {
            if (COUNTED.contains(s.name())) {
                double was = a.samples.stream()
                        .filter(x -> x.name().equals(s.name()) && x.labels().equals(s.labels()))
                        .mapToDouble(Prometheus.Sample::value)
                        .findFirst()
                        .orElse(0);
                if (was != s.value()) {
                    out.add(s.name() + s.labels() + " " + was + " -> " + s.value());
                }
            }
        }
        return String.join(", ", out);
    }

    /** Pending scheduled pushes due within {@link #DUE_SOON}, or "" when there are none. */
    private String dueSoon() throws Exception {
        Instant soon = Instant.now().plus(DUE_SOON);
        return api.get("/api/push/scheduled").json().getJsonArray("scheduled").stream()
                .map(JsonValue::asJsonObject)
                .filter(e -> Instant.parse(e.getString("at")).isBefore(soon))
                .map(Object::toString)
                .collect(Collectors.joining(", "));
    }

    private static double delta(Prometheus from, Prometheus to, String name, String transport, String... labels) {
        String[] all = new String[labels.length + 2];
        all[0] = "transport";
        all[1] = transport;
        System.arraycopy(labels, 0, all, 2, labels.length);
        return to.value(name, all) - from.value(name, all);
    }

    /** Counts are taken when a write completes, just after the client has the frame: scrape until they show. */
    private Prometheus awaitScrape(String what, Predicate<Prometheus> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Prometheus p = scrape();
        while (!done.test(p)) {
            assertFalse(System.nanoTime() > deadline, what + ": not within 10 s:\n" + p.text);
            Thread.sleep(50);
            p = scrape();
        }
        return p;
    }
}
