package io.pushhub.events;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.pushhub.HubEvent;
import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.redis.RedisLink;
import io.pushhub.presence.LocalConnections;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster's ledger in Redis. Every transition is one run of {@code ledger.lua}, which updates the sets, bumps the
 * topic's or user's sequence and appends the event to the webhook stream ({@code <prefix>:ev:stream}) in one atomic
 * step, so two nodes can never both report a topic vacated, and an event is in the stream exactly when its transition
 * happened.
 *
 * <ul>
 *   <li>{@code ev:t:{topic}} (its connections), {@code ev:tm:{topic}} (user to connection count, presence topics),
 *       {@code ev:u:{user}} (the user's connections), {@code ev:seq:t|u:{name}} (sequence, kept 7 days after its last
 *       event), {@code ev:offline} (users whose grace runs: due time), {@code ev:nodes} (node leases) and {@code
 *       ev:n:{node}} (what each node reported, so that one survivor can take it back when the node dies).
 * </ul>
 *
 * <p><b>Crashes.</b> Each node renews its lease every third of {@code pushhub.presence.ttl}. Every node runs a tick
 * every {@value #TICK_MS} ms: users whose grace is over go offline, and one node whose lease ran out has its entries
 * taken back (subscriptions, then connections with close code 1006). Both happen inside the script, so exactly one node
 * does each, once. A node that finds its own lease gone (it was paused or cut off for longer than the TTL and was
 * reaped) announces its connections again; so does every node after Redis came back (the script is idempotent: only
 * what is missing makes events), and it takes back what it reported but no longer has.
 *
 * <p>Reports are asynchronous and pipelined on the one command connection, so one connection's reports reach Redis in
 * order; the events a report made are handed to the sink when Redis answers (on Lettuce's thread).
 */
public final class RedisEventLedger implements EventLedger {

    private static final Logger LOG = Logger.getLogger(RedisEventLedger.class.getName());
    static final long TICK_MS = 250;
    /** Entries of a dead node taken back per script run (keeps each run short; the next tick goes on). */
    static final int REAP_BATCH = 1000;

    private static final String SCRIPT = load();

    private final RedisLink link;
    private final LocalConnections registry;
    private final String prefix;
    private final String node;
    private final Predicate<String> presenceTopic;
    private final Duration grace;
    private final Duration ttl;
    private final int streamMax;
    private final Clock clock;
    private final Consumer<HubEvent> sink;
    private final ScheduledExecutorService timer;
    private volatile String digest;
    private volatile boolean stopped;
    private long nextLease;

    /**
     * @param streamMax length of the webhook stream (0: no webhooks, nothing appended)
     * @param sink receives the events this node's reports made (it must not block)
     */
    public RedisEventLedger(
            RedisLink link,
            LocalConnections registry,
            String prefix,
            String node,
            Predicate<String> presenceTopic,
            Duration grace,
            Duration ttl,
            int streamMax,
            Clock clock,
            Consumer<HubEvent> sink) {
        this.link = link;
        this.registry = registry;
        this.prefix = prefix;
        this.node = node;
        this.presenceTopic = presenceTopic;
        this.grace = grace;
        this.ttl = ttl;
        this.streamMax = streamMax;
        this.clock = clock;
        this.sink = sink;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushhub-events-redis");
            t.setDaemon(true);
            return t;
        });
    }

    private static String load() {
        try (InputStream in = RedisEventLedger.class.getResourceAsStream("ledger.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("io/pushhub/events/ledger.lua is missing from the application", e);
        }
    }

    /** Registers with the link (announce after every connection) and starts the tick. */
    public void start() {
        link.onConnect(() -> timer.execute(this::announce));
        timer.scheduleWithFixedDelay(this::tickSafely, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ reports (async)

    @Override
    public void unacknowledged(String messageId, String userId, long pushedAt, long escalateAfterMillis) {
        run("unacked", List.of(userId, messageId, Long.toString(pushedAt), Long.toString(escalateAfterMillis)));
    }

    @Override
    public void connected(String connectionId, String userId) {
        run("connect", List.of(connectionId, userId));
    }

    @Override
    public void subscribed(String connectionId, String userId, String topic) {
        run("subscribe", List.of(connectionId, userId, topic, flag(topic)));
    }

    @Override
    public void unsubscribed(String connectionId, String userId, String topic) {
        run("unsubscribe", List.of(connectionId, userId, topic, flag(topic)));
    }

    @Override
    public void disconnected(String connectionId, String userId, Set<String> topics, int closeCode) {
        List<String> args = new ArrayList<>(List.of(connectionId, userId, Integer.toString(closeCode)));
        for (String topic : topics) {
            args.add(topic);
            args.add(flag(topic));
        }
        run("disconnect", args);
    }

    private String flag(String topic) {
        return presenceTopic.test(topic) ? "1" : "0";
    }

    private String[] argv(String op, List<String> args) {
        long now = clock.millis();
        List<String> a = new ArrayList<>(7 + args.size());
        a.add(prefix);
        a.add(op);
        a.add(node);
        a.add(Long.toString(now));
        a.add(Long.toString(grace.toMillis()));
        a.add(Integer.toString(streamMax));
        a.add(Long.toString(Seqs.start(now)));
        a.addAll(args);
        return a.toArray(String[]::new);
    }

    /** Sends a report without waiting; its events go to the sink when Redis answers. */
    private void run(String op, List<String> args) {
        StatefulRedisConnection<String, String> c = link.connectionOrNull();
        if (c == null || stopped) {
            return; // Redis is away: the announcement after the reconnection repairs the ledger
        }
        String[] argv = argv(op, args);
        RedisAsyncCommands<String, String> r = c.async();
        CompletionStage<List<Object>> answer = digest != null
                ? r.<List<Object>>evalsha(digest, ScriptOutputType.MULTI, new String[0], argv)
                        .exceptionallyCompose(e -> isNoScript(e)
                                ? r.<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI, new String[0], argv)
                                : java.util.concurrent.CompletableFuture.failedFuture(e))
                : r.<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI, new String[0], argv);
        answer.whenComplete((result, e) -> {
            if (e != null) {
                LOG.fine(() -> "hub event report " + op + " failed (repaired when Redis is back): " + e);
            } else {
                hand(result);
            }
        });
    }

    private static boolean isNoScript(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return String.valueOf(t.getMessage()).contains("NOSCRIPT");
    }

    /** Runs an op and waits (the tick and announcements: the timer thread only). */
    private String runSync(RedisCommands<String, String> redis, String op, List<String> args) {
        String[] argv = argv(op, args);
        List<Object> result;
        try {
            result = redis.evalsha(digest, ScriptOutputType.MULTI, new String[0], argv);
        } catch (RedisException e) {
            if (!isNoScript(e)) {
                throw e;
            }
            digest = redis.scriptLoad(SCRIPT);
            result = redis.evalsha(digest, ScriptOutputType.MULTI, new String[0], argv);
        }
        hand(result);
        return result.isEmpty() ? "" : String.valueOf(result.get(0));
    }

    /** The script's answer: a flag, then (id, fields) per event, in order. */
    @SuppressWarnings("unchecked")
    private void hand(List<Object> result) {
        for (int i = 1; i + 1 < result.size(); i += 2) {
            String id = String.valueOf(result.get(i));
            List<Object> flat = (List<Object>) result.get(i + 1);
            Map<String, String> fields = new HashMap<>();
            for (int j = 0; j + 1 < flat.size(); j += 2) {
                fields.put(String.valueOf(flat.get(j)), String.valueOf(flat.get(j + 1)));
            }
            HubEvent e;
            try {
                e = EventJson.fromFields(id.isEmpty() ? node + "-" + fields.get("seq") : id, fields);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "unreadable hub event from Redis: " + fields, ex);
                continue;
            }
            try {
                sink.accept(e);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "hub event " + e.type() + " could not be handed on", ex);
            }
        }
    }

    // ------------------------------------------------------------------ lease, tick, announcement

    private void tickSafely() {
        if (stopped) {
            return;
        }
        try {
            RedisCommands<String, String> redis = link.sync();
            if (digest == null) {
                digest = redis.scriptLoad(SCRIPT);
            }
            long now = System.nanoTime();
            if (now - nextLease >= 0) {
                nextLease = now + TimeUnit.MILLISECONDS.toNanos(Math.max(500, ttl.toMillis() / 3));
                if ("new".equals(runSync(redis, "lease", List.of(Long.toString(ttl.toMillis()))))) {
                    reannounce(redis);
                }
            }
            // A dead node with many entries is taken back in a few runs, one after the other.
            for (int i = 0;
                    i < 100 && "more".equals(runSync(redis, "tick", List.of(Integer.toString(REAP_BATCH))));
                    i++) {
                // next batch
            }
        } catch (BrokerUnavailableException e) {
            // not connected: the announcement after the reconnection catches up
        } catch (RuntimeException e) {
            // The timer must keep running whatever happens; the next tick tries again.
            LOG.log(Level.FINE, "hub event tick failed", e);
        }
    }

    /** After every (re)connection to Redis: lease first, then this node's truth. */
    private void announce() {
        if (stopped) {
            return;
        }
        try {
            RedisCommands<String, String> redis = link.sync();
            digest = redis.scriptLoad(SCRIPT);
            runSync(redis, "lease", List.of(Long.toString(ttl.toMillis())));
            nextLease = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(500, ttl.toMillis() / 3));
            reannounce(redis);
        } catch (BrokerUnavailableException | RedisException e) {
            LOG.fine(() -> "hub event announcement failed (the next connection retries): " + e);
        }
    }

    /**
     * Reports every local connection and subscription again (what Redis has already makes no event), then takes back
     * what Redis lists for this node that is no longer here (it closed while Redis was away).
     */
    private void reannounce(RedisCommands<String, String> redis) {
        int n = 0;
        for (LocalConnections.Local c : registry.all()) {
            runSync(redis, "connect", List.of(c.id(), c.userId()));
            for (String topic : c.topics()) {
                runSync(redis, "subscribe", List.of(c.id(), c.userId(), topic, flag(topic)));
            }
            n++;
        }
        int stale = 0;
        for (String member : redis.smembers(prefix + ":ev:n:{" + node + "}")) {
            JsonArray e;
            try (JsonReader reader = Json.createReader(new StringReader(member))) {
                e = reader.readArray();
            } catch (RuntimeException ex) {
                continue;
            }
            String conn = e.getString(1);
            LocalConnections.Local here = registry.find(conn);
            if ("s".equals(e.getString(0)) && (here == null || !here.topics().contains(e.getString(3)))) {
                runSync(redis, "unsubscribe", List.of(conn, e.getString(2), e.getString(3), e.getString(4)));
                stale++;
            } else if ("c".equals(e.getString(0)) && here == null) {
                runSync(redis, "disconnect", List.of(conn, e.getString(2), "1006"));
                stale++;
            }
        }
        int count = n;
        int gone = stale;
        LOG.info(() -> "node " + node + " announced " + count + " connection(s) to the hub event ledger"
                + (gone > 0 ? " and took back " + gone + " that ended while Redis was away" : ""));
    }

    // ------------------------------------------------------------------ reads

    @Override
    public OptionalLong topicSeq(String topic) {
        return read(prefix + ":ev:seq:t:{" + topic + "}");
    }

    @Override
    public OptionalLong userSeq(String userId) {
        return read(prefix + ":ev:seq:u:{" + userId + "}");
    }

    private OptionalLong read(String key) {
        try {
            String v = link.sync().get(key);
            return v == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(v));
        } catch (BrokerUnavailableException | RedisException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * A clean stop: the hub has already closed every connection (each reported), so only the lease goes. What is left
     * (a report that failed) is taken back by another node once the lease is gone.
     */
    @Override
    public void stop() {
        stopped = true;
        timer.shutdownNow();
        try {
            RedisCommands<String, String> redis = link.sync();
            if (redis.scard(prefix + ":ev:n:{" + node + "}") == 0) {
                redis.zrem(prefix + ":ev:nodes", node);
            }
        } catch (BrokerUnavailableException | RedisException e) {
            LOG.fine(() -> "hub event ledger: lease not withdrawn on stop (it expires): " + e);
        }
    }
}
