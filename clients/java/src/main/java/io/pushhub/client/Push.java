package io.pushhub.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One message to push: whom it goes to, its {@code data} (any JSON value), and optionally an idempotency key and an
 * expiry ({@link #withTtl(Duration)} or {@link #withExpiresAt(Instant)}). Make one
 * with the static factories, e.g. {@code Push.toTopic("news", Map.of("text", "hi"))}; pass it to {@link
 * PushHubClient#push(Push)} to deliver it now, or to {@link PushHubClient#schedule(Push, java.time.Duration)} for
 * later.
 *
 * <p>{@code data} becomes JSON as follows: {@code null} is JSON null; a {@link jakarta.json.JsonValue} is sent as is;
 * strings, numbers, booleans, {@link java.util.Map}s (string keys), {@link java.util.Collection}s and arrays of these
 * are converted with JSON-P; any other object (a public record or bean) is written by JSON-B, which needs a JSON-B
 * implementation at run time (any Jakarta EE server has one; elsewhere add {@code org.eclipse:yasson}).
 *
 * @param scope who it goes to
 * @param targets the topics, user ids or connection ids (empty for {@link Scope#ALL}); never empty otherwise
 * @param data the payload every recipient gets as the frame's {@code data}
 * @param idempotencyKey null, or a key sent as {@code Idempotency-Key}; see {@link #withIdempotencyKey(String)}
 * @param ttl null, or how long the message may be delivered, counted from when it is due; see {@link
 *     #withTtl(Duration)}
 * @param expiresAt null, or the instant after which it is never delivered; see {@link #withExpiresAt(Instant)}
 * @param exceptConnection null, or a connection that does not get it; see {@link #withExcept(String)}
 * @param receipt whether the hub records delivery receipts; see {@link #withReceipt()}
 * @param collapseOnAck see {@link #withCollapseOnAck()}
 * @param escalateAfter null, or see {@link #withEscalateAfter(Duration)}
 */
public record Push(
        Scope scope,
        List<String> targets,
        Object data,
        String idempotencyKey,
        Duration ttl,
        Instant expiresAt,
        String exceptConnection,
        boolean receipt,
        boolean collapseOnAck,
        Duration escalateAfter) {

    /** A push without delivery receipts (the record before receipts were added). */
    public Push(
            Scope scope,
            List<String> targets,
            Object data,
            String idempotencyKey,
            Duration ttl,
            Instant expiresAt,
            String exceptConnection) {
        this(scope, targets, data, idempotencyKey, ttl, expiresAt, exceptConnection, false, false, null);
    }

    /** At most this many targets in one push (the hub's limit). */
    public static final int MAX_TARGETS = 1000;

    public Push {
        Objects.requireNonNull(scope, "scope");
        targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
        if (scope == Scope.ALL && !targets.isEmpty()) {
            throw new IllegalArgumentException("a push to everyone names no targets");
        }
        if (scope != Scope.ALL && targets.isEmpty()) {
            throw new IllegalArgumentException("a push to " + scope.wireName() + "s needs at least one target");
        }
        if (targets.size() > MAX_TARGETS) {
            throw new IllegalArgumentException(
                    "at most " + MAX_TARGETS + " targets in one push, got " + targets.size());
        }
        for (String t : targets) {
            if (t.isBlank()) {
                throw new IllegalArgumentException("targets must not be blank");
            }
        }
        if (idempotencyKey != null
                && (idempotencyKey.isEmpty()
                        || idempotencyKey.length() > 200
                        || !idempotencyKey.chars().allMatch(c -> c >= 0x21 && c <= 0x7e))) {
            // The hub's rule (io.pushhub.Push): refused here rather than as a 400 after the request.
            throw new IllegalArgumentException(
                    "an idempotency key has 1 to 200 printable ASCII characters without spaces");
        }
        if (ttl != null && expiresAt != null) {
            throw new IllegalArgumentException("a push has a ttl or an expiresAt, not both");
        }
        if (ttl != null && ttl.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("a ttl is at least 1 ms, got " + ttl);
        }
        if (exceptConnection != null && (exceptConnection.isBlank() || exceptConnection.length() > 200)) {
            throw new IllegalArgumentException("exceptConnection is a connection id of 1 to 200 characters");
        }
        if ((collapseOnAck || escalateAfter != null) && scope != Scope.USER) {
            throw new IllegalArgumentException("collapseOnAck and escalateAfter are for a push to users");
        }
        if (escalateAfter != null
                && (escalateAfter.compareTo(Duration.ofSeconds(1)) < 0
                        || escalateAfter.compareTo(Duration.ofDays(1)) > 0)) {
            throw new IllegalArgumentException("escalateAfter is from 1 s to 1 day, got " + escalateAfter);
        }
    }

    /** A push that excludes no connection (the record before exclusion was added). */
    public Push(
            Scope scope, List<String> targets, Object data, String idempotencyKey, Duration ttl, Instant expiresAt) {
        this(scope, targets, data, idempotencyKey, ttl, expiresAt, null);
    }

    /** A push that never expires (the record before expiry was added). */
    public Push(Scope scope, List<String> targets, Object data, String idempotencyKey) {
        this(scope, targets, data, idempotencyKey, null, null, null);
    }

    /** To every connection of the hub. */
    public static Push toEveryone(Object data) {
        return new Push(Scope.ALL, List.of(), data, null);
    }

    /** To the subscribers of {@code topic}. */
    public static Push toTopic(String topic, Object data) {
        return new Push(Scope.TOPIC, List.of(topic), data, null);
    }

    /** To the subscribers of any of {@code topics} (a connection subscribed to several gets it once). */
    public static Push toTopics(List<String> topics, Object data) {
        return new Push(Scope.TOPIC, topics, data, null);
    }

    /** To every connection of {@code userId}. */
    public static Push toUser(String userId, Object data) {
        return new Push(Scope.USER, List.of(userId), data, null);
    }

    /** To every connection of each of {@code userIds}. */
    public static Push toUsers(List<String> userIds, Object data) {
        return new Push(Scope.USER, userIds, data, null);
    }

    /** To one connection ({@code c-...}); an unknown id is refused (404 {@code unknown_connections}). */
    public static Push toConnection(String connectionId, Object data) {
        return new Push(Scope.CONNECTION, List.of(connectionId), data, null);
    }

    /** To several connections; if any is unknown, nothing is pushed (404 {@code unknown_connections}). */
    public static Push toConnections(List<String> connectionIds, Object data) {
        return new Push(Scope.CONNECTION, connectionIds, data, null);
    }

    /**
     * This push with a key that identifies it across retries, sent as the {@code Idempotency-Key} header (1 to 200
     * printable ASCII characters, no spaces). The hub delivers a push at most once per key within its {@code
     * pushhub.idempotency.window} (on any node of a cluster; a repeat answers {@link PushResult#duplicate()}), so the
     * client retries a push with a key after any transient failure (time-out, broken connection, 502/503/504), like a
     * read. Without a key it retries only when the push surely did not reach the hub.
     */
    public Push withIdempotencyKey(String key) {
        return new Push(
                scope, targets, data, key, ttl, expiresAt, exceptConnection, receipt, collapseOnAck, escalateAfter);
    }

    /**
     * This push with a time to live, sent as {@code ttl} (an ISO-8601 duration): the hub never delivers it later than
     * {@code ttl} after it is due (now for {@link PushHubClient#push(Push)}, the scheduled time for {@link
     * PushHubClient#schedule(Push, Instant)}). A copy still queued for a slow connection is dropped, a resume does not
     * replay it, and a history page skips it. At least 1 ms; the hub refuses (400) more than its {@code
     * pushhub.push.max-ttl} (30 days by default). Replaces an {@code expiresAt} set before.
     */
    public Push withTtl(Duration ttl) {
        return new Push(
                scope,
                targets,
                data,
                idempotencyKey,
                Objects.requireNonNull(ttl, "ttl"),
                null,
                exceptConnection,
                receipt,
                collapseOnAck,
                escalateAfter);
    }

    /**
     * This push with an absolute expiry, sent as {@code expiresAt} (an ISO-8601 instant, judged by the hub's clock):
     * it is never delivered after that. It must lie after the time the push is due (else the hub answers 400: it would
     * never be delivered), and at most {@code pushhub.push.max-ttl} after it. Replaces a {@code ttl} set before.
     */
    public Push withExpiresAt(Instant expiresAt) {
        return new Push(
                scope,
                targets,
                data,
                idempotencyKey,
                null,
                Objects.requireNonNull(expiresAt, "expiresAt"),
                exceptConnection,
                receipt,
                collapseOnAck,
                escalateAfter);
    }

    /**
     * This push without the connection {@code connectionId} (the {@code connectionId} of its welcome frame, e.g. the
     * browser tab whose action caused the push), sent as {@code exceptConnection}: on whichever node it is, that
     * connection does not get it, and it is not counted in {@link PushResult#reached()}. An id that is not connected
     * excludes nothing. Only for {@link PushHubClient#push(Push)}: the hub refuses (400) a scheduled push with one.
     */
    public Push withExcept(String connectionId) {
        return new Push(
                scope,
                targets,
                data,
                idempotencyKey,
                ttl,
                expiresAt,
                connectionId,
                receipt,
                collapseOnAck,
                escalateAfter);
    }

    /**
     * This push with delivery receipts, sent as {@code "receipt": true}: per recipient connection the hub records
     * written, acknowledged (the client's handler ran) or dropped with the reason, readable at {@code GET
     * /api/push/{messageId}/receipts} (the hub's docs/receipts.md). Only for {@link PushHubClient#push(Push)}.
     */
    public Push withReceipt() {
        return new Push(
                scope,
                targets,
                data,
                idempotencyKey,
                ttl,
                expiresAt,
                exceptConnection,
                true,
                collapseOnAck,
                escalateAfter);
    }

    /**
     * A push to users whose first acknowledgement by a user retracts it on that user's other connections ({@code
     * "collapseOnAck": true}; implies receipts).
     */
    public Push withCollapseOnAck() {
        return new Push(
                scope, targets, data, idempotencyKey, ttl, expiresAt, exceptConnection, true, true, escalateAfter);
    }

    /**
     * A push to users for which the hub fires {@code push.unacknowledged} (webhook, CDI event) for each user none of
     * whose connections acknowledged it within {@code after} (1 s to 1 day; implies receipts).
     */
    public Push withEscalateAfter(Duration after) {
        return new Push(
                scope,
                targets,
                data,
                idempotencyKey,
                ttl,
                expiresAt,
                exceptConnection,
                true,
                collapseOnAck,
                Objects.requireNonNull(after, "after"));
    }
}
