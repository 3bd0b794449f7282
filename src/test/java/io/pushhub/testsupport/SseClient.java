package io.pushhub.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real SSE client for the tests: {@code GET /api/events} with java.net.http, read line by line on a thread of its
 * own. Keeps its own cookie jar (the anonymous identity of an SSE client is its HTTP session, as for a browser), so
 * its commands prove ownership the way a page's would.
 */
public final class SseClient implements AutoCloseable {

    /** One event: its id (may be null) and its data parsed as a JSON frame. */
    public record Event(String id, JsonObject frame) {}

    private final HttpClient http;
    private final String base;
    private final String bearer;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private volatile InputStream body;
    private volatile boolean ended;
    private final int status;
    private final String errorBody;
    private JsonObject welcome;

    private static final Object END = new Object();

    private SseClient(HttpClient http, String base, String bearer, Map<String, String> headers) throws Exception {
        this.http = http;
        this.base = base;
        this.bearer = bearer;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/events"))
                .header("Accept", "text/event-stream")
                .GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(b::header);
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        status = r.statusCode();
        if (status != 200) {
            errorBody = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
            return;
        }
        errorBody = null;
        body = r.body();
        Thread reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens a stream and waits for its first frame (welcome, or resumed when resuming). */
    public static SseClient open(String base, String bearer, Map<String, String> headers) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return new SseClient(http, base, bearer, headers);
    }

    public static SseClient open(String base) throws Exception {
        return open(base, null, Map.of());
    }

    /** Opens another stream with the same cookies (same browser), e.g. to resume. */
    public SseClient reopen(Map<String, String> headers) throws Exception {
        return new SseClient(http, base, bearer, headers);
    }

    public int status() {
        return status;
    }

    public String errorBody() {
        return errorBody;
    }

    public JsonObject welcome() throws InterruptedException {
        if (welcome == null) {
            welcome = await("welcome", e -> "welcome".equals(e.frame().getString("type", "")), Duration.ofSeconds(10))
                    .frame();
        }
        return welcome;
    }

    public String connectionId() throws InterruptedException {
        return welcome().getString("connectionId");
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            StringBuilder data = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        Event e = new Event(id, Json.parse(data.toString()));
                        events.add(e);
                        inbox.add(e);
                    }
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.add(line);
                    inbox.add(line);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    String d = line.substring(5);
                    d = d.startsWith(" ") ? d.substring(1) : d;
                    data = data == null
                            ? new StringBuilder(d)
                            : data.append('\n').append(d);
                }
            }
        } catch (Exception e) {
            // closed by the test (close()) or the server ended the stream
        } finally {
            ended = true;
            inbox.add(END);
        }
    }

    /** Waits for the next event (skipping others) that matches; fails with everything seen on time-out. */
    public Event await(String what, Predicate<Event> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (; ; ) {
            long left = deadline - System.nanoTime();
            Object o = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
            if (o == null || o == END) {
                fail((o == END ? "stream ended" : "timed out after " + timeout.toMillis() + " ms") + " waiting for "
                        + what + "; events: " + events + "; comments: " + comments);
            }
            if (o instanceof Event e && match.test(e)) {
                return e;
            }
        }
    }

    public Event awaitType(String type) throws InterruptedException {
        return await(type, e -> type.equals(e.frame().getString("type", "")), Duration.ofSeconds(10));
    }

    /** Waits for a comment line (heartbeat). */
    public String awaitComment(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (; ; ) {
            long left = deadline - System.nanoTime();
            Object o = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
            if (o == null || o == END) {
                fail("no comment line within " + timeout.toMillis() + " ms; events: " + events);
            }
            if (o instanceof String s && !s.equals(":pushhub") && !s.equals(": pushhub")) {
                return s;
            }
        }
    }

    /** Waits until the server ends the stream. */
    public void awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended) {
            long left = deadline - System.nanoTime();
            Object o = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
            if (o == null) {
                fail("stream still open after " + timeout.toMillis() + " ms; events: " + events);
            }
        }
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** {@code POST /api/events/{id}/commands} with this client's cookies and token. */
    public Api.Reply command(String json) throws Exception {
        return command(connectionId(), json);
    }

    public Api.Reply command(String connectionId, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/events/" + connectionId + "/commands"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Api.Reply(r.statusCode(), r.body(), r.headers());
    }

    /** Drops the stream from the client side, like a network cut (the server notices later or never). */
    @Override
    public void close() throws Exception {
        InputStream in = body;
        if (in != null) {
            in.close();
        }
    }
}
