package io.pushhub.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retry rules, against a real local HTTP server that answers the way a hub behind a proxy can (503, 502 pages,
 * dropped connections) and a port where nothing listens. What the real hub answers is tested in the root project's
 * {@code JavaClientIT}.
 */
class PushHubClientRetryTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> methods = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A server on a free port whose every request gets {@code answer(n)} for the n-th request (1-based). */
    private PushHubClient serve(Answer answer) throws IOException {
        return serve(0, answer);
    }

    private PushHubClient serve(int port, Answer answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            methods.add(exchange.getRequestMethod());
            answer.handle(requests.incrementAndGet(), exchange);
        });
        server.start();
        return client(server.getAddress().getPort(), 3);
    }

    private static PushHubClient client(int port, int attempts) {
        return PushHubClient.builder()
                .url("http://127.0.0.1:" + port)
                .apiKey("k")
                .maxAttempts(attempts)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(2000))
                .requestTimeout(Duration.ofSeconds(5))
                .build();
    }

    interface Answer {
        void handle(int n, HttpExchange exchange) throws IOException;
    }

    private static void reply(HttpExchange e, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().add("Content-Type", contentType);
        e.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            e.getResponseBody().write(bytes);
        }
        e.close();
    }

    private static final String UNAVAILABLE =
            "{\"status\":503,\"error\":\"broker_unavailable\",\"message\":\"history cannot be read now\"}";

    @Test
    void aReadIsRetriedAfter503AndThenSucceeds() throws Exception {
        PushHubClient hub = serve((n, e) -> {
            if (n < 3) {
                reply(e, 503, "application/json", UNAVAILABLE);
            } else {
                reply(e, 200, "application/json", "{\"scheduled\":[]}");
            }
        });
        assertEquals(List.of(), hub.listScheduled());
        assertEquals(3, requests.get());
    }

    @Test
    void aReadGivesUpAfterMaxAttemptsWithTheHubsError() throws Exception {
        PushHubClient hub = serve((n, e) -> reply(e, 503, "application/json", UNAVAILABLE));
        PushHubException x = assertThrows(PushHubException.class, () -> hub.history("news"));
        assertEquals(503, x.status());
        assertEquals("broker_unavailable", x.code());
        assertEquals(3, x.attempts());
        assertEquals(3, requests.get());
        assertTrue(x.getMessage().startsWith("history cannot be read now"), x.getMessage());
    }

    @Test
    void aCancelIsRetriedAfter503() throws Exception {
        PushHubClient hub = serve((n, e) -> {
            if (n == 1) {
                reply(e, 503, "text/html", "<h1>Service Unavailable</h1>");
            } else {
                reply(e, 204, "application/json", "");
            }
        });
        assertTrue(hub.cancel("s-1"));
        assertEquals(List.of("DELETE", "DELETE"), methods);
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        PushHubClient hub = serve((n, e) -> {
            if (n == 1) {
                e.getResponseHeaders().add("Retry-After", "1");
                reply(e, 503, "application/json", UNAVAILABLE);
            } else {
                reply(e, 200, "application/json", "{\"scheduled\":[]}");
            }
        });
        long start = System.nanoTime();
        hub.listScheduled();
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(took >= 950, "waited " + took + " ms for Retry-After: 1");
        assertEquals(2, requests.get());
    }

    @Test
    void aPushIsNotRetriedAfter503ItMayHaveBeenTaken() throws Exception {
        PushHubClient hub = serve((n, e) -> reply(e, 503, "application/json", UNAVAILABLE));
        PushHubException x = assertThrows(PushHubException.class, () -> hub.push(Push.toTopic("news", "once")));
        assertEquals(1, requests.get(), "a push that reached the server is never sent twice");
        assertEquals(503, x.status());
        assertEquals(1, x.attempts());
        assertTrue(x.mayHaveBeenProcessed());
    }

    @Test
    void aPushWithAKeyIsRetriedAfter503AndAfterADroppedAnswerAndReportsTheDuplicate() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        PushHubClient hub = serve((n, e) -> {
            keys.add(e.getRequestHeaders().getFirst("Idempotency-Key"));
            if (n == 1) {
                reply(e, 503, "application/json", UNAVAILABLE);
            } else if (n == 2) {
                e.close(); // the hub took it, the answer was lost
            } else {
                reply(e, 200, "application/json", "{\"messageId\":\"m-1\",\"reached\":0,\"duplicate\":true}");
            }
        });
        PushResult r = hub.push(Push.toTopic("news", "once").withIdempotencyKey("order-7-shipped"));
        assertEquals(3, requests.get(), "retried: the hub delivers a key at most once");
        assertEquals(List.of("order-7-shipped", "order-7-shipped", "order-7-shipped"), keys, "the same key each time");
        assertTrue(r.duplicate(), "the retry found the first push: " + r);
        assertEquals("m-1", r.messageId());
    }

    @Test
    void aRepeatedScheduleOfAKeyFirstUsedByAPushMadeAtOnceIsADuplicate() throws Exception {
        PushHubClient hub = serve((n, e) ->
                reply(e, 200, "application/json", "{\"messageId\":\"m-9\",\"reached\":0,\"duplicate\":true}"));
        ScheduleResult s = hub.schedule(Push.toTopic("news", 1).withIdempotencyKey("k"), Duration.ofMinutes(1));
        assertEquals(new ScheduleResult(null, "m-9", null, true), s);
    }

    @Test
    void aPushIsNotRetriedWhenTheConnectionDropsAfterSending() throws Exception {
        PushHubClient hub = serve((n, e) -> e.close()); // reads the request, closes without an answer
        PushHubException x = assertThrows(PushHubException.class, () -> hub.push(Push.toTopic("news", "once")));
        assertEquals(1, requests.get(), "a push that reached the server is never sent twice");
        assertEquals(0, x.status());
        assertEquals(PushHubException.IO_ERROR, x.code(), x.toString());
        assertTrue(x.mayHaveBeenProcessed());
    }

    @Test
    void aPushIsRetriedWhenTheConnectionIsRefusedAndReportsUnreachable() throws Exception {
        int port = freePort();
        PushHubException x =
                assertThrows(PushHubException.class, () -> client(port, 3).push(Push.toTopic("news", "x")));
        assertEquals(PushHubException.UNREACHABLE, x.code(), x.toString());
        assertEquals(0, x.status());
        assertEquals(3, x.attempts());
        assertFalse(x.mayHaveBeenProcessed(), "a refused connection carried nothing");
        assertTrue(x.getMessage().contains("after 3 attempts"), x.getMessage());
    }

    @Test
    void aPushReachesAHubThatComesUpWhileTheClientRetries() throws Exception {
        int port = freePort();
        PushHubClient hub = PushHubClient.builder()
                .url("http://127.0.0.1:" + port)
                .maxAttempts(8)
                .backoff(Duration.ofMillis(200), Duration.ofMillis(400))
                .build();
        Thread starter = new Thread(() -> {
            try {
                Thread.sleep(500);
                serve(port, (n, e) -> reply(e, 200, "application/json", "{\"messageId\":\"m-1\",\"reached\":0}"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        starter.start();
        PushResult r = hub.push(Push.toEveryone("hello"));
        starter.join();
        assertEquals("m-1", r.messageId());
        assertEquals(1, requests.get(), "delivered exactly once");
    }

    @Test
    void anErrorPageWithoutTheHubsBodyIsReportedWithItsStatus() throws Exception {
        PushHubClient hub = serve((n, e) -> reply(e, 502, "text/html", "<html><h1>502 Bad Gateway</h1></html>"));
        PushHubException x = assertThrows(PushHubException.class, () -> hub.push(Push.toTopic("news", "x")));
        assertEquals(502, x.status());
        assertEquals("http_502", x.code());
        assertTrue(x.getMessage().contains("502 Bad Gateway"), x.getMessage());
        assertEquals(1, requests.get());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
