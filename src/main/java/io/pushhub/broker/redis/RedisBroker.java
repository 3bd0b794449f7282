package io.pushhub.broker.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.pushhub.broker.Broker;
import io.pushhub.broker.BrokerStatus;
import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.Epochs;
import io.pushhub.broker.HistoryPolicy;
import io.pushhub.broker.HistoryRead;
import io.pushhub.broker.Idempotency;
import io.pushhub.broker.Publication;
import io.pushhub.broker.StreamPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster broker: Redis pub/sub for live traffic (one channel, {@code <prefix>:bus}, so every node sees every
 * publication in one order), Redis Streams for history ({@code <prefix>:h:{topic}:s}, entry id {@code <offset>-0}),
 * a string per idempotency key ({@code <prefix>:idem:<key>}, expiring with its window: {@link #CLAIM}), a set of
 * topics per user with sticky subscriptions ({@code <prefix>:sticky:<user>}, no expiry: {@link #STICKY_ADD}),
 * and a hash with each topic's epoch and last offset ({@code <prefix>:h:{topic}:m}). A Lua script assigns the offset,
 * appends to the stream (trimmed to the topic's size, expiring after its TTL) and publishes, atomically.
 *
 * <p>Guarantees as in {@link Broker}. Live delivery is at most once: pub/sub drops what is published while a node is
 * disconnected. A Redis restart without persistence loses streams and epochs, so every topic starts a new epoch.
 */
public final class RedisBroker implements Broker {

    private static final Logger LOG = Logger.getLogger(RedisBroker.class.getName());

    /** KEYS: meta, stream. ARGV: payload, size, ttl s, meta ttl s, channel, epoch if new. Returns {offset, epoch}. */
    static final String APPEND = """
            local epoch = redis.call('hget', KEYS[1], 'epoch')
            if not epoch then
              epoch = ARGV[6]
              redis.call('hset', KEYS[1], 'epoch', epoch)
              redis.call('del', KEYS[2])
            end
            local offset = redis.call('hincrby', KEYS[1], 'offset', 1)
            redis.call('xadd', KEYS[2], 'MAXLEN', ARGV[2], offset .. '-0', 'd', ARGV[1])
            redis.call('expire', KEYS[2], ARGV[3])
            redis.call('expire', KEYS[1], ARGV[4])
            redis.call('publish', ARGV[5], '{"o":' .. offset .. ',"e":"' .. epoch .. '",' .. string.sub(ARGV[1], 2))
            return {offset, epoch}
            """;

    /**
     * KEYS: meta, stream. ARGV: since offset, limit, epoch if new, meta ttl s. Returns {epoch, offset, kept, entries...}
     * where entries are the stored payloads after since, oldest first. A topic read before its first publication gets
     * its epoch now, so that a client subscribing early keeps a valid position.
     */
    static final String READ = """
            local epoch = redis.call('hget', KEYS[1], 'epoch')
            if not epoch then
              epoch = ARGV[3]
              redis.call('hset', KEYS[1], 'epoch', epoch)
              redis.call('hset', KEYS[1], 'offset', 0)
              redis.call('expire', KEYS[1], ARGV[4])
            end
            local offset = tonumber(redis.call('hget', KEYS[1], 'offset') or '0')
            local kept = redis.call('exists', KEYS[2])
            local out = {epoch, offset, kept}
            local limit = tonumber(ARGV[2])
            if limit > 0 and kept == 1 then
              local since = tonumber(ARGV[1])
              local entries = redis.call('xrange', KEYS[2], (since + 1) .. '-0', '+', 'COUNT', limit)
              for _, e in ipairs(entries) do
                local id = e[1]
                table.insert(out, string.sub(id, 1, string.find(id, '-') - 1))
                table.insert(out, e[2][2])
              end
            end
            return out
            """;

    /**
     * Claims an idempotency key and, only when it is the first claim within the window, publishes, in one step: Redis
     * runs a script atomically, so the claim and the publications are recorded together or not at all (a node killed
     * before the script ran did neither; after, both are done and a retry gets the first value).
     *
     * <p>KEYS: the idempotency key, then meta and stream of each history publication in order. ARGV: value, window ms,
     * channel, epoch if new, count, then five per publication: kind ({@code p} publish, {@code h} history), payload,
     * size, ttl s, meta ttl s. Returns {0, first value} for a repeat, else {1, offset, epoch, offset, epoch, ...} with 0
     * and '' for a plain publish.
     */
    static final String CLAIM = """
            local first = redis.call('get', KEYS[1])
            if first then
              return {0, first}
            end
            redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
            local out = {1}
            local k = 2
            local a = 6
            for i = 1, tonumber(ARGV[5]) do
              local payload = ARGV[a + 1]
              if ARGV[a] == 'p' then
                redis.call('publish', ARGV[3], payload)
                table.insert(out, 0)
                table.insert(out, '')
              else
                local epoch = redis.call('hget', KEYS[k], 'epoch')
                if not epoch then
                  epoch = ARGV[4]
                  redis.call('hset', KEYS[k], 'epoch', epoch)
                  redis.call('del', KEYS[k + 1])
                end
                local offset = redis.call('hincrby', KEYS[k], 'offset', 1)
                redis.call('xadd', KEYS[k + 1], 'MAXLEN', ARGV[a + 2], offset .. '-0', 'd', payload)
                redis.call('expire', KEYS[k + 1], ARGV[a + 3])
                redis.call('expire', KEYS[k], ARGV[a + 4])
                redis.call('publish', ARGV[3], '{"o":' .. offset .. ',"e":"' .. epoch .. '",' .. string.sub(payload, 2))
                table.insert(out, offset)
                table.insert(out, epoch)
                k = k + 2
              end
              a = a + 5
            end
            return out
            """;

    /** KEYS: the idempotency key. ARGV: the value it must still hold. Deletes it then. */
    static final String RELEASE = """
            if redis.call('get', KEYS[1]) == ARGV[1] then
              return {redis.call('del', KEYS[1])}
            end
            return {0}
            """;

    /**
     * KEYS: the user's sticky set. ARGV: topic, max per user. Returns {1} added, {0} already there, {-1} full. Atomic,
     * so concurrent adds of one user never pass the bound.
     */
    static final String STICKY_ADD = """
            if redis.call('sismember', KEYS[1], ARGV[1]) == 1 then
              return {0}
            end
            if redis.call('scard', KEYS[1]) >= tonumber(ARGV[2]) then
              return {-1}
            end
            redis.call('sadd', KEYS[1], ARGV[1])
            return {1}
            """;

    private final RedisLink link;
    private final String prefix;
    private final String channel;
    private final ExecutorService listenerThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pushhub-redis-listener");
        t.setDaemon(true);
        return t;
    });
    /** Script SHA1s by script body, loaded on first use (and again after a Redis restart or SCRIPT FLUSH). */
    private final java.util.concurrent.ConcurrentHashMap<String, String> shas =
            new java.util.concurrent.ConcurrentHashMap<>();

    private volatile String nodeId;
    private volatile Consumer<Publication> listener;
    private volatile Runnable feedResumed = () -> {};
    private final java.util.concurrent.atomic.AtomicInteger subscriptions =
            new java.util.concurrent.atomic.AtomicInteger();

    public RedisBroker(RedisLink link, String prefix) {
        this.link = link;
        this.prefix = prefix;
        this.channel = prefix + ":bus";
    }

    @Override
    public void start(String nodeId, Consumer<Publication> listener) {
        this.nodeId = nodeId;
        this.listener = listener;
        link.onPubSub(ps -> {
            ps.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String ch, String message) {
                    // Off the Redis I/O thread, one at a time (keeps the order): delivery must never stall Lettuce.
                    listenerThread.execute(() -> receive(message));
                }

                @Override
                public void subscribed(String ch, long count) {
                    // Lettuce subscribes again after a reconnection: from now on publications flow, and what was
                    // published while the feed was down can be read from the history.
                    if (subscriptions.incrementAndGet() > 1) {
                        LOG.info(() -> "live feed on " + channel + " restored; catching up from history");
                        listenerThread.execute(() -> {
                            try {
                                feedResumed.run();
                            } catch (RuntimeException e) {
                                LOG.log(Level.WARNING, "catching up after the feed was restored failed", e);
                            }
                        });
                    }
                }
            });
            ps.sync().subscribe(channel);
        });
    }

    private void receive(String message) {
        Consumer<Publication> l = listener;
        if (l == null) {
            return;
        }
        Publication p;
        try {
            p = Publication.fromJson(message);
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "ignoring malformed publication on " + channel + ": "
                            + message.substring(0, Math.min(200, message.length())),
                    e);
            return;
        }
        if (nodeId.equals(p.node())) {
            return; // our own echo
        }
        try {
            l.accept(p);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "delivering publication " + p.messageId() + " from node " + p.node() + " failed", e);
        }
    }

    @Override
    public void onFeedResumed(Runnable callback) {
        this.feedResumed = callback;
    }

    @Override
    public void stop() {
        listener = null;
        listenerThread.shutdownNow();
    }

    @Override
    public void publish(Publication publication) throws BrokerUnavailableException {
        RedisCommands<String, String> redis = link.sync();
        try {
            redis.publish(channel, publication.toJson());
        } catch (RedisException e) {
            throw link.unavailable("publish", e);
        }
    }

    @Override
    public Publication publishWithHistory(Publication publication, HistoryPolicy policy)
            throws BrokerUnavailableException {
        String topic = publication.topic();
        List<Object> r = script(
                APPEND,
                "append to history",
                new String[] {meta(topic), stream(topic)},
                publication.toJson(),
                Integer.toString(policy.size()),
                Long.toString(Math.max(1, policy.ttl().toSeconds())),
                Long.toString(policy.metaTtl().toSeconds()),
                channel,
                Epochs.next());
        return publication.at((Long) r.get(0), (String) r.get(1));
    }

    @Override
    public HistoryRead readHistory(String topic, long sinceOffset, int limit) throws BrokerUnavailableException {
        List<Object> r = script(
                READ,
                "read history",
                new String[] {meta(topic), stream(topic)},
                Long.toString(Math.min(sinceOffset, Long.MAX_VALUE - 1)),
                Integer.toString(Math.max(0, limit)),
                Epochs.next(),
                Long.toString(HistoryPolicy.META_TTL.toSeconds()));
        String epoch = (String) r.get(0);
        long offset = (Long) r.get(1);
        boolean kept = ((Long) r.get(2)) == 1L || offset == 0;
        List<Publication> out = new ArrayList<>();
        for (int i = 3; i + 1 < r.size(); i += 2) {
            long o = Long.parseLong((String) r.get(i));
            out.add(Publication.fromJson((String) r.get(i + 1)).at(o, epoch));
        }
        return new HistoryRead(new StreamPosition(offset, epoch), out, kept);
    }

    @Override
    public Idempotency.Claimed publishClaimed(
            Idempotency.Claim claim, List<Publication> publications, List<HistoryPolicy> policies)
            throws BrokerUnavailableException {
        List<String> keys = new ArrayList<>();
        keys.add(idempotencyKey(claim.key()));
        List<String> args = new ArrayList<>();
        args.add(claim.value());
        args.add(Long.toString(claim.window().toMillis()));
        args.add(channel);
        args.add(Epochs.next());
        args.add(Integer.toString(publications.size()));
        for (int i = 0; i < publications.size(); i++) {
            Publication p = publications.get(i);
            HistoryPolicy policy = policies.get(i);
            args.add(policy == null ? "p" : "h");
            args.add(p.toJson());
            if (policy == null) {
                args.add("0");
                args.add("0");
                args.add("0");
            } else {
                keys.add(meta(p.topic()));
                keys.add(stream(p.topic()));
                args.add(Integer.toString(policy.size()));
                args.add(Long.toString(Math.max(1, policy.ttl().toSeconds())));
                args.add(Long.toString(policy.metaTtl().toSeconds()));
            }
        }
        List<Object> r =
                script(CLAIM, "claim idempotency key", keys.toArray(String[]::new), args.toArray(String[]::new));
        if (((Long) r.get(0)) == 0L) {
            return new Idempotency.Claimed((String) r.get(1), List.of());
        }
        List<Publication> out = new ArrayList<>(publications.size());
        for (int i = 0; i < publications.size(); i++) {
            Publication p = publications.get(i);
            out.add(policies.get(i) == null ? p : p.at((Long) r.get(1 + 2 * i), (String) r.get(2 + 2 * i)));
        }
        return new Idempotency.Claimed(null, out);
    }

    @Override
    public void release(String key, String value) throws BrokerUnavailableException {
        script(RELEASE, "release idempotency key", new String[] {idempotencyKey(key)}, value);
    }

    @Override
    public StickyAdded addSticky(String userId, String topic, int maxPerUser) throws BrokerUnavailableException {
        List<Object> r = script(
                STICKY_ADD,
                "store sticky subscription",
                new String[] {sticky(userId)},
                topic,
                Integer.toString(maxPerUser));
        long v = (Long) r.get(0);
        return v == 1 ? StickyAdded.ADDED : v == 0 ? StickyAdded.ALREADY : StickyAdded.FULL;
    }

    @Override
    public boolean removeSticky(String userId, String topic) throws BrokerUnavailableException {
        RedisCommands<String, String> redis = link.sync();
        try {
            return redis.srem(sticky(userId), topic) > 0;
        } catch (RedisException e) {
            throw link.unavailable("remove sticky subscription", e);
        }
    }

    @Override
    public List<String> stickyTopics(String userId) throws BrokerUnavailableException {
        RedisCommands<String, String> redis = link.sync();
        try {
            return redis.smembers(sticky(userId)).stream().sorted().toList();
        } catch (RedisException e) {
            throw link.unavailable("read sticky subscriptions", e);
        }
    }

    /** A user's sticky subscriptions: a set of topics, kept until removed (no expiry). */
    private String sticky(String userId) {
        return prefix + ":sticky:" + userId;
    }

    @SuppressWarnings("unchecked")
    private List<Object> script(String body, String what, String[] keys, String... args)
            throws BrokerUnavailableException {
        RedisCommands<String, String> redis = link.sync();
        try {
            String sha = shas.get(body);
            if (sha != null) {
                try {
                    return asList(redis.evalsha(sha, ScriptOutputType.MULTI, keys, args));
                } catch (RedisNoScriptException e) {
                    // Redis restarted (or SCRIPT FLUSH): load it again below.
                }
            }
            sha = redis.scriptLoad(body);
            shas.put(body, sha);
            return asList(redis.evalsha(sha, ScriptOutputType.MULTI, keys, args));
        } catch (RedisException e) {
            throw link.unavailable(what, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o) {
        return (List<Object>) o;
    }

    /** No hash tag: on a Redis Cluster, a claim with history topics needs them in the key's slot (not supported). */
    private String idempotencyKey(String key) {
        return prefix + ":idem:" + key;
    }

    // Hash tags ({topic}) keep a topic's keys in one slot, as the script needs on a Redis Cluster.
    private String meta(String topic) {
        return prefix + ":h:{" + topic + "}:m";
    }

    private String stream(String topic) {
        return prefix + ":h:{" + topic + "}:s";
    }

    @Override
    public BrokerStatus status() {
        return link.status();
    }

    @Override
    public boolean distributed() {
        return true;
    }
}
