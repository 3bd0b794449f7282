package io.pushhub.broker.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.pushhub.broker.BrokerStatus;
import io.pushhub.broker.BrokerUnavailableException;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's connections to Redis: one for commands, one for pub/sub, shared by {@link RedisBroker} and {@link
 * RedisPresenceStore}. Never blocks a caller on a missing Redis: commands fail at once while disconnected
 * ({@code REJECT_COMMANDS}) and after {@code pushhub.redis.timeout} at most. If Redis is unreachable at start it keeps
 * trying every second on its own thread; once connected, Lettuce reconnects by itself (and re-subscribes) with a
 * backoff of at most two seconds.
 */
public final class RedisLink {

    private static final Logger LOG = Logger.getLogger(RedisLink.class.getName());

    private final RedisURI uri;
    private final String safeUri;
    private final Duration timeout;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService scheduler;
    private final List<Runnable> onConnect = new CopyOnWriteArrayList<>();
    private final List<Consumer<StatefulRedisPubSubConnection<String, String>>> onPubSub = new CopyOnWriteArrayList<>();

    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisPubSubConnection<String, String> pubsub;
    private volatile String lastProblem;
    private volatile BrokerStatus status;
    private volatile boolean stopped;
    private final java.util.concurrent.CountDownLatch firstConnection = new java.util.concurrent.CountDownLatch(1);

    public RedisLink(String uriText, Duration timeout) {
        RedisURI parsed;
        try {
            parsed = RedisURI.create(uriText);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "pushhub.redis.uri '" + uriText + "' is not a Redis URI (redis://host:port): " + e.getMessage(), e);
        }
        parsed.setTimeout(timeout);
        this.uri = parsed;
        this.safeUri = (parsed.isSsl() ? "rediss://" : "redis://") + parsed.getHost() + ":" + parsed.getPort();
        this.timeout = timeout;
        this.lastProblem = "not connected to Redis " + safeUri + " yet";
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, parsed);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                LOG.fine(() -> "connected to Redis " + safeUri + " ("
                        + connection.getClass().getSimpleName() + ")");
                if (connection == commands) {
                    scheduler.execute(RedisLink.this::connected);
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (!stopped) {
                    lastProblem = "connection to Redis " + safeUri + " lost; reconnecting";
                    LOG.warning(() -> lastProblem);
                }
            }

            @Override
            public void onRedisExceptionCaught(RedisChannelHandler<?, ?> connection, Throwable cause) {
                lastProblem = "Redis " + safeUri + ": " + cause;
            }
        });
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushhub-redis");
            t.setDaemon(true);
            return t;
        });
        this.status = BrokerStatus.down("redis", lastProblem, Instant.now());
    }

    /** Runs {@code r} on the link's thread after every (re)connection of the command connection. */
    public void onConnect(Runnable r) {
        onConnect.add(r);
    }

    /** Runs {@code c} once, with the pub/sub connection, as soon as it exists (Lettuce keeps it subscribed). */
    public void onPubSub(Consumer<StatefulRedisPubSubConnection<String, String>> c) {
        onPubSub.add(c);
    }

    /** Starts connecting; returns at once. */
    public void start() {
        scheduler.execute(this::tryConnect);
    }

    /**
     * Waits until the first connection is made or {@code max} has passed, so that a node whose Redis is there starts
     * as a cluster member rather than answering its first requests as a lone node.
     *
     * @return whether it is connected
     */
    public boolean awaitFirstConnection(Duration max) {
        try {
            return firstConnection.await(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void tryConnect() {
        if (stopped || commands != null) {
            return;
        }
        try {
            StatefulRedisPubSubConnection<String, String> ps = client.connectPubSub();
            for (Consumer<StatefulRedisPubSubConnection<String, String>> c : onPubSub) {
                c.accept(ps);
            }
            pubsub = ps;
            commands = client.connect();
            LOG.info(() -> "connected to Redis " + safeUri);
            connected();
            firstConnection.countDown();
        } catch (RuntimeException e) {
            lastProblem = "cannot connect to Redis " + safeUri + ": " + rootMessage(e);
            LOG.log(Level.WARNING, lastProblem + "; retrying every second");
            if (pubsub != null) {
                pubsub.closeAsync();
                pubsub = null;
            }
            if (!stopped) {
                scheduler.schedule(this::tryConnect, 1, TimeUnit.SECONDS);
            }
        }
    }

    private void connected() {
        for (Runnable r : onConnect) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "after connecting to Redis " + safeUri + ": " + e, e);
            }
        }
    }

    /** The synchronous command API, or an exception saying why Redis cannot be used now. */
    public RedisCommands<String, String> sync() throws BrokerUnavailableException {
        StatefulRedisConnection<String, String> c = commands;
        if (c == null || !c.isOpen()) {
            throw new BrokerUnavailableException(lastProblem);
        }
        return c.sync();
    }

    /** The command connection when open, else null (for fire-and-forget writes). */
    public StatefulRedisConnection<String, String> connectionOrNull() {
        StatefulRedisConnection<String, String> c = commands;
        return c != null && c.isOpen() ? c : null;
    }

    /** Wraps a Lettuce failure: every Redis error means the broker is unusable for this call. */
    public BrokerUnavailableException unavailable(String what, RedisException e) {
        String why = "Redis " + safeUri + " failed to " + what + ": " + rootMessage(e);
        lastProblem = why;
        return new BrokerUnavailableException(why, e);
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Up when both connections are open; the time of the last change is tracked on each call. */
    public BrokerStatus status() {
        StatefulRedisConnection<String, String> c = commands;
        StatefulRedisPubSubConnection<String, String> ps = pubsub;
        boolean up = c != null && c.isOpen() && ps != null && ps.isOpen();
        BrokerStatus last = status;
        if (up != last.up() || (!up && !lastProblem.equals(last.reason()))) {
            Instant since = up != last.up() ? Instant.now() : last.since();
            status = up ? BrokerStatus.up("redis", since) : BrokerStatus.down("redis", lastProblem, since);
            if (up != last.up()) {
                LOG.info(() -> "broker redis " + safeUri + " is " + (up ? "UP" : "DOWN: " + lastProblem));
            }
        }
        return status;
    }

    public String describe() {
        return safeUri;
    }

    public void stop() {
        stopped = true;
        scheduler.shutdownNow();
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            // Shutting down a client whose Redis is gone may fail; its threads are stopped either way.
            LOG.log(Level.FINE, "Redis client shutdown", e);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
