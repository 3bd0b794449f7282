package io.pushhub.broker.redis;

import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.pushhub.Presence.Entry;
import io.pushhub.Presence.Snapshot;
import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.presence.LocalConnections;
import io.pushhub.presence.MemoryPresenceStore;
import io.pushhub.presence.PresenceStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Cluster-wide presence in Redis, with leases.
 *
 * <ul>
 *   <li>{@code <prefix>:nodes}: sorted set of live nodes, score = lease expiry (epoch ms). Each node renews its lease
 *       every third of {@code pushhub.presence.ttl}.
 *   <li>{@code <prefix>:conn} (connection id to {@code node|user}), {@code <prefix>:user:{id}} (connection id to node)
 *       and {@code <prefix>:topic:{name}} (connection id to {@code node|user}): what each node reported.
 *   <li>{@code <prefix>:nodekeys:{node}}: the hashes a node wrote to, so its entries can be removed when it dies.
 * </ul>
 *
 * Reads keep only entries of nodes whose lease is current, so a node that died without a clean stop disappears from
 * every answer at most one TTL after its last renewal. The first node to see an expired lease removes that node's
 * entries and reports each subscription it had as departed (for leave notices). A node whose lease was lost (Redis
 * restarted, or it was partitioned for longer than the TTL) writes all of its connections again.
 *
 * <p>Writes are asynchronous (fire and forget; failures are logged at FINE and repaired by that re-announcement);
 * reads wait at most {@code pushhub.redis.timeout} and fall back to this node's own connections.
 */
public final class RedisPresenceStore implements PresenceStore {

    private static final Logger LOG = Logger.getLogger(RedisPresenceStore.class.getName());
    private static final Comparator<Entry> ORDER =
            Comparator.comparing(Entry::userId).thenComparing(Entry::connectionId);

    private final RedisLink link;
    private final LocalConnections registry;
    private final String prefix;
    private final String node;
    private final long ttlMillis;
    private volatile BiConsumer<String, Entry> departed = (topic, entry) -> {};
    private volatile boolean stopped;

    public RedisPresenceStore(
            RedisLink link, LocalConnections registry, String prefix, String node, java.time.Duration ttl) {
        this.link = link;
        this.registry = registry;
        this.prefix = prefix;
        this.node = node;
        this.ttlMillis = ttl.toMillis();
    }

    /** Starts renewing this node's lease; {@code departed} hears of every subscription of a node found dead. */
    public void start(BiConsumer<String, Entry> departed) {
        this.departed = departed;
        link.onConnect(this::resync);
        long period = Math.max(500, ttlMillis / 3);
        link.scheduler().scheduleWithFixedDelay(this::renewSafely, period, period, TimeUnit.MILLISECONDS);
    }

    private String nodes() {
        return prefix + ":nodes";
    }

    private String connKey() {
        return prefix + ":conn";
    }

    private String userKey(String user) {
        return prefix + ":user:{" + user + "}";
    }

    private String topicKey(String topic) {
        return prefix + ":topic:{" + topic + "}";
    }

    private String nodeKeys(String n) {
        return prefix + ":nodekeys:{" + n + "}";
    }

    // ------------------------------------------------------------------ writes (async)

    private RedisAsyncCommands<String, String> async() {
        StatefulRedisConnection<String, String> c = link.connectionOrNull();
        return c == null ? null : c.async();
    }

    @Override
    public void connected(String connectionId, String userId) {
        RedisAsyncCommands<String, String> r = async();
        if (r != null) {
            writeConnection(r, connectionId, userId);
        }
    }

    private void writeConnection(RedisAsyncCommands<String, String> r, String connectionId, String userId) {
        r.hset(connKey(), connectionId, node + "|" + userId);
        r.hset(userKey(userId), connectionId, node);
        r.sadd(nodeKeys(node), userKey(userId));
    }

    @Override
    public void disconnected(String connectionId, String userId, Set<String> topics) {
        RedisAsyncCommands<String, String> r = async();
        if (r == null) {
            return;
        }
        r.hdel(connKey(), connectionId);
        r.hdel(userKey(userId), connectionId);
        for (String topic : topics) {
            r.hdel(topicKey(topic), connectionId);
        }
    }

    @Override
    public void subscribed(String connectionId, String userId, String topic) {
        RedisAsyncCommands<String, String> r = async();
        if (r != null) {
            r.hset(topicKey(topic), connectionId, node + "|" + userId);
            r.sadd(nodeKeys(node), topicKey(topic));
        }
    }

    @Override
    public void unsubscribed(String connectionId, String userId, String topic) {
        RedisAsyncCommands<String, String> r = async();
        if (r != null) {
            r.hdel(topicKey(topic), connectionId);
        }
    }

    // ------------------------------------------------------------------ lease

    private void renewSafely() {
        try {
            renew();
        } catch (RuntimeException e) {
            // The scheduler must keep running whatever happens; the next renewal tries again.
            LOG.log(Level.FINE, "presence lease renewal failed", e);
        }
    }

    private void renew() {
        if (stopped) {
            return;
        }
        link.status(); // keeps the broker state's timestamps current for the health check
        RedisCommands<String, String> redis;
        try {
            redis = link.sync();
        } catch (BrokerUnavailableException e) {
            return; // not connected: the connect callback renews
        }
        try {
            long now = System.currentTimeMillis();
            Long added = redis.zadd(nodes(), (double) (now + ttlMillis), node);
            if (added != null && added == 1L) {
                reannounce();
            }
            for (String dead : redis.zrangebyscore(nodes(), Range.create(Double.NEGATIVE_INFINITY, (double) now))) {
                if (!dead.equals(node) && redis.zrem(nodes(), dead) == 1L) {
                    LOG.info(() -> "node " + dead + " missed its presence lease; removing its connections");
                    withdraw(redis, dead, true);
                }
            }
        } catch (RedisException e) {
            LOG.fine(() -> "presence lease renewal failed: " + e);
        }
    }

    /**
     * After every (re)connection: replaces this node's entries with the local view's truth. Writes made while Redis was
     * unreachable were refused, so without this a connection that closed meanwhile would stay listed (and one that
     * opened would be missing) for as long as this node lives.
     */
    private void resync() {
        if (stopped) {
            return;
        }
        try {
            RedisCommands<String, String> redis = link.sync();
            withdraw(redis, node, false);
            redis.zadd(nodes(), (double) (System.currentTimeMillis() + ttlMillis), node);
            reannounce();
        } catch (BrokerUnavailableException | RedisException e) {
            LOG.fine(() -> "presence resync failed (the next connection retries): " + e);
        }
        renew();
    }

    /** Writes every local connection and subscription (after the lease was lost, e.g. Redis restarted). */
    private void reannounce() {
        RedisAsyncCommands<String, String> r = async();
        if (r == null) {
            return;
        }
        int n = 0;
        for (LocalConnections.Local c : registry.all()) {
            writeConnection(r, c.id(), c.userId());
            for (String topic : c.topics()) {
                subscribed(c.id(), c.userId(), topic);
            }
            n++;
        }
        int count = n;
        LOG.info(() -> "node " + node + " (re)announced " + count + " connection(s) to cluster presence");
    }

    /** Removes a node's entries; for a dead node, reports each of its subscriptions as departed. */
    private void withdraw(RedisCommands<String, String> redis, String n, boolean report) {
        for (String key : redis.smembers(nodeKeys(n))) {
            Map<String, String> fields = redis.hgetall(key);
            for (Map.Entry<String, String> f : fields.entrySet()) {
                String value = f.getValue();
                if (!value.equals(n) && !value.startsWith(n + "|")) {
                    continue;
                }
                redis.hdel(key, f.getKey());
                if (report && key.startsWith(prefix + ":topic:{")) {
                    String topic = key.substring((prefix + ":topic:{").length(), key.length() - 1);
                    Entry e = new Entry(f.getKey(), value.substring(n.length() + 1), n);
                    try {
                        departed.accept(topic, e);
                    } catch (RuntimeException ex) {
                        LOG.log(Level.WARNING, "leave notice for " + e + " in " + topic + " failed", ex);
                    }
                }
            }
        }
        Map<String, String> conns = redis.hgetall(connKey());
        List<String> gone = new ArrayList<>();
        conns.forEach((id, value) -> {
            if (value.startsWith(n + "|")) {
                gone.add(id);
            }
        });
        if (!gone.isEmpty()) {
            redis.hdel(connKey(), gone.toArray(String[]::new));
        }
        redis.del(nodeKeys(n));
    }

    // ------------------------------------------------------------------ reads

    @Override
    public Snapshot topic(String topic) {
        return read(topicKey(topic), true, null, registry.subscribers(topic));
    }

    @Override
    public Snapshot user(String userId) {
        return read(userKey(userId), false, userId, registry.connectionsOf(userId));
    }

    @Override
    public Snapshot connections(List<String> connectionIds) {
        if (connectionIds.isEmpty()) {
            return new Snapshot(List.of(), true, null); // HMGET needs at least one field (Lettuce refuses, unchecked)
        }
        List<LocalConnections.Local> local = new ArrayList<>();
        for (String id : connectionIds) {
            LocalConnections.Local c = registry.find(id);
            if (c != null) {
                local.add(c);
            }
        }
        RedisCommands<String, String> redis;
        try {
            redis = link.sync();
            Set<String> alive = alive(redis);
            List<Entry> out = new ArrayList<>();
            List<io.lettuce.core.KeyValue<String, String>> values =
                    redis.hmget(connKey(), connectionIds.toArray(String[]::new));
            for (io.lettuce.core.KeyValue<String, String> kv : values) {
                if (kv.hasValue()) {
                    String[] nu = kv.getValue().split("\\|", 2);
                    if (nu.length == 2 && alive.contains(nu[0])) {
                        out.add(new Entry(kv.getKey(), nu[1], nu[0]));
                    }
                }
            }
            return merge(out, local);
        } catch (BrokerUnavailableException e) {
            return localOnly(local, e.getMessage());
        } catch (RedisException e) {
            return localOnly(local, link.unavailable("read presence", e).getMessage());
        }
    }

    private Snapshot read(String key, boolean valueHasUser, String user, List<? extends LocalConnections.Local> local) {
        try {
            RedisCommands<String, String> redis = link.sync();
            Set<String> alive = alive(redis);
            List<Entry> out = new ArrayList<>();
            redis.hgetall(key).forEach((id, value) -> {
                String n = valueHasUser ? value.split("\\|", 2)[0] : value;
                String u = valueHasUser ? value.substring(Math.min(value.length(), n.length() + 1)) : user;
                if (alive.contains(n)) {
                    out.add(new Entry(id, u, n));
                }
            });
            return merge(out, local);
        } catch (BrokerUnavailableException e) {
            return localOnly(local, e.getMessage());
        } catch (RedisException e) {
            return localOnly(local, link.unavailable("read presence", e).getMessage());
        }
    }

    /** Nodes with a current lease, and always this one (its own entries are authoritative locally). */
    private Set<String> alive(RedisCommands<String, String> redis) {
        Set<String> alive = new HashSet<>(redis.zrangebyscore(
                nodes(), Range.create((double) System.currentTimeMillis(), Double.POSITIVE_INFINITY)));
        alive.add(node);
        return alive;
    }

    /** Redis's answer with this node's part replaced by the local view (the truth here, even before writes land). */
    private Snapshot merge(List<Entry> fromRedis, List<? extends LocalConnections.Local> local) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : fromRedis) {
            if (!e.node().equals(node)) {
                out.add(e);
            }
        }
        out.addAll(MemoryPresenceStore.entries(local, node));
        out.sort(ORDER);
        return new Snapshot(out, true, null);
    }

    private Snapshot localOnly(List<? extends LocalConnections.Local> local, String problem) {
        return new Snapshot(MemoryPresenceStore.entries(local, node), false, problem);
    }

    @Override
    public void stop() {
        stopped = true;
        try {
            RedisCommands<String, String> redis = link.sync();
            redis.zrem(nodes(), node);
            withdraw(redis, node, false);
        } catch (BrokerUnavailableException | RedisException e) {
            LOG.fine(() -> "could not withdraw node " + node + " from presence on stop (its lease will expire): " + e);
        }
    }
}
