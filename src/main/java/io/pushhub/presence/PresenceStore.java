package io.pushhub.presence;

import io.pushhub.Presence.Snapshot;
import java.util.List;

/**
 * Who is connected, cluster-wide: each node reports its own connections and subscriptions, and anyone may ask about a
 * user or a topic across all nodes. {@link MemoryPresenceStore} answers for this node alone;
 * {@link io.pushhub.broker.redis.RedisPresenceStore} shares the answer through Redis with leases, so the connections
 * of a node that died without a clean stop disappear within one lease ({@code pushhub.presence.ttl}).
 *
 * <p>Writes never block on the network and never throw: a store that cannot reach its backend keeps the local state
 * and re-announces it when the backend is back. Reads return snapshots and say whether they cover the whole cluster.
 * Thread-safe.
 */
public interface PresenceStore {

    void connected(String connectionId, String userId);

    void disconnected(String connectionId, String userId, java.util.Set<String> topics);

    void subscribed(String connectionId, String userId, String topic);

    void unsubscribed(String connectionId, String userId, String topic);

    /** The connections subscribed to a topic, on every node. */
    Snapshot topic(String topic);

    /** The connections of a user, on every node. */
    Snapshot user(String userId);

    /** The connections among these ids that exist somewhere in the cluster. */
    Snapshot connections(List<String> connectionIds);

    /** Stops renewing the lease and, on a clean stop, withdraws this node's entries at once. */
    void stop();
}
