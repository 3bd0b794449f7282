package io.pushhub.client;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * A client of pushhub's REST API: push now or later, cancel and list scheduled pushes, read presence and topic
 * history. Built on the JDK's {@link HttpClient} and JSON-P (JSON-B only for records or beans in a push's data).
 *
 * <pre>{@code
 * PushHubClient hub = PushHubClient.builder().url("http://localhost:9080").apiKey(key).build();
 * PushResult sent = hub.push(Push.toTopic("news", Map.of("text", "hi")));
 * }</pre>
 *
 * <p>Every method blocks until the hub answers, returns a typed result, and throws {@link PushHubException} when the
 * hub refuses the call (with its status and error code) or cannot be reached. An instance is immutable and
 * thread-safe: make one per hub and share it.
 *
 * <p><b>Retries.</b> Reads ({@code GET}) and cancels ({@code DELETE}) are retried, with exponential backoff and
 * jitter, when the connection fails, times out, or the hub answers 502, 503 or 504 ({@code Retry-After} is honoured
 * up to the maximum backoff). A push or schedule ({@code POST /api/push}) <b>with an idempotency key</b> ({@link
 * Push#withIdempotencyKey(String)}) is retried the same way: the hub delivers it at most once per key, and a retry of a
 * push that did get through answers {@link PushResult#duplicate()} (or {@link ScheduleResult#duplicate()}) with the
 * first push's ids; a 503 {@code broker_unavailable} (the cluster's Redis is down) is retried too. A push
 * <b>without</b> a key is retried only when it surely did not reach the hub: the connection could not be made
 * (refused, connect time-out, unknown host).
 */
public final class PushHubClient {

    /** Sent as {@code User-Agent}. */
    public static final String USER_AGENT = "pushhub-java-client/0.1.0";

    private static final int MAX_ERROR_TEXT = 300;

    private final URI url;
    private final String base;
    private final HttpClient http;
    private final Supplier<String> credentials;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    private PushHubClient(Builder b) {
        this.url = b.url;
        String s = b.url.toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        this.http = b.httpClient != null
                ? b.httpClient
                : HttpClient.newBuilder().connectTimeout(b.connectTimeout).build();
        this.credentials = b.credentials;
        this.requestTimeout = b.requestTimeout;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The hub's base URL, as given to the builder. */
    public URI url() {
        return url;
    }

    // ---------------------------------------------------------------- push

    /**
     * Pushes now: {@code POST /api/push}. The message goes out to the connections the push names that are open now;
     * nothing is queued for users who are offline (topics with history keep it for later readers).
     *
     * @throws PushHubException e.g. 400 {@code invalid_topic} or {@code bad_request} (nothing was pushed), 404 {@code
     *     unknown_connections} (nothing was pushed; {@link PushHubException#connections()} names them), 401/403
     */
    public PushResult push(Push push) {
        Objects.requireNonNull(push, "push");
        JsonObject answer = post(body(push).build(), push.idempotencyKey(), 200);
        return new PushResult(
                text(answer, "messageId"),
                (int) number(answer, "reached"),
                optText(answer, "cluster"),
                optText(answer, "clusterError"),
                answer.getBoolean("duplicate", false));
    }

    /**
     * Schedules a push for {@code at} (a past instant is delivered at once): {@code POST /api/push} with {@code at}.
     *
     * @throws PushHubException 400 when {@code at} is beyond the hub's {@code pushhub.scheduled.max-delay}, 429 {@code
     *     too_many_scheduled}, and as {@link #push(Push)}
     */
    public ScheduleResult schedule(Push push, Instant at) {
        Objects.requireNonNull(push, "push");
        Objects.requireNonNull(at, "at");
        return scheduled(post(body(push).add("at", at.toString()).build(), push.idempotencyKey(), 202));
    }

    /**
     * Schedules a push for {@code delay} from now: {@code POST /api/push} with {@code delay}.
     *
     * @throws PushHubException 400 when {@code delay} is negative or beyond {@code pushhub.scheduled.max-delay}, and as
     *     {@link #schedule(Push, Instant)}
     */
    public ScheduleResult schedule(Push push, Duration delay) {
        Objects.requireNonNull(push, "push");
        Objects.requireNonNull(delay, "delay");
        return scheduled(post(body(push).add("delay", delay.toString()).build(), push.idempotencyKey(), 202));
    }

    /**
     * Schedules a recurring push: {@code POST /api/push} with {@code cron}, {@code timezone} and (if the recurrence
     * ends) {@code expiresAt}. The push's {@link Push#withTtl ttl}, if set, is each firing's message lifetime; a push
     * with its own {@link Push#withExpiresAt expiresAt} is refused here (the recurrence's {@code until} is the one
     * end a recurring push has). Each firing gets a new message id; the answer names the first.
     *
     * @throws IllegalArgumentException when the push has an {@code expiresAt}
     * @throws PushHubException 400 {@code invalid_cron} naming the attribute, and as {@link #schedule(Push, Instant)}
     */
    public ScheduleResult schedule(Push push, Recurrence recurrence) {
        Objects.requireNonNull(push, "push");
        Objects.requireNonNull(recurrence, "recurrence");
        if (push.expiresAt() != null) {
            throw new IllegalArgumentException(
                    "a recurring push ends with its Recurrence.until(...), not with Push.withExpiresAt(...)");
        }
        return scheduled(post(recurring(body(push), recurrence).build(), push.idempotencyKey(), 202));
    }

    /**
     * Moves a pending scheduled push to {@code at}, one-shot from then on (a recurring one stops recurring): {@code
     * PATCH /api/push/scheduled/{id}} with {@code at}. It keeps its id, target and data.
     *
     * @return the push as it is now pending
     * @throws PushHubException 404 {@code not_found} when no push with this id is pending, 409 {@code firing} when a
     *     node is firing it at this moment, 400 when {@code at} is beyond the hub's maximum delay
     */
    public ScheduledPush reschedule(String scheduledId, Instant at) {
        requireText(scheduledId, "scheduledId");
        Objects.requireNonNull(at, "at");
        return listed(call(
                "PATCH",
                "/api/push/scheduled/" + segment(scheduledId),
                Json.createObjectBuilder().add("at", at.toString()).build(),
                null,
                200));
    }

    /**
     * Gives a pending scheduled push a new recurrence (its next firing at the recurrence's first time): {@code PATCH
     * /api/push/scheduled/{id}} with {@code cron}, {@code timezone}, {@code expiresAt}, and {@code ttl} when {@code
     * ttl} is not null. Errors as {@link #reschedule(String, Instant)}, plus 400 {@code invalid_cron}.
     */
    public ScheduledPush reschedule(String scheduledId, Recurrence recurrence, Duration ttl) {
        requireText(scheduledId, "scheduledId");
        Objects.requireNonNull(recurrence, "recurrence");
        JsonObjectBuilder b = recurring(Json.createObjectBuilder(), recurrence);
        if (ttl != null) {
            b.add("ttl", ttl.toString());
        }
        return listed(call("PATCH", "/api/push/scheduled/" + segment(scheduledId), b.build(), null, 200));
    }

    private static JsonObjectBuilder recurring(JsonObjectBuilder b, Recurrence r) {
        b.add("cron", r.cron()).add("timezone", r.timezone().getId());
        if (r.until() != null) {
            b.add("expiresAt", r.until().toString());
        }
        return b;
    }

    /**
     * Cancels a scheduled push: {@code DELETE /api/push/scheduled/{id}}.
     *
     * @return true when it was pending and will not be delivered; false when the hub has no pending push with this id
     *     (unknown, already delivered, or already cancelled, perhaps by an earlier attempt of this same call)
     */
    public boolean cancel(String scheduledId) {
        requireText(scheduledId, "scheduledId");
        try {
            call("DELETE", "/api/push/scheduled/" + segment(scheduledId), null, null, 204);
            return true;
        } catch (PushHubException e) {
            if (e.status() == 404 && "not_found".equals(e.code())) {
                return false;
            }
            throw e;
        }
    }

    /** The cluster's pending scheduled pushes, soonest first: {@code GET /api/push/scheduled}. */
    public List<ScheduledPush> listScheduled() {
        JsonObject answer = get("/api/push/scheduled");
        List<ScheduledPush> out = new ArrayList<>();
        for (JsonObject s : objects(answer, "scheduled")) {
            out.add(listed(s));
        }
        return List.copyOf(out);
    }

    private static ScheduledPush listed(JsonObject s) {
        Map<String, String> cron = new LinkedHashMap<>();
        if (s.get("cron") instanceof JsonObject c) {
            c.forEach((k, v) -> cron.put(k, v instanceof JsonString t ? t.getString() : v.toString()));
        }
        String zone = optText(s, "timezone");
        String ttl = optText(s, "ttl");
        return new ScheduledPush(
                text(s, "scheduledId"),
                text(s, "messageId"),
                instant(s, "at"),
                scope(s, "scope"),
                texts(s, "targets"),
                cron,
                zone == null ? null : ZoneId.of(zone),
                optText(s, "expiresAt") == null ? null : instant(s, "expiresAt"),
                ttl == null ? null : Duration.parse(ttl));
    }

    // ---------------------------------------------------------------- presence

    /**
     * The connections subscribed to {@code topic} on every node: {@code GET /api/topics/{topic}/presence}.
     *
     * @throws PushHubException 400 {@code invalid_topic}
     */
    public TopicPresence topicPresence(String topic) {
        requireText(topic, "topic");
        JsonObject a = get("/api/topics/" + segment(topic) + "/presence");
        List<TopicPresence.Subscriber> subs = new ArrayList<>();
        for (JsonObject c : objects(a, "connections")) {
            subs.add(new TopicPresence.Subscriber(text(c, "connectionId"), text(c, "userId"), text(c, "node")));
        }
        return new TopicPresence(
                text(a, "topic"),
                (int) number(a, "subscribers"),
                texts(a, "users"),
                subs,
                bool(a, "complete"),
                optText(a, "cluster"),
                optText(a, "clusterError"));
    }

    /** Whether {@code userId} is online anywhere in the cluster: {@code GET /api/users/{id}}. */
    public UserPresence userPresence(String userId) {
        requireText(userId, "userId");
        JsonObject a = get("/api/users/" + segment(userId));
        List<UserPresence.NodeConnection> conns = new ArrayList<>();
        for (JsonObject c : objects(a, "connectionIds")) {
            conns.add(new UserPresence.NodeConnection(text(c, "connectionId"), text(c, "node")));
        }
        return new UserPresence(
                text(a, "userId"),
                bool(a, "online"),
                (int) number(a, "connections"),
                texts(a, "nodes"),
                conns,
                bool(a, "complete"),
                optText(a, "cluster"),
                optText(a, "clusterError"));
    }

    // ---------------------------------------------------------------- server-side subscriptions

    /**
     * Subscribes every connection of {@code userId}, on every node, to {@code topic}; with {@code sticky} also the
     * user's later connections: {@code POST /api/users/{id}/subscriptions}. Each connection is told by a {@code
     * subscribed} frame. Like a push without a key it is retried only when it surely did not reach the hub (a repeat is
     * harmless, but its counts would say {@code already}).
     *
     * @throws PushHubException 400 {@code invalid_topic}, 409 {@code too_many_sticky} (the user has {@code
     *     pushhub.subscriptions.max-sticky} already), 503 {@code broker_unavailable} (sticky while Redis is down)
     */
    public SubscriptionResult subscribe(String userId, String topic, boolean sticky) {
        requireText(userId, "userId");
        requireText(topic, "topic");
        JsonObject body = Json.createObjectBuilder()
                .add("topic", topic)
                .add("sticky", sticky)
                .build();
        return subscription(
                call("POST", "/api/users/" + segment(userId) + "/subscriptions", body, null, 200), "subscribed");
    }

    /**
     * Unsubscribes every connection of {@code userId}, on every node, from {@code topic} and removes the sticky
     * subscription, if any: {@code DELETE /api/users/{id}/subscriptions/{topic}}. On Open Liberty a topic with a {@code
     * /} cannot be named in the path (400).
     */
    public SubscriptionResult unsubscribe(String userId, String topic) {
        requireText(userId, "userId");
        requireText(topic, "topic");
        return subscription(
                call("DELETE", "/api/users/" + segment(userId) + "/subscriptions/" + segment(topic), null, null, 200),
                "unsubscribed");
    }

    /** The user's sticky subscriptions, sorted: {@code GET /api/users/{id}/subscriptions}. */
    public List<String> stickySubscriptions(String userId) {
        requireText(userId, "userId");
        return texts(get("/api/users/" + segment(userId) + "/subscriptions"), "sticky");
    }

    private static SubscriptionResult subscription(JsonObject a, String changedField) {
        return new SubscriptionResult(
                text(a, "userId"),
                text(a, "topic"),
                (int) number(a, changedField),
                (int) number(a, "already"),
                a.get("skipped") instanceof JsonNumber n ? n.intValue() : 0,
                bool(a, "sticky"),
                optText(a, "cluster"),
                optText(a, "clusterError"));
    }

    // ---------------------------------------------------------------- history

    /** The first page (up to 100) of the messages {@code topic} keeps, oldest first. */
    public HistoryPage history(String topic) {
        return history(topic, 0, null, 100);
    }

    /**
     * A page of {@code topic}'s kept messages after offset {@code since}: {@code GET /api/topics/{topic}/history}.
     *
     * @param since messages after this offset (0: all kept)
     * @param epoch null, or the epoch {@code since} belongs to; when it is not the current one the page is not
     *     complete and says {@code epoch_changed}
     * @param limit at most this many messages (1 to 1000)
     * @throws PushHubException 404 {@code no_history} when the topic keeps no history, 400 for a bad topic or range,
     *     503 {@code broker_unavailable}
     */
    public HistoryPage history(String topic, long since, String epoch, int limit) {
        requireText(topic, "topic");
        StringBuilder path = new StringBuilder("/api/topics/")
                .append(segment(topic))
                .append("/history?since=")
                .append(since)
                .append("&limit=")
                .append(limit);
        if (epoch != null) {
            path.append("&epoch=").append(segment(epoch));
        }
        JsonObject a = get(path.toString());
        List<HistoryMessage> messages = new ArrayList<>();
        for (JsonObject m : objects(a, "messages")) {
            messages.add(new HistoryMessage(
                    number(m, "offset"),
                    text(m, "messageId"),
                    Instant.ofEpochMilli(number(m, "time")),
                    optText(m, "from"),
                    m.get("data")));
        }
        JsonValue missed = a.get("missed");
        HistoryPage.Missed gone = missed instanceof JsonObject o
                ? new HistoryPage.Missed(number(o, "fromOffset"), number(o, "toOffset"))
                : null;
        return new HistoryPage(
                text(a, "topic"),
                text(a, "epoch"),
                number(a, "offset"),
                bool(a, "complete"),
                optText(a, "reason"),
                gone,
                bool(a, "more"),
                messages,
                a.get("expired") instanceof JsonNumber n ? n.intValue() : 0);
    }

    // ---------------------------------------------------------------- requests

    private static JsonObjectBuilder body(Push push) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        if (push.scope() != Scope.ALL) {
            String one = push.scope().wireName();
            if (push.targets().size() == 1) {
                b.add(one, push.targets().get(0));
            } else {
                b.add(one + "s", Json.createArrayBuilder(push.targets()));
            }
        }
        if (push.ttl() != null) {
            b.add("ttl", push.ttl().toString());
        }
        if (push.expiresAt() != null) {
            b.add("expiresAt", push.expiresAt().toString());
        }
        if (push.exceptConnection() != null) {
            b.add("exceptConnection", push.exceptConnection());
        }
        if (push.receipt() && !push.collapseOnAck() && push.escalateAfter() == null) {
            b.add("receipt", true);
        }
        if (push.collapseOnAck()) {
            b.add("collapseOnAck", true);
        }
        if (push.escalateAfter() != null) {
            b.add("escalateAfter", push.escalateAfter().toString());
        }
        return b.add("data", JsonData.toJson(push.data()));
    }

    private static ScheduleResult scheduled(JsonObject a) {
        if (!a.containsKey("scheduledId")) { // a repeat of a key first used by a push made at once (200)
            return new ScheduleResult(null, text(a, "messageId"), null, true);
        }
        return new ScheduleResult(
                text(a, "scheduledId"), text(a, "messageId"), instant(a, "at"), a.getBoolean("duplicate", false));
    }

    private JsonObject get(String path) {
        return call("GET", path, null, null, 200);
    }

    private JsonObject post(JsonObject body, String idempotencyKey, int expected) {
        return call("POST", "/api/push", body, idempotencyKey, expected);
    }

    /**
     * Sends the request, retrying as the class comment says, and returns the answer's JSON object (null for a 204).
     */
    private JsonObject call(String method, String path, JsonObject body, String idempotencyKey, int expected) {
        // The hub deduplicates a POST with a key: retrying it is as safe as retrying a read.
        boolean idempotent = !"POST".equals(method) || idempotencyKey != null;
        String what = method + " " + path;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> r;
            try {
                r = http.send(request(method, path, body, idempotencyKey), HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PushHubException(
                        0, PushHubException.INTERRUPTED, what + ": interrupted", null, attempt, true, e);
            } catch (IOException e) {
                boolean notSent = neverSent(e);
                if ((idempotent || notSent) && attempt < maxAttempts) {
                    pause(attempt, null, what, idempotent);
                    continue;
                }
                String code = notSent
                        ? PushHubException.UNREACHABLE
                        : e instanceof HttpTimeoutException ? PushHubException.TIMEOUT : PushHubException.IO_ERROR;
                throw new PushHubException(
                        0, code, what + " failed: " + describe(e) + attemptsText(attempt), null, attempt, !notSent, e);
            }
            int status = r.statusCode();
            if (status == expected || (status >= 200 && status < 300)) {
                // A schedule (202) repeating a key first used by a push made at once is answered like that push (200).
                boolean repeatOfPush = expected == 202 && status == 200 && idempotencyKey != null;
                if (status != expected && !repeatOfPush) {
                    throw unexpected(what, r, attempt, "expected " + expected);
                }
                if (status == 204) {
                    return null;
                }
                try {
                    JsonValue v = JsonData.parse(r.body());
                    if (v instanceof JsonObject o) {
                        return o;
                    }
                } catch (RuntimeException e) {
                    throw unexpected(what, r, attempt, "not JSON");
                }
                throw unexpected(what, r, attempt, "not a JSON object");
            }
            if (idempotent && (status == 502 || status == 503 || status == 504) && attempt < maxAttempts) {
                pause(attempt, retryAfter(r), what, idempotent);
                continue;
            }
            throw refusal(r, attempt, !"GET".equals(method) && status >= 500);
        }
    }

    private HttpRequest request(String method, String path, JsonObject body, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT);
        String secret = credentials == null ? null : credentials.get();
        if (secret != null && !secret.isEmpty()) {
            b.header("Authorization", "Bearer " + secret);
        }
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    /** True when the exception proves the request never left: no connection could be made. */
    private static boolean neverSent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof HttpConnectTimeoutException
                    || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    /** Sleeps before attempt {@code attempt + 1}: exponential backoff with jitter, at least Retry-After (capped). */
    private void pause(int attempt, Duration retryAfter, String what, boolean idempotent) {
        long cap = maxBackoff.toMillis();
        long exp = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        long delay = Math.min(cap, exp);
        long jittered = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
        if (retryAfter != null) {
            jittered = Math.max(jittered, Math.min(cap, retryAfter.toMillis()));
        }
        try {
            Thread.sleep(jittered);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PushHubException(
                    0,
                    PushHubException.INTERRUPTED,
                    what + ": interrupted while waiting to retry",
                    null,
                    attempt,
                    idempotent,
                    e);
        }
    }

    private static Duration retryAfter(HttpResponse<?> r) {
        return r.headers()
                .firstValue("Retry-After")
                .map(String::trim)
                .filter(v -> v.matches("[0-9]{1,9}"))
                .map(v -> Duration.ofSeconds(Long.parseLong(v)))
                .orElse(null);
    }

    /** The hub's refusal as an exception: its JSON error body when it has one, else the status and some text. */
    private static PushHubException refusal(HttpResponse<String> r, int attempts, boolean mayHaveBeenProcessed) {
        int status = r.statusCode();
        String body = r.body() == null ? "" : r.body();
        try {
            if (JsonData.parse(body) instanceof JsonObject o && o.get("error") instanceof JsonString code) {
                List<String> connections =
                        o.get("connections") instanceof JsonArray ? texts(o, "connections") : List.of();
                String message = o.get("message") instanceof JsonString m ? m.getString() : "";
                return new PushHubException(
                        status,
                        code.getString(),
                        message + attemptsText(attempts),
                        connections,
                        attempts,
                        mayHaveBeenProcessed,
                        null);
            }
        } catch (RuntimeException notJson) {
            // a proxy's or server's own error page: reported below
        }
        return new PushHubException(
                status,
                "http_" + status,
                "HTTP " + status + " without the hub's error body: " + printable(body) + attemptsText(attempts),
                null,
                attempts,
                mayHaveBeenProcessed,
                null);
    }

    private static PushHubException unexpected(String what, HttpResponse<String> r, int attempts, String why) {
        return new PushHubException(
                r.statusCode(),
                "bad_answer",
                what + ": unexpected answer (" + why + "): " + r.statusCode() + " " + printable(r.body()),
                null,
                attempts,
                true,
                null);
    }

    private static String attemptsText(int attempts) {
        return attempts > 1 ? " (after " + attempts + " attempts)" : "";
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** At most {@value #MAX_ERROR_TEXT} characters of printable text, for messages. */
    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String flat = s.replaceAll("[\\p{Cntrl}&&[^\\t]]+", " ").strip();
        return flat.length() <= MAX_ERROR_TEXT ? flat : flat.substring(0, MAX_ERROR_TEXT) + "...";
    }

    /** One path segment or query value, percent-encoded. */
    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void requireText(String s, String name) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    // ---------------------------------------------------------------- reading answers

    private static String text(JsonObject o, String name) {
        if (o.get(name) instanceof JsonString s) {
            return s.getString();
        }
        throw badField(o, name, "a string");
    }

    private static String optText(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s ? s.getString() : null;
    }

    private static long number(JsonObject o, String name) {
        if (o.get(name) instanceof jakarta.json.JsonNumber n) {
            return n.longValue();
        }
        throw badField(o, name, "a number");
    }

    private static boolean bool(JsonObject o, String name) {
        JsonValue v = o.get(name);
        if (v != null && v.getValueType() == JsonValue.ValueType.TRUE) {
            return true;
        }
        if (v != null && v.getValueType() == JsonValue.ValueType.FALSE) {
            return false;
        }
        throw badField(o, name, "a boolean");
    }

    private static Instant instant(JsonObject o, String name) {
        try {
            return Instant.parse(text(o, name));
        } catch (DateTimeParseException e) {
            throw badField(o, name, "an ISO-8601 instant");
        }
    }

    private static Scope scope(JsonObject o, String name) {
        try {
            return Scope.fromWire(text(o, name));
        } catch (IllegalArgumentException e) {
            throw badField(o, name, "one of all, topic, user, connection");
        }
    }

    private static List<String> texts(JsonObject o, String name) {
        if (!(o.get(name) instanceof JsonArray a)) {
            throw badField(o, name, "an array");
        }
        List<String> out = new ArrayList<>(a.size());
        for (JsonValue v : a) {
            if (!(v instanceof JsonString s)) {
                throw badField(o, name, "an array of strings");
            }
            out.add(s.getString());
        }
        return List.copyOf(out);
    }

    private static List<JsonObject> objects(JsonObject o, String name) {
        if (!(o.get(name) instanceof JsonArray a)) {
            throw badField(o, name, "an array");
        }
        List<JsonObject> out = new ArrayList<>(a.size());
        for (JsonValue v : a) {
            if (!(v instanceof JsonObject item)) {
                throw badField(o, name, "an array of objects");
            }
            out.add(item);
        }
        return out;
    }

    private static PushHubException badField(JsonObject o, String name, String expected) {
        return new PushHubException(
                0,
                "bad_answer",
                "unexpected answer from the hub: '" + name + "' is not " + expected + " in " + printable(o.toString()),
                null,
                1,
                true,
                null);
    }

    @Override
    public String toString() {
        return "PushHubClient[" + base + "]";
    }

    // ---------------------------------------------------------------- builder

    /** Settings of a {@link PushHubClient}; only {@link #url} is required. */
    public static final class Builder {
        private URI url;
        private Supplier<String> credentials;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private HttpClient httpClient;

        private Builder() {}

        /** The hub's base URL, e.g. {@code http://localhost:9080} (with its context path, if any). */
        public Builder url(String url) {
            return url(URI.create(Objects.requireNonNull(url, "url")));
        }

        /** The hub's base URL. */
        public Builder url(URI url) {
            Objects.requireNonNull(url, "url");
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("url must be an absolute http or https URL, got " + url);
            }
            if (url.getQuery() != null || url.getFragment() != null) {
                throw new IllegalArgumentException("url must have no query or fragment, got " + url);
            }
            this.url = url;
            return this;
        }

        /** A publisher API key ({@code pushhub.api-keys}), sent as {@code Authorization: Bearer <key>}. */
        public Builder apiKey(String apiKey) {
            Objects.requireNonNull(apiKey, "apiKey");
            this.credentials = () -> apiKey;
            return this;
        }

        /**
         * A publisher JWT (groups contain {@code publisher}), asked for before every request so that it can be
         * renewed; sent as {@code Authorization: Bearer <token>}.
         */
        public Builder token(Supplier<String> token) {
            this.credentials = Objects.requireNonNull(token, "token");
            return this;
        }

        /** How long to wait for a connection (default 5 s); ignored with {@link #httpClient(HttpClient)}. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long to wait for each answer (default 30 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** How many times a call is tried at most, when retrying is safe (default 3; 1 turns retries off). */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1 || attempts > 100) {
                throw new IllegalArgumentException("maxAttempts must be 1 to 100, got " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** The wait before the first retry (doubled for each further one) and the longest wait (200 ms, 5 s). */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive(initial, "initial backoff");
            this.maxBackoff = positive(max, "max backoff");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff must not be shorter than the initial one");
            }
            return this;
        }

        /** Your own JDK HttpClient (proxy, TLS, executor, HTTP version); by default the client makes its own. */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "httpClient");
            return this;
        }

        public PushHubClient build() {
            if (url == null) {
                throw new IllegalStateException("url is required, e.g. builder().url(\"http://localhost:9080\")");
            }
            return new PushHubClient(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
