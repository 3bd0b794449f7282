package io.pushhub.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP hook against a real HTTP server: answers, rewrites, failures, time-outs, the cache and the bounds. */
class HttpAuthorizationHookTest {

    private HttpServer server;
    private ExecutorService serverThreads;
    private ExecutorService hookThreads;
    private final AtomicReference<String> answer = new AtomicReference<>("{\"allow\":true}");
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<String> lastBody = new AtomicReference<>();
    private final AtomicReference<String> lastSignature = new AtomicReference<>();
    private final AtomicReference<String> lastTimestamp = new AtomicReference<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean hang;

    @BeforeEach
    void start() throws Exception {
        serverThreads = Executors.newCachedThreadPool();
        hookThreads = Executors.newFixedThreadPool(2);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(serverThreads);
        server.createContext("/hook", ex -> {
            requests.incrementAndGet();
            lastBody.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            lastSignature.set(ex.getRequestHeaders().getFirst("X-PushHub-Signature"));
            lastTimestamp.set(ex.getRequestHeaders().getFirst("X-PushHub-Timestamp"));
            if (hang) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] out = answer.get().getBytes(StandardCharsets.UTF_8);
            try {
                ex.sendResponseHeaders(status.get(), out.length);
                ex.getResponseBody().write(out);
            } catch (java.io.IOException gone) {
                // the hook gave up
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
        hookThreads.shutdownNow();
    }

    private HttpAuthorizationHook hook(boolean allowOnFailure, Duration cacheTtl, int maxInFlight, String secret) {
        return new HttpAuthorizationHook(
                new HttpAuthorizationHook.Settings(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"),
                        EnumSet.allOf(AuthorizationHook.Event.class),
                        List.of("secret:*", "chat:*"),
                        Duration.ofMillis(500),
                        allowOnFailure,
                        cacheTtl,
                        100,
                        secret,
                        maxInFlight),
                hookThreads);
    }

    private HttpAuthorizationHook hook() {
        return hook(false, Duration.ZERO, 10, null);
    }

    private static HookRequest subscribe(String user, String topic) {
        return new HookRequest(
                AuthorizationHook.Event.SUBSCRIBE, user, false, Set.of("g"), "c1", "websocket", topic, null);
    }

    private static HookDecision get(java.util.concurrent.CompletableFuture<HookDecision> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void asksOnlyAboutConfiguredTopics() {
        HttpAuthorizationHook h = hook();
        assertTrue(h.asks(AuthorizationHook.Event.SUBSCRIBE, "secret:x"));
        assertFalse(h.asks(AuthorizationHook.Event.SUBSCRIBE, "news"));
        assertTrue(h.asks(AuthorizationHook.Event.CONNECT, null));
    }

    @Test
    void theBackendsDenialAndReasonAreTheDecision() throws Exception {
        answer.set("{\"allow\":false,\"reason\":\"not for you\"}");
        HookDecision d = get(hook().ask(subscribe("alice", "secret:x")));
        assertEquals(HookDecision.Outcome.DENY, d.outcome());
        assertFalse(d.allowed());
        assertEquals("not for you", d.reason());
        String body = lastBody.get();
        assertEquals(
                "{\"event\":\"subscribe\",\"user\":\"alice\",\"anonymous\":false,\"groups\":[\"g\"],"
                        + "\"connection\":\"c1\",\"transport\":\"websocket\",\"topic\":\"secret:x\"}",
                body);
        assertNull(lastSignature.get(), "unsigned without a secret");
    }

    @Test
    void aPublishMayBeRewrittenAndAConnectGetsInfo() throws Exception {
        answer.set("{\"allow\":true,\"data\":{\"text\":\"***\"},\"info\":{\"plan\":\"gold\"}}");
        HttpAuthorizationHook h = hook();
        HookDecision p = get(h.ask(new HookRequest(
                AuthorizationHook.Event.PUBLISH,
                "alice",
                false,
                Set.of(),
                "c1",
                "sse",
                "chat:a",
                Json.createValue("darn"))));
        assertTrue(p.allowed());
        assertEquals("***", p.data().asJsonObject().getString("text"));
        assertNull(p.info(), "info is for connect only");
        assertTrue(lastBody.get().endsWith(",\"topic\":\"chat:a\",\"data\":\"darn\"}"), lastBody.get());
        HookDecision c = get(h.ask(new HookRequest(
                AuthorizationHook.Event.CONNECT, "alice", false, Set.of(), "c2", "websocket", null, null)));
        assertEquals("gold", c.info().asJsonObject().getString("plan"));
        assertNull(c.data(), "data is for publish only");
    }

    @Test
    void requestsAreSignedWithTheSecret() throws Exception {
        get(hook(false, Duration.ZERO, 10, "s3cret").ask(subscribe("alice", "secret:x")));
        assertEquals(
                "sha256=" + HttpAuthorizationHook.sign("s3cret", lastTimestamp.get() + "." + lastBody.get()),
                lastSignature.get());
    }

    @Test
    void aBackendThatHangsTimesOutWithTheConfiguredAnswer() throws Exception {
        hang = true;
        long start = System.nanoTime();
        HookDecision denied = get(hook(false, Duration.ofMinutes(1), 10, null).ask(subscribe("alice", "secret:x")));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(HookDecision.Outcome.TIMEOUT, denied.outcome());
        assertFalse(denied.allowed(), "on-failure deny");
        assertTrue(tookMs >= 450 && tookMs < 2500, "answered after " + tookMs + " ms, time-out 500 ms");
        HookDecision allowed = get(hook(true, Duration.ZERO, 10, null).ask(subscribe("alice", "secret:y")));
        assertEquals(HookDecision.Outcome.TIMEOUT, allowed.outcome());
        assertTrue(allowed.allowed(), "on-failure allow");
    }

    @Test
    void errorsAndNonAnswersAreFailures() throws Exception {
        status.set(500);
        assertEquals(
                HookDecision.Outcome.ERROR,
                get(hook().ask(subscribe("a", "secret:x"))).outcome());
        status.set(200);
        answer.set("[1,2]");
        assertEquals(
                HookDecision.Outcome.ERROR,
                get(hook().ask(subscribe("a", "secret:x"))).outcome());
        answer.set("{\"allow\":\"yes\"}");
        HookDecision notBoolean = get(hook().ask(subscribe("a", "secret:x")));
        assertEquals(HookDecision.Outcome.ERROR, notBoolean.outcome());
        assertFalse(notBoolean.allowed());
        answer.set("[".repeat(5000));
        assertEquals(
                HookDecision.Outcome.ERROR,
                get(hook().ask(subscribe("a", "secret:x"))).outcome());
        answer.set("{\"allow\":true,\"data\":\"" + "x".repeat(HttpAuthorizationHook.MAX_ANSWER_BYTES) + "\"}");
        assertEquals(
                HookDecision.Outcome.ERROR,
                get(hook().ask(subscribe("a", "secret:x"))).outcome());
        server.stop(0);
        HookDecision down = get(hook().ask(subscribe("a", "secret:x")));
        assertEquals(HookDecision.Outcome.ERROR, down.outcome());
        assertFalse(down.allowed());
    }

    @Test
    void subscribeAnswersAreCachedPerUserAndTopic() throws Exception {
        HttpAuthorizationHook h = hook(false, Duration.ofMinutes(1), 10, null);
        answer.set("{\"allow\":false,\"reason\":\"no\"}");
        assertFalse(get(h.ask(subscribe("alice", "secret:x"))).allowed());
        assertFalse(get(h.ask(subscribe("alice", "secret:x"))).allowed());
        assertEquals(1, requests.get(), "the second answer came from the cache");
        assertEquals(1, h.cacheHits().sum());
        get(h.ask(subscribe("bob", "secret:x")));
        assertEquals(2, requests.get(), "another user is asked about");
        status.set(500);
        HttpAuthorizationHook uncached = hook(false, Duration.ofMinutes(1), 10, null);
        get(uncached.ask(subscribe("carol", "secret:x")));
        get(uncached.ask(subscribe("carol", "secret:x")));
        assertEquals(4, requests.get(), "failures are not cached");
    }

    @Test
    void pastMaxInFlightAQuestionFailsAtOnceWithoutARequest() throws Exception {
        hang = true;
        HttpAuthorizationHook h = hook(false, Duration.ZERO, 2, null);
        var first = h.ask(subscribe("a", "secret:1"));
        var second = h.ask(subscribe("a", "secret:2"));
        HookDecision third = get(h.ask(subscribe("a", "secret:3")));
        assertEquals(HookDecision.Outcome.OVERLOAD, third.outcome());
        assertFalse(third.allowed());
        assertEquals(HookDecision.Outcome.TIMEOUT, get(first).outcome());
        assertEquals(HookDecision.Outcome.TIMEOUT, get(second).outcome());
        assertEquals(
                1,
                h.outcomes(AuthorizationHook.Event.SUBSCRIBE, HookDecision.Outcome.OVERLOAD)
                        .sum());
        assertEquals(
                2,
                h.outcomes(AuthorizationHook.Event.SUBSCRIBE, HookDecision.Outcome.TIMEOUT)
                        .sum());
        // once the time-outs released their permits, questions go out again
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (h.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, h.inFlight(), "permits released after the time-outs");
    }
}
