package io.pushhub.hub;

import io.pushhub.ConnectionView;
import io.pushhub.delivery.DeliveryEngine;
import io.pushhub.delivery.Outbox;
import io.pushhub.presence.LocalConnections;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * One client connection: who it is, what it is subscribed to, and its outbound queue. Created and indexed by the
 * {@link Hub}; transports hold it only to hand its frames back to the hub.
 */
public final class Connection implements LocalConnections.Local {

    private final String id;
    private final String userId;
    private final boolean anonymous;
    private final Instant openedAt = Instant.now();
    private final ClientChannel channel;
    private final Outbox outbox;
    private final RateLimiter limiter;
    // Guarded by this connection's monitor together with 'closed', so a subscribe can never race a close.
    final Set<String> topics = ConcurrentHashMap.newKeySet();
    boolean closed;
    /** Topics this connection resumed with {@code since}: their replay/live seam (see {@link SeamGate}). */
    final ConcurrentHashMap<String, SeamGate<io.pushhub.delivery.Frame>> seams = new ConcurrentHashMap<>();
    /**
     * Topics the server subscribed this connection to ({@link ServerSubscriptions}) that its client has not subscribed
     * to itself since: a client subscribe with {@code since} to one of them resumes it (replay) although the connection
     * is subscribed already. A subset of {@link #topics}, so bounded like it.
     */
    final Set<String> serverTopics = ConcurrentHashMap.newKeySet();
    /** Set once the hub has reported this connection's end (presence, leave notices). */
    final java.util.concurrent.atomic.AtomicBoolean gone = new java.util.concurrent.atomic.AtomicBoolean();

    volatile long lastRateLimitNotice;
    /**
     * Messages queued for this connection that asked for a receipt and are not acknowledged yet (message id to whether
     * it collapses on ack), oldest first, at most {@link Receipts#MAX_UNACKED_PER_CONNECTION}; null until the first one
     * (untracked traffic never creates it). Guarded by itself.
     */
    volatile java.util.LinkedHashMap<String, Boolean> unacked;
    /** The close code the hub chose when it ended this connection (0: the client or the network ended it). */
    volatile int closeCode;

    // ---------------------------------------------------------------- authorization (docs/authorization.md)

    /** The token's topic claims; set by the hub before the connection is used. */
    io.pushhub.security.TopicGrants grants = io.pushhub.security.TopicGrants.NONE;
    /** The token's groups (told to the authorization hook). */
    Set<String> groups = Set.of();
    /** False while the connect hook decides: the connection has no welcome yet and its commands are refused. */
    volatile boolean admitted = true;
    /** Guards {@link #registered} against a close racing the connect hook's admission. */
    final Object admission = new Object();
    /** Whether the hub indexed this connection (and so must report its end); guarded by {@link #admission}. */
    boolean registered;
    /** What the connect hook attached to this connection (sent in the welcome); null when none. */
    volatile jakarta.json.JsonValue info;
    /**
     * Commands of this connection waiting for the authorization hook, or queued behind one that is (so that they run
     * in the order the client sent them); at most {@code pushhub.hook.max-pending-per-connection}.
     */
    final java.util.concurrent.atomic.AtomicInteger hooked = new java.util.concurrent.atomic.AtomicInteger();
    /** The last of those commands; written by the connection's read thread only. */
    volatile java.util.concurrent.CompletableFuture<Void> hookTail =
            java.util.concurrent.CompletableFuture.completedFuture(null);

    /** What the authorization hook attached to this connection when it admitted it; null when nothing. */
    public jakarta.json.JsonValue info() {
        return info;
    }

    Connection(
            String id,
            String userId,
            boolean anonymous,
            ClientChannel channel,
            RateLimiter limiter,
            DeliveryEngine engine,
            BiConsumer<Connection, Throwable> onSendFailure) {
        this.id = id;
        this.userId = userId;
        this.anonymous = anonymous;
        this.channel = channel;
        this.limiter = limiter;
        this.outbox = engine.newOutbox(channel, cause -> onSendFailure.accept(this, cause), anonymous, this);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String userId() {
        return userId;
    }

    public boolean anonymous() {
        return anonymous;
    }

    public Instant openedAt() {
        return openedAt;
    }

    /** A snapshot of the topics this connection is subscribed to. */
    @Override
    public Set<String> topics() {
        return Set.copyOf(topics);
    }

    Outbox outbox() {
        return outbox;
    }

    ClientChannel channel() {
        return channel;
    }

    RateLimiter limiter() {
        return limiter;
    }

    /** A snapshot for the public API: what it is and what it is subscribed to now. */
    public ConnectionView view(String node) {
        return view(node, topics);
    }

    /** A snapshot with the given topics (the ones it had, once a close has emptied its own set). */
    ConnectionView view(String node, Set<String> topics) {
        return new ConnectionView(id, userId, anonymous, channel.transportName(), node, openedAt, topics);
    }

    @Override
    public String toString() {
        return "Connection[" + id + " user=" + userId + "]";
    }
}
