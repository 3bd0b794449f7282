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
 */
public record Push(
        Target target,
        JsonValue data,
        String messageId,
        String idempotencyKey,
        Instant expiresAt,
        String exceptConnection) {

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

    /** A push of {@code data} to {@code target}, with no options. */
    public static Push to(Target target, JsonValue data) {
        return new Push(target, data, null, null, null, null);
    }

    public Push withMessageId(String id) {
        return new Push(target, data, id, idempotencyKey, expiresAt, exceptConnection);
    }

    public Push withIdempotencyKey(String key) {
        return new Push(target, data, messageId, key, expiresAt, exceptConnection);
    }

    public Push withExpiresAt(Instant at) {
        return new Push(target, data, messageId, idempotencyKey, at, exceptConnection);
    }

    /**
     * The same push, not delivered to the connection {@code connectionId} (null: to every recipient). See {@link
     * #exceptConnection()}.
     */
    public Push withExcept(String connectionId) {
        return new Push(target, data, messageId, idempotencyKey, expiresAt, connectionId);
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
