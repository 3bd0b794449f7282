package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.it.trace.TraceDeployment;
import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.StalledClient;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * "Why didn't alice get message m?": a push to a user with one healthy tab and one stalled tab (it stops reading, its
 * queue fills, the hub drops it as a slow consumer); the trace endpoint says, in plain words, which connection was
 * written and which was dropped and why, and the OpenTelemetry exporter (an in-memory one deployed with this test's WAR)
 * saw the caller's trace continue into the push and fan-out spans.
 */
@ExtendWith(ArquillianExtension.class)
class TraceIT {

    private static final boolean ON_PAYARA = "payara".equals(System.getProperty("it.container"));
    private static final int PORT =
            ON_PAYARA ? Integer.getInteger("payara.http.port", 19090) : Integer.getInteger("it.http.port", 19080);
    private static final String HTTP = "http://127.0.0.1:" + PORT;
    private static final String WS = "ws://127.0.0.1:" + PORT + "/ws";
    private final Api api = new Api(HTTP);

    /** The real WAR, plus (test only) an in-memory span exporter, a REST view of it, and OpenTelemetry turned on. */
    @Deployment(testable = false)
    public static WebArchive deployment() {
        return TraceDeployment.war();
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1; // never all zero
        return HexFormat.of().formatHex(b);
    }

    private Api.Reply push(String json, String traceparent) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(HTTP + "/api/push"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + Api.KEY)
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (traceparent != null) {
            b.header("traceparent", traceparent);
        }
        return api.send(b.build());
    }

    /** Reads the trace until {@code until} holds for its summary (the writes are reported asynchronously). */
    private JsonObject traceUntil(String messageId, String user, Predicate<List<String>> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Api.Reply r;
        do {
            r = api.get("/api/push/" + messageId + "/trace" + (user == null ? "" : "?user=" + user));
            if (r.status() == 200 && until.test(summary(r.json()))) {
                return r.json();
            }
            Thread.sleep(100); // polling a REST answer: nothing to wait on
        } while (System.nanoTime() < deadline);
        throw new AssertionError("trace of " + messageId + " never became as expected: " + r);
    }

    private static List<String> summary(JsonObject trace) {
        return trace.getJsonArray("summary").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString)
                .toList();
    }

    @Test
    void aStalledTabIsReportedDroppedAsSlowConsumerAndTheHealthyTabWrittenWithTheCallersTrace() throws Exception {
        String user = "trace-alice-" + randomHex(3);
        String traceId = randomHex(16);
        String traceparent = "00-" + traceId + "-" + randomHex(8) + "-01";
        URI base = URI.create(HTTP);
        try (WsClient healthy = WsClient.connect(WS + "?access_token=" + Jwts.token(user, List.of()));
                StalledClient stalled = new StalledClient(
                        base.getHost(), base.getPort(), "/ws?access_token=" + Jwts.token(user, List.of()))) {
            Matcher m = Pattern.compile("\"connectionId\":\"([^\"]+)\"").matcher(stalled.received());
            assertTrue(m.find(), "welcome of the stalled tab: " + stalled.received());
            String stalledId = m.group(1);
            // from here on the stalled tab never reads; its socket buffers and then its queue fill up
            String big = "x".repeat(32 * 1024);
            String dropped = null;
            for (int i = 0; i < 400 && dropped == null; i++) {
                Api.Reply r = push(
                        "{\"user\":\"" + user + "\",\"trace\":true,\"data\":{\"seq\":" + i + ",\"pad\":\"" + big
                                + "\"}}",
                        traceparent);
                assertEquals(200, r.status(), "push " + i + ": " + r);
                if (r.json().getInt("reached") == 1) {
                    dropped = r.json().getString("messageId"); // the stalled tab's queue refused it
                }
            }
            assertNotNull(dropped, "the stalled tab never refused a message");
            String messageId = dropped;

            JsonObject trace = traceUntil(
                    messageId,
                    user,
                    s -> s.stream()
                            .anyMatch(l -> l.contains(
                                    "connection " + healthy.connectionId() + " of " + user + " written at")));
            List<String> summary = summary(trace);
            assertTrue(
                    summary.stream()
                            .anyMatch(l -> l.contains("connection " + stalledId + " of " + user
                                    + " dropped: slow consumer: queue full, disconnected")),
                    "the stalled tab, dropped as a slow consumer: " + summary);
            assertTrue(
                    summary.stream().anyMatch(l -> l.contains("pushed at") && l.contains("user " + user)),
                    "where it was pushed: " + summary);
            assertTrue(
                    summary.stream().anyMatch(l -> l.contains("trace " + traceId)),
                    "the caller's trace id: " + summary);

            // OpenTelemetry (the server's SDK: Liberty's mpTelemetry-2.1, Payara's Telemetry 1.1; this WAR's in-memory
            // exporter): the caller's trace
            // continued into the push span and this node's fan-out span, which saw the slow consumer.
            JsonObject fanOut = null;
            JsonObject pushSpan = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            JsonObject spans = null;
            while ((fanOut == null || pushSpan == null) && System.nanoTime() < deadline) {
                spans = api.get("/api/test-spans?traceId=" + traceId, null).json();
                for (JsonObject s : spans.getJsonArray("spans").getValuesAs(JsonObject.class)) {
                    String id = s.getJsonObject("attributes").getString("pushhub.message_id", "");
                    if (id.equals(messageId) && s.getString("name").equals("pushhub fan-out")) {
                        fanOut = s;
                    }
                    if (id.equals(messageId) && s.getString("name").equals("pushhub push")) {
                        pushSpan = s;
                    }
                }
                if (fanOut == null || pushSpan == null) {
                    Thread.sleep(200); // the exporter batches every 100 ms
                }
            }
            assertNotNull(pushSpan, "the pushhub push span in the caller's trace: " + spans);
            assertNotNull(fanOut, "the pushhub fan-out span in the caller's trace: " + spans);
            assertEquals(traceId, fanOut.getString("traceId"));
            JsonObject a = fanOut.getJsonObject("attributes");
            assertEquals("1", a.getString("pushhub.written"), "fan-out counts: " + fanOut);
            assertEquals("1", a.getString("pushhub.dropped.slow_consumer"), "fan-out counts: " + fanOut);
            assertTrue(
                    fanOut.getJsonArray("events").getValuesAs(JsonObject.class).stream()
                            .anyMatch(e -> e.getString("name").equals("dropped")
                                    && e.getJsonObject("attributes")
                                            .getString("pushhub.reason", "")
                                            .equals("slow_consumer")),
                    "a dropped event with the reason: " + fanOut);
        }
    }

    @Test
    void aUserWithoutConnectionsIsReportedOfflineAndATopicWithoutSubscribersSaysSo() throws Exception {
        String user = "trace-nobody-" + randomHex(3);
        Api.Reply r = push("{\"user\":\"" + user + "\",\"trace\":true,\"data\":1}", null);
        assertEquals(200, r.status(), r.toString());
        List<String> summary = summary(traceUntil(r.json().getString("messageId"), user, s -> !s.isEmpty()));
        assertTrue(summary.contains(user + " had no connection on any node (user offline)"), "offline: " + summary);

        String topic = "trace-empty-" + randomHex(3);
        r = push("{\"topic\":\"" + topic + "\",\"trace\":true,\"data\":1}", null);
        assertEquals(200, r.status(), r.toString());
        summary = summary(traceUntil(r.json().getString("messageId"), null, s -> !s.isEmpty()));
        assertTrue(
                summary.stream().anyMatch(l -> l.endsWith("topic " + topic + " had no subscriber here")),
                "no subscriber: " + summary);
    }

    @Test
    void aPushNotJournaledAnswers404SayingWhyAndBadInputIsRefused() throws Exception {
        Api.Reply r = push("{\"user\":\"someone\",\"data\":1}", null); // no trace asked, sample rate 0
        assertEquals(200, r.status(), r.toString());
        Api.Reply t = api.get("/api/push/" + r.json().getString("messageId") + "/trace");
        assertEquals(404, t.status(), t.toString());
        assertEquals("not_traced", t.json().getString("error"), t.toString());
        assertTrue(t.json().getString("message").contains("not sampled"), t.toString());

        Api.Reply unauthorized = api.get("/api/push/m-x/trace", null);
        assertEquals(401, unauthorized.status(), "same credentials as POST /api/push: " + unauthorized);

        Api.Reply bad = push("{\"user\":\"someone\",\"trace\":\"yes\",\"data\":1}", null);
        assertEquals(400, bad.status(), bad.toString());
        assertTrue(bad.json().getString("message").contains("'trace' must be true or false"), bad.toString());
        assertFalse(bad.body().contains("Exception"), bad.toString());
    }
}
