package io.pushhub;

import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One push with its options, for {@link Pusher#push(Push)}. Immutable; build it with {@link #to(Target, JsonValue)}
 * and the {@code with...} methods:
 *
 * <pre>{@code
 * pusher.push(Push.to(Target.user("alice"), data)
 *         .withIdempotencyKey("order-4711-shipped")
 *         .withTtl(Duration.ofMinutes(5)));
 * }</pre>
 *
 * @param target who it goes to
 * @param data the payload, any JSON value
 * @param messageId the id recipients see; null to mint one ({@link Pusher#newMessageId()})
 * @param idempotencyKey null, or a key (1 to 200 printable characters) that makes a repeat of this push within the
 *     configured window ({@code pushhub.idempotency.window}), on any node of the cluster, a no-op that answers with the
 *     first push's message id and {@link PushResult#duplicate()} true
 * @param expiresAt null, or the instant after which the message is never delivered: not from a connection's queue,
 *     not by a history replay, not by a late scheduled firing
 * @param exceptConnection null, or the id of one connection (the {@code connectionId} of its welcome frame) that does
 *     not get this push although the target includes it, on whichever node it is: typically the connection of the user
 *     whose action caused the push, which shows the change already (Pusher's {@code socket_id}, Socket.IO's {@code
 *     except}). Not counted in {@link PushResult#reached()}. A history topic keeps the exclusion with the message, so
 *     that connection does not get it from a replay either; a new connection (a reconnect) has a new id and does.
 * @param receipt null, or the delivery receipts asked for: every recipient connection reports written, acknowledged
 *     or dropped ({@code GET /api/push/{messageId}/receipts}, docs/receipts.md)
 */
public record Push(
        Target target,
        JsonValue data,
        String messageId,
        String idempotencyKey,
        Instant expiresAt,
        String exceptConnection,
        Receipt receipt) {

    /** Shortest {@link Receipt#escalateAfter()}. */
    public static final Duration MIN_ESCALATE_AFTER = Duration.ofSeconds(1);

    /** Longest {@link Receipt#escalateAfter()}. */
    public static final Duration MAX_ESCALATE_AFTER = Duration.ofDays(1);

    /**
     * Delivery receipts for a push (docs/receipts.md).
     *
     * @param collapseOnAck the first acknowledgement by a user retracts the message on the user's other connections
     *     (a {@code retract} frame); only for a push to users
     * @param escalateAfter null, or how long a user has to acknowledge before {@code push.unacknowledged} fires for
     *     them (webhook and CDI {@link HubEvent.PushUnacknowledged}); bounds: {@link #MIN_ESCALATE_AFTER} to
     *     {@link #MAX_ESCALATE_AFTER}; only for a push to users
     */
    public record Receipt(boolean collapseOnAck, Duration escalateAfter) {

        /** Receipts only: no collapse, no escalation. */
        public static final Receipt PLAIN = new Receipt(false, null);

        public Receipt {
            if (escalateAfter != null
                    && (escalateAfter.compareTo(MIN_ESCALATE_AFTER) < 0
                            || escalateAfter.compareTo(MAX_ESCALATE_AFTER) > 0)) {
                throw new IllegalArgumentException("escalateAfter must be from " + MIN_ESCALATE_AFTER + " to "
                        + MAX_ESCALATE_AFTER + ", not " + escalateAfter);
            }
        }
    }

    /** Longest idempotency key accepted. */
    public static final int MAX_IDEMPOTENCY_KEY = 200;

    /** Longest connection id accepted in {@link #exceptConnection()}. */
    public static final int MAX_CONNECTION_ID = 200;

    public Push {
        Objects.requireNonNull(target, "target");
        if (exceptConnection != null && (exceptConnection.isBlank() || exceptConnection.length() > MAX_CONNECTION_ID)) {
            throw new IllegalArgumentException(
                    "exceptConnection must be a connection id of 1 to " + MAX_CONNECTION_ID + " characters");
        }
        Objects.requireNonNull(data, "data");
        if (receipt != null
                && (receipt.collapseOnAck() || receipt.escalateAfter() != null)
                && !"user".equals(target.scope())) {
            throw new IllegalArgumentException("collapseOnAck and escalateAfter are for a push to users, not to "
                    + target.scope() + " (they act per user: the user's other devices, the user who did not"
                    + " acknowledge)");
        }
        if (idempotencyKey != null) {
            String problem = idempotencyKeyProblem(idempotencyKey);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
    }

    /** A push that excludes no connection (the form before {@link #exceptConnection()} existed). */
    public Push(Target target, JsonValue data, String messageId, String idempotencyKey, Instant expiresAt) {
        this(target, data, messageId, idempotencyKey, expiresAt, null);
    }

    /** A push without receipts (the form before {@link #receipt()} existed). */
    public Push(
            Target target,
            JsonValue data,
            String messageId,
            String idempotencyKey,
            Instant expiresAt,
            String exceptConnection) {
        this(target, data, messageId, idempotencyKey, expiresAt, exceptConnection, null);
    }

    /** A push of {@code data} to {@code target}, with no options. */
    public static Push to(Target target, JsonValue data) {
        return new Push(target, data, null, null, null, null);
    }

    public Push withMessageId(String id) {
        return new Push(target, data, id, idempotencyKey, expiresAt, exceptConnection, receipt);
    }

    public Push withIdempotencyKey(String key) {
        return new Push(target, data, messageId, key, expiresAt, exceptConnection, receipt);
    }

    public Push withExpiresAt(Instant at) {
        return new Push(target, data, messageId, idempotencyKey, at, exceptConnection, receipt);
    }

    /**
     * The same push, not delivered to the connection {@code connectionId} (null: to every recipient). See {@link
     * #exceptConnection()}.
     */
    public Push withExcept(String connectionId) {
        return new Push(target, data, messageId, idempotencyKey, expiresAt, connectionId, receipt);
    }

    /** The same push with delivery receipts {@code r} (null: none). See {@link #receipt()}. */
    public Push withReceipt(Receipt r) {
        return new Push(target, data, messageId, idempotencyKey, expiresAt, exceptConnection, r);
    }

    /** The same push with plain delivery receipts. */
    public Push withReceipt() {
        return withReceipt(receipt != null ? receipt : Receipt.PLAIN);
    }

    /** The same push with receipts, retracted on a user's other connections once one acknowledged it. */
    public Push withCollapseOnAck() {
        return withReceipt(new Receipt(true, receipt == null ? null : receipt.escalateAfter()));
    }

    /** The same push with receipts, escalated ({@code push.unacknowledged}) for a user who did not ack in time. */
    public Push withEscalateAfter(Duration after) {
        return withReceipt(new Receipt(receipt != null && receipt.collapseOnAck(), after));
    }

    /** Expires {@code ttl} from now. */
    public Push withTtl(Duration ttl) {
        return withExpiresAt(Instant.now().plus(ttl));
    }

    /** Whether the message has expired at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Why a string cannot be an idempotency key, or null when it can. */
    public static String idempotencyKeyProblem(String key) {
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY) {
            return "an idempotency key has 1 to " + MAX_IDEMPOTENCY_KEY + " characters, this one " + key.length();
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return "an idempotency key has only printable ASCII characters without spaces";
            }
        }
        return null;
    }
}
