package io.pushhub.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the client puts on the wire for a push, and how it refuses data JSON cannot carry. */
class PushWireFormatTest {

    public record Order(String id, int items, List<String> tags) {}

    private HttpServer server;
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicReference<com.sun.net.httpserver.Headers> headers = new AtomicReference<>();
    private PushHubClient hub;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", e -> {
            body.set(new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            headers.set(e.getRequestHeaders());
            JsonObject sent =
                    Json.createReader(new java.io.StringReader(body.get())).readObject();
            boolean later = sent.containsKey("at") || sent.containsKey("delay");
            byte[] answer = (later
                            ? "{\"scheduledId\":\"s-1\",\"messageId\":\"m-2\",\"at\":\"2030-01-01T00:00:00Z\"}"
                            : "{\"messageId\":\"m-1\",\"reached\":2}")
                    .getBytes(StandardCharsets.UTF_8);
            e.sendResponseHeaders(later ? 202 : 200, answer.length);
            e.getResponseBody().write(answer);
            e.close();
        });
        server.start();
        hub = PushHubClient.builder()
                .url("http://127.0.0.1:" + server.getAddress().getPort() + "/")
                .apiKey("secret-key")
                .build();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private JsonObject sent() {
        return Json.createReader(new java.io.StringReader(body.get())).readObject();
    }

    @Test
    void oneTargetIsSingularSeveralArePluralAndDataIsJson() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("text", "hi");
        data.put("n", 3);
        data.put("list", List.of(1.5, true, "x"));
        data.put("none", null);
        PushResult r = hub.push(Push.toTopic("news", data));
        assertEquals(new PushResult("m-1", 2, null, null), r);
        assertEquals(
                "{\"topic\":\"news\",\"data\":{\"text\":\"hi\",\"n\":3,\"list\":[1.5,true,\"x\"],\"none\":null}}",
                body.get());
        assertEquals("Bearer secret-key", headers.get().getFirst("Authorization"));
        assertEquals("application/json", headers.get().getFirst("Content-Type"));

        hub.push(Push.toUsers(List.of("alice", "bob"), new int[] {1, 2}));
        assertEquals("{\"users\":[\"alice\",\"bob\"],\"data\":[1,2]}", body.get());

        hub.push(Push.toEveryone(null));
        assertEquals("{\"data\":null}", body.get());
    }

    @Test
    void aRecordIsWrittenByJsonB() {
        hub.push(Push.toConnection("c-1", new Order("o-7", 2, List.of("gift"))));
        JsonObject data = sent().getJsonObject("data");
        assertEquals("o-7", data.getString("id"));
        assertEquals(2, data.getInt("items"));
        assertEquals("gift", data.getJsonArray("tags").getString(0));
        assertEquals("c-1", sent().getString("connection"));
    }

    @Test
    void schedulingSendsAtOrDelayAndTheIdempotencyKey() {
        ScheduleResult s = hub.schedule(
                Push.toTopic("news", 1).withIdempotencyKey("order-7"), Instant.parse("2030-01-01T00:00:00Z"));
        assertEquals(new ScheduleResult("s-1", "m-2", Instant.parse("2030-01-01T00:00:00Z")), s);
        assertEquals("2030-01-01T00:00:00Z", sent().getString("at"));
        assertEquals("order-7", headers.get().getFirst("Idempotency-Key"));

        hub.schedule(Push.toTopic("news", 1), Duration.ofSeconds(30));
        assertEquals("PT30S", sent().getString("delay"));
        assertEquals(null, headers.get().getFirst("Idempotency-Key"));
    }

    @Test
    void theExcludedConnectionIsSentAsExceptConnectionAndKeptByTheOtherOptions() {
        hub.push(Push.toTopic("doc:7", 1).withExcept("c-5f2a9c").withTtl(Duration.ofMinutes(1)));
        assertEquals("{\"topic\":\"doc:7\",\"ttl\":\"PT1M\",\"exceptConnection\":\"c-5f2a9c\",\"data\":1}", body.get());
        assertThrows(
                IllegalArgumentException.class, () -> Push.toTopic("doc:7", 1).withExcept(" "));
    }

    @Test
    void receiptOptionsAreSentAndCheckedLikeTheHubDoes() {
        hub.push(Push.toTopic("news", 1).withReceipt());
        assertEquals("{\"topic\":\"news\",\"receipt\":true,\"data\":1}", body.get());
        hub.push(Push.toUser("alice", 1)
                .withCollapseOnAck()
                .withEscalateAfter(Duration.ofSeconds(30))
                .withTtl(Duration.ofMinutes(1)));
        assertEquals(
                "{\"user\":\"alice\",\"ttl\":\"PT1M\",\"collapseOnAck\":true,\"escalateAfter\":\"PT30S\",\"data\":1}",
                body.get());
        assertThrows(
                IllegalArgumentException.class, () -> Push.toTopic("news", 1).withCollapseOnAck());
        assertThrows(
                IllegalArgumentException.class, () -> Push.toUser("a", 1).withEscalateAfter(Duration.ofMillis(10)));
    }

    @Test
    void aTtlOrAnExpiresAtIsSentWithAPushAndAScheduledPush() {
        hub.push(Push.toUser("alice", Map.of("otp", "493817")).withTtl(Duration.ofMinutes(2)));
        assertEquals("{\"user\":\"alice\",\"ttl\":\"PT2M\",\"data\":{\"otp\":\"493817\"}}", body.get());

        hub.push(Push.toTopic("news", 1).withExpiresAt(Instant.parse("2030-01-01T00:05:00Z")));
        assertEquals("{\"topic\":\"news\",\"expiresAt\":\"2030-01-01T00:05:00Z\",\"data\":1}", body.get());

        // A scheduled push keeps its expiry and its idempotency key whichever is set first.
        hub.schedule(
                Push.toTopic("news", 2).withTtl(Duration.ofMillis(1500)).withIdempotencyKey("k-1"),
                Duration.ofSeconds(30));
        assertEquals("PT1.5S", sent().getString("ttl"));
        assertEquals("PT30S", sent().getString("delay"));
        assertEquals("k-1", headers.get().getFirst("Idempotency-Key"));
        assertFalse(sent().containsKey("expiresAt"), "body: " + body.get());

        hub.schedule(
                Push.toTopic("news", 3).withExpiresAt(Instant.parse("2030-01-01T01:00:00Z")),
                Instant.parse("2030-01-01T00:00:00Z"));
        assertEquals("2030-01-01T01:00:00Z", sent().getString("expiresAt"));
        assertEquals("2030-01-01T00:00:00Z", sent().getString("at"));
        assertFalse(sent().containsKey("ttl"), "body: " + body.get());

        // Without an expiry the body has neither field.
        hub.push(Push.toTopic("news", 4));
        assertEquals("{\"topic\":\"news\",\"data\":4}", body.get());
    }

    @Test
    void theLastExpirySetWinsAndABadTtlIsRefusedBeforeSending() {
        Push p = Push.toTopic("t", 1).withExpiresAt(Instant.parse("2030-01-01T00:00:00Z"));
        Push ttl = p.withTtl(Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(5), ttl.ttl());
        assertNull(ttl.expiresAt(), "a ttl replaces the expiresAt");
        assertNull(ttl.withExpiresAt(Instant.EPOCH).ttl(), "and the other way round");
        assertThrows(IllegalArgumentException.class, () -> Push.toTopic("t", 1).withTtl(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Push.toTopic("t", 1).withTtl(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> Push.toTopic("t", 1).withTtl(Duration.ofNanos(999_999)));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Push(Scope.ALL, List.of(), 1, null, Duration.ofSeconds(1), Instant.EPOCH));
        assertEquals(null, body.get(), "nothing was sent");
    }

    @Test
    void dataJsonCannotCarryIsRefusedBeforeSending() {
        assertThrows(IllegalArgumentException.class, () -> hub.push(Push.toTopic("t", Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> hub.push(Push.toTopic("t", Map.of(1, "x"))));
        List<Object> loop = new ArrayList<>();
        loop.add(loop);
        IllegalArgumentException self =
                assertThrows(IllegalArgumentException.class, () -> hub.push(Push.toTopic("t", loop)));
        assertTrue(self.getMessage().contains("itself"), self.getMessage());
        Object deep = "leaf";
        for (int i = 0; i < 70; i++) {
            deep = List.of(deep);
        }
        Object tooDeep = deep;
        assertThrows(IllegalArgumentException.class, () -> hub.push(Push.toTopic("t", tooDeep)));
        assertEquals(null, body.get(), "nothing was sent");
    }

    @Test
    void aTokenSupplierIsAskedBeforeEveryRequest() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        PushHubClient withJwt = PushHubClient.builder()
                .url("http://127.0.0.1:" + server.getAddress().getPort())
                .token(() -> "jwt-" + n.incrementAndGet())
                .build();
        withJwt.push(Push.toEveryone(1));
        assertEquals("Bearer jwt-1", headers.get().getFirst("Authorization"));
        withJwt.push(Push.toEveryone(2));
        assertEquals("Bearer jwt-2", headers.get().getFirst("Authorization"));
        assertEquals(PushHubClient.USER_AGENT, headers.get().getFirst("User-Agent"));
    }

    @Test
    void aPushNamesItsTargets() {
        assertThrows(IllegalArgumentException.class, () -> Push.toTopics(List.of(), 1));
        assertThrows(IllegalArgumentException.class, () -> Push.toUser(" ", 1));
        assertThrows(IllegalStateException.class, () -> PushHubClient.builder().build());
        assertThrows(
                IllegalArgumentException.class, () -> PushHubClient.builder().url("ftp://x"));
    }
}
