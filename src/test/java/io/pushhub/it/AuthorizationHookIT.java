package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pushhub.authorization.HttpAuthorizationHook;
import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.Json;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.LibertyNode;
import io.pushhub.testsupport.SseClient;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The authorization hook against a real backend: a JDK HTTP server started by the test, which the hub (its own Liberty
 * node, with {@code pushhub.hook.url} pointing at it) asks before connect, subscribe and client publish. The backend
 * denies {@code secret:*} subscribes, rewrites chat publishes, refuses user {@code mallory} and attaches info to other
 * connections; then it hangs, and the hub answers within its time-out (deny, the default) while other clients' pings
 * keep their latency. Liberty only: it needs a server with its own configuration (docs/payara.md).
 */
class AuthorizationHookIT {

    private static final String SECRET = "it-hook-secret";
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private static HttpServer backend;
    private static ExecutorService backendThreads;
    private static LibertyNode node;
    private static final ConcurrentLinkedQueue<JsonObject> asked = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<String> badSignatures = new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean hang = new AtomicBoolean();
    private static volatile CountDownLatch released = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        backendThreads = Executors.newCachedThreadPool();
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        backend.setExecutor(backendThreads);
        backend.createContext("/hook", AuthorizationHookIT::decide);
        backend.start();
        String url = "http://127.0.0.1:" + backend.getAddress().getPort() + "/hook";
        node = new LibertyNode(
                "hub-it-hook-" + System.getProperty("it.http.port", "19080"),
                8,
                Map.of(
                        "pushhub.hook.url",
                        url,
                        "pushhub.hook.timeout",
                        "PT1S",
                        "pushhub.hook.secret",
                        SECRET,
                        "pushhub.hook.topics",
                        "secret:*, chat:*, open:*"));
        node.start();
        // /health/ready can answer before the WebSocket endpoint takes connections on a loaded machine: wait for one.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (WsClient probe = asUser("probe")) {
                break;
            } catch (Exception | AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no WebSocket connection to " + node.ws() + " within 60 s", notYet);
                }
                Thread.sleep(250);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        released.countDown();
        if (node != null) {
            node.close();
        }
        if (backend != null) {
            backend.stop(0);
        }
        backendThreads.shutdownNow();
    }

    /** The application's decisions, as a backend would write them. */
    private static void decide(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readAllBytes();
        String body = new String(raw, StandardCharsets.UTF_8);
        String ts = ex.getRequestHeaders().getFirst("X-PushHub-Timestamp");
        String sig = ex.getRequestHeaders().getFirst("X-PushHub-Signature");
        if (ts == null || sig == null || !sig.equals("sha256=" + HttpAuthorizationHook.sign(SECRET, ts + "." + body))) {
            badSignatures.add(body);
        }
        JsonObject q = Json.parse(body);
        asked.add(q);
        if (hang.get()) {
            try {
                released.await(30, TimeUnit.SECONDS); // a backend that hangs: never answers in time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String answer = switch (q.getString("event")) {
            case "connect" ->
                q.getString("user").startsWith("mallory")
                        ? "{\"allow\":false,\"reason\":\"account suspended\"}"
                        : "{\"allow\":true,\"info\":{\"plan\":\"gold\",\"user\":\"" + q.getString("user") + "\"}}";
            case "subscribe" ->
                q.getString("topic").startsWith("secret:")
                        ? "{\"allow\":false,\"reason\":\"secret topics are for staff\"}"
                        : "{\"allow\":true}";
            case "publish" ->
                "{\"allow\":true,\"data\":{\"text\":" + q.getJsonObject("data").get("text") + ",\"moderated\":true}}";
            default -> "{\"allow\":false}";
        };
        byte[] out = answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        try {
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
        } catch (IOException gone) {
            // the hub gave up on this request (time-out): nobody reads the answer
        }
        ex.close();
    }

    private static WsClient asUser(String user) throws Exception {
        return WsClient.connect(node.ws() + "?access_token=" + Jwts.token(user, List.of("staff-less")));
    }

    private static List<JsonObject> asked(String event, String user) {
        return asked.stream()
                .filter(q -> q.getString("event").equals(event)
                        && q.getString("user").equals(user))
                .toList();
    }

    @Test
    void theBackendDecidesSubscribesRewritesPublishesAndAdmitsConnections() throws Exception {
        try (WsClient alice = asUser("alice")) {
            // connect: asked, allowed, and its info is in the welcome
            assertEquals(
                    "gold", alice.welcome().getJsonObject("info").getString("plan"), "welcome: " + alice.welcome());
            JsonObject connectQuestion = asked("connect", "alice").get(0);
            assertEquals(alice.connectionId(), connectQuestion.getString("connection"));
            assertEquals("websocket", connectQuestion.getString("transport"));

            // subscribe: secret:* denied with the backend's reason, the connection stays usable
            JsonObject denied = alice.request("subscribe", "\"topic\":\"secret:plans\"");
            assertEquals("error", denied.getString("type"), "reply: " + denied);
            assertEquals("forbidden_topic", denied.getString("code"));
            assertEquals("secret topics are for staff", denied.getString("message"));
            alice.barrier();

            // publish: the backend's rewrite is what every subscriber gets
            try (WsClient bob = asUser("bob")) {
                bob.subscribe("chat:lobby");
                alice.subscribe("chat:lobby");
                JsonObject ack = alice.request("publish", "\"topic\":\"chat:lobby\",\"data\":{\"text\":\"hello\"}");
                assertEquals("ack", ack.getString("type"), "reply: " + ack);
                JsonObject got = bob.awaitMessage("alice's moderated message");
                assertEquals("hello", got.getJsonObject("data").getString("text"));
                assertTrue(got.getJsonObject("data").getBoolean("moderated"), "rewritten by the backend: " + got);
                JsonObject question = asked("publish", "alice").get(0);
                assertEquals("chat:lobby", question.getString("topic"));
                assertEquals("hello", question.getJsonObject("data").getString("text"));
            }

            // a repeated subscribe decision comes from the cache: asked once for two subscribes
            alice.subscribe("open:news");
            alice.request("unsubscribe", "\"topic\":\"open:news\"");
            alice.subscribe("open:news");
            assertEquals(
                    1,
                    asked("subscribe", "alice").stream()
                            .filter(q -> q.getString("topic").equals("open:news"))
                            .count(),
                    "asked: " + asked);
            // a topic outside pushhub.hook.topics is not asked about
            alice.subscribe("plain-" + System.nanoTime());
            assertTrue(asked("subscribe", "alice").stream()
                    .noneMatch(q -> q.getString("topic").startsWith("plain-")));
        }
        assertEquals(List.of(), List.copyOf(badSignatures), "every request is signed with pushhub.hook.secret");
    }

    @Test
    void overSseTheSameDecisionsAnswerTheCommands() throws Exception {
        try (SseClient sse = SseClient.open(node.http(), Jwts.token("sally", List.of()), Map.of())) {
            assertEquals("gold", sse.welcome().getJsonObject("info").getString("plan"), "welcome: " + sse.welcome());
            Api.Reply denied = sse.command("{\"type\":\"subscribe\",\"topic\":\"secret:sse\",\"id\":\"1\"}");
            assertEquals(400, denied.status(), "reply: " + denied.body());
            assertEquals("forbidden_topic", denied.json().getString("code"), "reply: " + denied.body());
            assertEquals("secret topics are for staff", denied.json().getString("message"));
            Api.Reply ok = sse.command("{\"type\":\"subscribe\",\"topic\":\"open:sse\",\"id\":\"2\"}");
            assertEquals(200, ok.status(), "reply: " + ok.body());
            assertEquals("ack", ok.json().getString("type"));
        }
    }

    @Test
    void aConnectionTheBackendDeniesIsClosedWithItsReason() throws Exception {
        try (WsClient mallory = WsClient.open(node.ws() + "?access_token=" + Jwts.token("mallory", List.of()))) {
            JsonObject error =
                    mallory.await("the refusal", f -> "error".equals(f.getString("type", "")), Duration.ofSeconds(10));
            assertEquals("connection_denied", error.getString("code"), "frame: " + error);
            assertTrue(error.getString("message").contains("account suspended"), "frame: " + error);
            CloseReason close = mallory.awaitClose(Duration.ofSeconds(10));
            assertEquals(4403, close.getCloseCode().getCode(), "close: " + close);
            assertTrue(
                    mallory.seen().stream().noneMatch(f -> "welcome".equals(f.getString("type", ""))),
                    "no welcome: " + mallory.seen());
        }
    }

    @Test
    void aHangingBackendGetsTheConfiguredAnswerInTimeAndOthersDoNotNotice() throws Exception {
        try (WsClient carol = asUser("carol");
                WsClient bystander = asUser("dave")) {
            bystander.subscribe("bystander");
            released = new CountDownLatch(1);
            hang.set(true);
            try {
                // Many questions hang at once: subscribes of an admitted connection...
                List<String> ids = new ArrayList<>();
                long start = System.nanoTime();
                for (int i = 0; i < 10; i++) {
                    String id = "hang" + i;
                    ids.add(id);
                    carol.send("{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"topic\":\"open:slow-" + i + "-"
                            + System.nanoTime() + "\"}");
                }
                // ... and new connections, which get no welcome and are closed with 1013 (on-failure deny).
                List<WsClient> newcomers = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    newcomers.add(WsClient.open(node.ws() + "?access_token=" + Jwts.token("new" + i, List.of())));
                }
                // Meanwhile the bystander's pings and pushes keep their latency.
                long worstPing = 0;
                while (System.nanoTime() - start < TIMEOUT.toNanos() + 500_000_000L) {
                    long t0 = System.nanoTime();
                    bystander.barrier();
                    worstPing = Math.max(worstPing, System.nanoTime() - t0);
                    Thread.sleep(20);
                }
                assertTrue(
                        worstPing < 500_000_000L,
                        "a ping took " + worstPing / 1_000_000 + " ms while the backend hung");
                node.api().push("{\"topic\":\"bystander\",\"data\":\"still here\"}");
                assertEquals(
                        "still here",
                        bystander.awaitMessage("a push while the backend hangs").getString("data"));

                for (String id : ids) {
                    JsonObject r = carol.await(
                            "answer to " + id, f -> id.equals(f.getString("id", null)), Duration.ofSeconds(5));
                    assertEquals("authorization_unavailable", r.getString("code"), "reply: " + r);
                }
                long answered = System.nanoTime() - start;
                assertTrue(
                        answered < TIMEOUT.toNanos() + 2_000_000_000L,
                        "answered after " + answered / 1_000_000 + " ms (time-out " + TIMEOUT + ")");
                for (WsClient n : newcomers) {
                    CloseReason close = n.awaitClose(Duration.ofSeconds(5));
                    assertEquals(1013, close.getCloseCode().getCode(), "close: " + close);
                    assertNull(
                            n.seen().stream()
                                    .filter(f -> "welcome".equals(f.getString("type", "")))
                                    .findFirst()
                                    .orElse(null),
                            "no welcome");
                    n.close();
                }
                carol.barrier(); // carol is still connected and usable
            } finally {
                hang.set(false);
                released.countDown();
            }
            String metrics = node.api().get("/metrics", null).body();
            assertTrue(
                    metrics.contains("pushhub_hook_requests_total{event=\"subscribe\",outcome=\"timeout\"")
                            || metrics.contains("outcome=\"timeout\""),
                    "time-outs counted:\n"
                            + metrics.lines().filter(l -> l.contains("hook")).toList());
            assertNotNull(metrics.lines()
                    .filter(l -> l.startsWith("pushhub_hook_latency_seconds_count"))
                    .findFirst()
                    .orElse(null));
            double timeouts = metrics.lines()
                    .filter(l -> l.startsWith("pushhub_hook_requests_total") && l.contains("outcome=\"timeout\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum();
            assertTrue(timeouts >= 15, "15 questions timed out, counted " + timeouts);
        }
    }
}
