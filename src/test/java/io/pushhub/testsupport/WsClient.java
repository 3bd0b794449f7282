package io.pushhub.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.JsonObject;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real WebSocket client (Tyrus) for the tests. Every text frame received is kept in arrival order; {@link #await}
 * waits for the next frame matching a condition and, on time-out, fails with everything received so far.
 */
public final class WsClient implements AutoCloseable {

    private static final WebSocketContainer CONTAINER = ContainerProvider.getWebSocketContainer();
    private static final AtomicInteger IDS = new AtomicInteger();

    private final LinkedBlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
    private final List<JsonObject> seen = new CopyOnWriteArrayList<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final AtomicInteger frames = new AtomicInteger();
    private final Session session;
    private final JsonObject welcome;
    private volatile Map<String, List<String>> handshakeHeaders = Map.of();

    private WsClient(URI uri, Map<String, List<String>> headers, List<String> subprotocols) throws Exception {
        this(uri, headers, subprotocols, true);
    }

    private WsClient(URI uri, Map<String, List<String>> headers, List<String> subprotocols, boolean awaitWelcome)
            throws Exception {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(subprotocols)
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> h) {
                        h.putAll(headers);
                    }

                    @Override
                    public void afterResponse(HandshakeResponse hr) {
                        handshakeHeaders = Map.copyOf(hr.getHeaders());
                    }
                })
                .build();
        session = CONTAINER.connectToServer(
                new Endpoint() {
                    @Override
                    public void onOpen(Session s, EndpointConfig c) {
                        s.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                            frames.incrementAndGet();
                            JsonObject o = Json.parse(text);
                            // A batch frame carries several frames, in order: unwrap it as the protocol says.
                            List<JsonObject> parts = "batch".equals(o.getString("type", ""))
                                    ? o.getJsonArray("messages").getValuesAs(JsonObject.class)
                                    : List.of(o);
                            for (JsonObject part : parts) {
                                seen.add(part);
                                inbox.add(part);
                            }
                        });
                    }

                    @Override
                    public void onClose(Session s, CloseReason reason) {
                        closed.complete(reason);
                    }
                },
                config,
                uri);
        welcome = awaitWelcome
                ? await("welcome", f -> "welcome".equals(f.getString("type", "")), Duration.ofSeconds(10))
                : null;
    }

    /**
     * Opens the WebSocket without waiting for the welcome (a connection the server may refuse after the handshake,
     * e.g. by its authorization hook); {@link #welcome()} is null, frames (the welcome too) arrive through {@link
     * #await}.
     */
    public static WsClient open(String wsUrl) throws Exception {
        return new WsClient(URI.create(wsUrl), Map.of(), List.of(), false);
    }

    public static WsClient connect(String wsUrl) throws Exception {
        return new WsClient(URI.create(wsUrl), Map.of(), List.of());
    }

    public static WsClient connect(String wsUrl, Map<String, List<String>> headers) throws Exception {
        return new WsClient(URI.create(wsUrl), headers, List.of());
    }

    public static WsClient connect(String wsUrl, Map<String, List<String>> headers, List<String> subprotocols)
            throws Exception {
        return new WsClient(URI.create(wsUrl), headers, subprotocols);
    }

    public JsonObject welcome() {
        return welcome;
    }

    /** The {@code Set-Cookie} headers of the server's handshake answer (the 101). */
    public List<String> setCookies() {
        return handshakeHeaders.entrySet().stream()
                .filter(e -> "Set-Cookie".equalsIgnoreCase(e.getKey()))
                .flatMap(e -> e.getValue().stream())
                .toList();
    }

    public String connectionId() {
        return welcome.getString("connectionId");
    }

    public String userId() {
        return welcome.getString("userId");
    }

    public Session session() {
        return session;
    }

    public void send(String text) throws Exception {
        session.getBasicRemote().sendText(text);
    }

    /** Sends a command with a fresh id and waits for the ack or error carrying that id. */
    public JsonObject request(String type, String extraJson) throws Exception {
        String id = "r" + IDS.incrementAndGet();
        String body =
                "{\"type\":\"" + type + "\",\"id\":\"" + id + "\"" + (extraJson.isEmpty() ? "" : "," + extraJson) + "}";
        send(body);
        return await("reply to " + body, f -> id.equals(f.getString("id", null)), Duration.ofSeconds(10));
    }

    public JsonObject subscribe(String topic) throws Exception {
        JsonObject reply = request("subscribe", "\"topic\":\"" + topic + "\"");
        if (!"ack".equals(reply.getString("type"))) {
            fail("subscribe " + topic + " was not acknowledged: " + reply);
        }
        return reply;
    }

    /**
     * Round trip to the server: every frame the server queued for this connection before the pong has arrived once
     * this returns (frames are ordered per connection). Used instead of sleeping to prove that something did NOT come.
     */
    public void barrier() throws Exception {
        JsonObject pong = request("ping", "");
        if (!"pong".equals(pong.getString("type"))) {
            fail("expected pong, got " + pong);
        }
    }

    /**
     * After a rate-limited flood: retries an echo (each retry waits up to 500 ms for its own reply) until the server
     * answers again, i.e. until the token bucket has refilled. Fails after 10 s.
     */
    public void barrierAfterRateLimit() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String id = "recover" + IDS.incrementAndGet();
            send("{\"type\":\"echo\",\"id\":\"" + id + "\",\"data\":1}");
            try {
                JsonObject reply = await("echo " + id, f -> id.equals(f.getString("id", null)), Duration.ofMillis(500));
                if ("ack".equals(reply.getString("type"))) {
                    return;
                }
            } catch (AssertionError noReplyYet) {
                // dropped by the limiter; try again
            }
        }
        fail("connection did not recover from rate limiting within 10 s; received: " + seen.size() + " frames");
    }

    /** Waits for the next frame (in arrival order, skipping non-matching ones) that matches. */
    public JsonObject await(String what, Predicate<JsonObject> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (; ; ) {
            long left = deadline - System.nanoTime();
            JsonObject f = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
            if (f == null) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what + "; received: " + seen
                        + (closed.isDone() ? "; closed: " + closed.getNow(null) : ""));
            }
            if (match.test(f)) {
                return f;
            }
        }
    }

    /** Waits for the next message frame (skipping acks, presence, pongs). */
    public JsonObject awaitMessage(String what) throws InterruptedException {
        return await(what, f -> "message".equals(f.getString("type", "")), Duration.ofSeconds(10));
    }

    /** All message frames received so far, in order. */
    public List<JsonObject> messages() {
        List<JsonObject> out = new ArrayList<>();
        for (JsonObject f : seen) {
            if ("message".equals(f.getString("type", ""))) {
                out.add(f);
            }
        }
        return out;
    }

    /** WebSocket frames received (a batch of several messages is one frame). */
    public int frameCount() {
        return frames.get();
    }

    public List<JsonObject> seen() {
        return List.copyOf(seen);
    }

    /** Waits for the server to close the connection and returns the reason. */
    public CloseReason awaitClose(Duration timeout) throws Exception {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            fail("connection was not closed within " + timeout.toMillis() + " ms; received: " + seen);
            return null;
        }
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close() throws java.io.IOException {
        if (session.isOpen()) {
            session.close();
        }
    }
}
