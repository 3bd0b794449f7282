package io.pushhub.events;

import java.util.OptionalLong;
import java.util.Set;

/**
 * Decides the cluster-wide transitions behind the {@link io.pushhub.HubEvent}s: a topic's first and last subscriber, a
 * presence topic's first and last connection of a user, a user's first and last connection (the last one after the
 * offline grace), and every connection's end. Each node reports its own connections; the ledger decides each
 * transition exactly once for the whole cluster, numbers it (per topic or per user) and hands the event to the sink
 * of the node that made it. {@link MemoryEventLedger} is the one-node default; {@link RedisEventLedger} decides in
 * Redis, atomically per transition, and also covers the connections of a node that died (once, from one surviving
 * node, after its lease).
 *
 * <p>Writes never block on the network and never throw. Reports of one connection must come in the order they
 * happened (connected, subscribed..., disconnected), which the hub's callers guarantee. Thread-safe.
 */
public interface EventLedger {

    void connected(String connectionId, String userId);

    void subscribed(String connectionId, String userId, String topic);

    void unsubscribed(String connectionId, String userId, String topic);

    /** A connection ended: it leaves {@code topics}, then the user may go offline (after the grace). */
    void disconnected(String connectionId, String userId, Set<String> topics, int closeCode);

    /**
     * No connection of {@code userId} acknowledged {@code messageId} in time (delivery receipts, {@code escalateAfter}):
     * numbers and hands on one {@link io.pushhub.HubEvent.PushUnacknowledged}. The caller decides that it is due, once
     * per user and message (the node that accepted the push).
     */
    default void unacknowledged(String messageId, String userId, long pushedAt, long escalateAfterMillis) {}

    /** The latest sequence number of a topic's events, or empty when it has had none (or the ledger cannot say). */
    OptionalLong topicSeq(String topic);

    /** The latest sequence number of a user's events, or empty when there were none (or the ledger cannot say). */
    OptionalLong userSeq(String userId);

    void stop();
}
