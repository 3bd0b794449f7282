package io.pushhub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pushhub.HubEvent;
import io.pushhub.stats.Count;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One URL's sender against a real HTTP server: signed batches in order, retries, a hanging receiver, the bounds. */
class WebhookSenderTest {

    static final String SECRET = "a-webhook-secret-of-the-tests";

    /** What the receiver does with request number n (0-based): an HTTP status, or -1 to never answer. */
    interface Behaviour {
        int status(int n);
    }

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> signatures = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile Behaviour behaviour = n -> 204;
    private final WebhookStats stats = new WebhookStats();
    private final HttpClient http = HttpClient.newBuilder().build();

    @BeforeEach
    void receiver() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/hooks", this::handle);
        server.start();
    }

    private void handle(HttpExchange x) throws java.io.IOException {
        int n = requests.getAndIncrement();
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int status = behaviour.status(n);
        if (status < 0) {
            try {
                release.await(30, TimeUnit.SECONDS); // hangs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.close();
            return;
        }
        if (status / 100 == 2) {
            bodies.add(body);
            signatures.add(x.getRequestHeaders().getFirst("PushHub-Signature"));
        }
        x.sendResponseHeaders(status, -1);
        x.close();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private WebhookSender sender(MemoryBacklog backlog, int batch, Duration timeout, Duration retryFor) {
        return new WebhookSender(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks"),
                backlog,
                new WebhookSignature(SECRET),
                http,
                batch,
                timeout,
                retryFor,
                t -> true,
                stats,
                Clock.systemUTC());
    }

    private static HubEvent event(int i) {
        return new HubEvent.UserOnline("e" + i, "user" + i, 1000 + i, Instant.now(), "n1");
    }

    private static void stepUntil(WebhookSender s, Duration max, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            s.step();
            Thread.sleep(10);
        }
    }

    private static List<JsonObject> events(String body) {
        JsonArray a = Json.createReader(new StringReader(body)).readArray();
        return a.getValuesAs(JsonObject.class);
    }

    @Test
    void batchesAreSignedJsonArraysInOrder() throws Exception {
        MemoryBacklog backlog = new MemoryBacklog(100, stats.dropped());
        for (int i = 0; i < 5; i++) {
            backlog.add(event(i));
        }
        WebhookSender s = sender(backlog, 2, Duration.ofSeconds(5), Duration.ofMinutes(1));
        stepUntil(s, Duration.ofSeconds(10), () -> backlog.depth() == 0 && bodies.size() == 3);
        assertEquals(3, bodies.size(), "5 events in batches of 2: " + bodies);
        List<Long> seqs = bodies.stream()
                .flatMap(b -> events(b).stream())
                .map(e -> e.getJsonNumber("seq").longValue())
                .toList();
        assertEquals(List.of(1000L, 1001L, 1002L, 1003L, 1004L), seqs);
        JsonObject first = events(bodies.get(0)).get(0);
        assertEquals("user.online", first.getString("type"));
        assertEquals("user0", first.getString("userId"));
        assertEquals("e0", first.getString("id"));
        WebhookSignature check = new WebhookSignature(SECRET);
        for (int i = 0; i < bodies.size(); i++) {
            assertTrue(check.verifies(signatures.get(i), bodies.get(i)), "signature " + signatures.get(i));
            assertFalse(new WebhookSignature("another-secret-entirely").verifies(signatures.get(i), bodies.get(i)));
            assertFalse(check.verifies(signatures.get(i), bodies.get(i) + " "), "the MAC covers the body");
        }
        long t = Long.parseLong(signatures.get(0).split(",")[0].substring(2));
        assertTrue(Math.abs(t - Instant.now().getEpochSecond()) < 30, "t is the sending time: " + t);
        assertEquals(5, stats.delivered().sum());
    }

    @Test
    void aFailingReceiverGetsTheSameBatchAgainWithBackoffUntilItAnswers() throws Exception {
        behaviour = n -> n < 2 ? 503 : 200;
        MemoryBacklog backlog = new MemoryBacklog(100, stats.dropped());
        backlog.add(event(1));
        backlog.add(event(2));
        WebhookSender s = sender(backlog, 10, Duration.ofSeconds(5), Duration.ofMinutes(1));
        long start = System.nanoTime();
        stepUntil(s, Duration.ofSeconds(10), () -> !bodies.isEmpty());
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(1, bodies.size());
        assertEquals(3, requests.get(), "two failures, then delivered");
        assertEquals(2, events(bodies.get(0)).size());
        assertEquals(2, stats.failed().sum());
        assertEquals(0, stats.dropped().sum());
        assertTrue(took >= 1400, "backoff 0.5 s, then 1 s: took " + took + " ms");
    }

    @Test
    void aHangingReceiverTimesOutWithoutHoldingTheCallerAndIsRetried() throws Exception {
        behaviour = n -> n == 0 ? -1 : 200;
        MemoryBacklog backlog = new MemoryBacklog(100, stats.dropped());
        backlog.add(event(1));
        WebhookSender s = sender(backlog, 10, Duration.ofMillis(300), Duration.ofMinutes(1));
        long slowest = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (bodies.isEmpty() && System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            s.step();
            slowest = Math.max(slowest, System.nanoTime() - t0);
            Thread.sleep(10);
        }
        assertEquals(1, bodies.size(), "delivered after the hang timed out");
        assertEquals(1, stats.failed().sum());
        assertTrue(
                TimeUnit.NANOSECONDS.toMillis(slowest) < 200,
                "a step never waits for the receiver: " + TimeUnit.NANOSECONDS.toMillis(slowest) + " ms");
    }

    @Test
    void aBatchIsDroppedAndCountedOnceRetryForHasPassed() throws Exception {
        behaviour = n -> 500;
        MemoryBacklog backlog = new MemoryBacklog(100, stats.dropped());
        backlog.add(event(1));
        backlog.add(event(2));
        WebhookSender s = sender(backlog, 10, Duration.ofSeconds(5), Duration.ZERO);
        stepUntil(s, Duration.ofSeconds(5), () -> backlog.depth() == 0);
        assertEquals(0, backlog.depth());
        assertEquals(2, stats.dropped().sum());
        assertEquals(1, requests.get(), "retry-for 0: one attempt");
    }

    @Test
    void aFullQueueDropsItsOldestAndCountsThem() {
        Count dropped = new Count();
        MemoryBacklog backlog = new MemoryBacklog(10, dropped);
        for (int i = 0; i < 15; i++) {
            backlog.add(event(i));
        }
        assertEquals(10, backlog.depth());
        assertEquals(5, dropped.sum());
        assertEquals("e5", backlog.head(1).get(0).id(), "the oldest went");
    }

    @Test
    void signatureChecksRejectTamperingAndGarbage() {
        WebhookSignature sig = new WebhookSignature(SECRET);
        String header = sig.sign(1_700_000_000L, "[]");
        assertTrue(header.matches("t=1700000000,v1=[0-9a-f]{64}"), header);
        assertTrue(sig.verifies(header, "[]"));
        assertFalse(sig.verifies(header.replace("t=1700000000", "t=1700000001"), "[]"), "the time is in the MAC");
        assertFalse(sig.verifies("t=x,v1=zz", "[]"));
        assertFalse(sig.verifies(null, "[]"));
    }
}
