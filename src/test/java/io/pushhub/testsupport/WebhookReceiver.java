package io.pushhub.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The test backend of the webhook tests: a real HTTP server on {@code it.webhook.port} (the URL the test servers'
 * {@code pushhub.webhook.urls} names) that checks each request's {@code PushHub-Signature} the way docs/hooks.md tells a
 * backend to (HMAC-SHA256 over {@code t + "." + body}, here with plain JCA, not the hub's class) and records the events
 * of the requests it accepted, in arrival order.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** The secret the test servers sign with (src/test/liberty/.../pushhub-it.xml). */
    public static final String SECRET = "it-webhook-secret-of-every-test-node";

    /** A request the receiver accepted: its events and its signature header. */
    public record Delivery(List<JsonObject> events, String signature, long receivedAtNanos) {}

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final List<String> badSignatures = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    /** What to answer to a body: an HTTP status, or -1 to hang until the receiver closes. */
    private volatile Function<String, Integer> behaviour = body -> 204;

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() throws IOException {
        int port = Integer.getInteger("it.webhook.port", 19100);
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        WebhookReceiver r = new WebhookReceiver(s);
        s.setExecutor(r.threads);
        s.createContext("/hooks", r::handle);
        s.start();
        return r;
    }

    public void behave(Function<String, Integer> b) {
        this.behaviour = b;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String signature = x.getRequestHeaders().getFirst("PushHub-Signature");
            int status = behaviour.apply(body);
            if (status < 0) {
                try {
                    closing.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (!verifies(signature, body)) {
                badSignatures.add(signature + " on " + body);
                x.sendResponseHeaders(401, -1);
                return;
            }
            if (status / 100 == 2) {
                List<JsonObject> events =
                        Json.createReader(new StringReader(body)).readArray().getValuesAs(JsonObject.class);
                deliveries.add(new Delivery(events, signature, System.nanoTime()));
            }
            x.sendResponseHeaders(status, -1);
        }
    }

    /** The check docs/hooks.md shows a backend, with a 5-minute replay window. */
    static boolean verifies(String header, String body) {
        if (header == null) {
            return false;
        }
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            if (part.startsWith("t=")) {
                t = part.substring(2);
            } else if (part.startsWith("v1=")) {
                v1 = part.substring(3);
            }
        }
        if (t == null || v1 == null || Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8));
            return java.security.MessageDigest.isEqual(
                    expected, java.util.HexFormat.of().parseHex(v1));
        } catch (Exception e) {
            return false;
        }
    }

    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    public List<String> badSignatures() {
        return List.copyOf(badSignatures);
    }

    /** Every accepted event that matches, in arrival order. */
    public List<JsonObject> events(Predicate<JsonObject> match) {
        List<JsonObject> out = new ArrayList<>();
        for (Delivery d : deliveries) {
            d.events().stream().filter(match).forEach(out::add);
        }
        return out;
    }

    /** Events of one topic or user (by its name), in arrival order. */
    public List<JsonObject> about(String name) {
        return events(e -> name.equals(e.getString("topic", null)) || name.equals(e.getString("userId", null)));
    }

    /** Waits until {@code count} events match; fails with what arrived. */
    public List<JsonObject> await(String what, Predicate<JsonObject> match, int count, Duration max)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        List<JsonObject> got = events(match);
        while (got.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
            got = events(match);
        }
        if (got.size() < count) {
            throw new AssertionError(
                    "waited " + max + " for " + count + " × " + what + ", got " + got + "; all: " + events(e -> true));
        }
        return got;
    }

    /** Types in arrival order, e.g. {@code [topic.occupied, topic.vacated]}. */
    public static List<String> types(List<JsonObject> events) {
        return events.stream().map(e -> e.getString("type")).toList();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
