package io.pushhub.hub;

import io.pushhub.presence.LocalConnections;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every open connection on this node, indexed by connection id, by user and by topic, so that a push to a user or a
 * topic is a lookup, not a scan.
 *
 * <p>Thread-safe: connect, disconnect, subscribe and push may run concurrently from any thread. Mutators are
 * package-private (only the {@link Hub} changes the registry); every public read returns a snapshot that later changes
 * do not affect. A connection is in the topic index exactly while it is in its own topic set and not closed.
 */
@ApplicationScoped
public class ConnectionRegistry implements LocalConnections {

    /** Outcome of {@link #subscribe}. */
    enum Subscribed {
        ADDED,
        ALREADY,
        LIMIT,
        CLOSED
    }

    private final ConcurrentHashMap<String, Connection> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Connection>> byTopic = new ConcurrentHashMap<>();
    private final AtomicInteger subscriptions = new AtomicInteger();

    void add(Connection c) {
        byId.put(c.id(), c);
        byUser.compute(c.userId(), (user, set) -> {
            Set<Connection> s = set != null ? set : ConcurrentHashMap.newKeySet();
            s.add(c);
            return s;
        });
    }

    /**
     * Removes a connection from every index and marks it closed.
     *
     * @return the topics it was subscribed to (empty if it was already removed)
     */
    Set<String> remove(Connection c) {
        Set<String> topics;
        synchronized (c) {
            if (c.closed) {
                return Set.of();
            }
            c.closed = true;
            topics = Set.copyOf(c.topics);
            for (String topic : topics) {
                removeFromTopic(c, topic);
            }
            c.topics.clear();
        }
        byId.remove(c.id(), c);
        byUser.computeIfPresent(c.userId(), (user, set) -> {
            set.remove(c);
            return set.isEmpty() ? null : set;
        });
        return topics;
    }

    Subscribed subscribe(Connection c, String topic, int maxSubscriptions) {
        synchronized (c) {
            if (c.closed) {
                return Subscribed.CLOSED;
            }
            if (c.topics.contains(topic)) {
                return Subscribed.ALREADY;
            }
            if (c.topics.size() >= maxSubscriptions) {
                return Subscribed.LIMIT;
            }
            c.topics.add(topic);
            byTopic.compute(topic, (t, set) -> {
                Set<Connection> s = set != null ? set : ConcurrentHashMap.newKeySet();
                s.add(c);
                return s;
            });
            subscriptions.incrementAndGet();
            return Subscribed.ADDED;
        }
    }

    /** @return true if the connection was subscribed */
    boolean unsubscribe(Connection c, String topic) {
        synchronized (c) {
            if (c.closed || !c.topics.remove(topic)) {
                return false;
            }
            removeFromTopic(c, topic);
            return true;
        }
    }

    private void removeFromTopic(Connection c, String topic) {
        byTopic.computeIfPresent(topic, (t, set) -> {
            if (set.remove(c)) {
                subscriptions.decrementAndGet();
            }
            return set.isEmpty() ? null : set;
        });
    }

    // ---- reads: snapshots ----

    @Override
    public Connection find(String connectionId) {
        return byId.get(connectionId);
    }

    /** Snapshot of a user's open connections (empty if none). */
    @Override
    public List<Connection> connectionsOf(String userId) {
        Set<Connection> set = byUser.get(userId);
        return set == null ? List.of() : List.copyOf(set);
    }

    /** Snapshot of a topic's subscribers (empty if none). */
    @Override
    public List<Connection> subscribers(String topic) {
        Set<Connection> set = byTopic.get(topic);
        return set == null ? List.of() : List.copyOf(set);
    }

    public boolean hasSubscribers(String topic) {
        Set<Connection> set = byTopic.get(topic);
        return set != null && !set.isEmpty();
    }

    /** Snapshot of every open connection. */
    @Override
    public Collection<Connection> all() {
        return List.copyOf(byId.values());
    }

    public int size() {
        return byId.size();
    }

    public int userCount() {
        return byUser.size();
    }

    public int subscriptionCount() {
        return subscriptions.get();
    }

    /** Topic name to subscriber count, sorted by name. */
    public Map<String, Integer> topicCounts() {
        Map<String, Integer> out = new TreeMap<>();
        byTopic.forEach((topic, set) -> {
            int n = set.size();
            if (n > 0) {
                out.put(topic, n);
            }
        });
        return out;
    }

    /** User id to the ids of that user's connections, sorted by user. */
    public Map<String, List<String>> connectionIdsByUser() {
        Map<String, List<String>> out = new TreeMap<>();
        byUser.forEach((user, set) -> {
            List<String> ids = set.stream().map(Connection::id).sorted().toList();
            if (!ids.isEmpty()) {
                out.put(user, ids);
            }
        });
        return out;
    }

    /** Distinct user ids subscribed to a topic, sorted. */
    public List<String> usersIn(String topic) {
        return subscribers(topic).stream()
                .map(Connection::userId)
                .distinct()
                .sorted()
                .toList();
    }
}
