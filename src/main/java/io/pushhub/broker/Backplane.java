package io.pushhub.broker;

import io.pushhub.Presence;
import io.pushhub.broker.redis.RedisBroker;
import io.pushhub.broker.redis.RedisLink;
import io.pushhub.broker.redis.RedisPresenceStore;
import io.pushhub.config.HubConfig;
import io.pushhub.presence.LocalConnections;
import io.pushhub.presence.MemoryPresenceStore;
import io.pushhub.presence.PresenceStore;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * The broker and presence store this node uses, chosen by {@code pushhub.broker}: {@code memory} (one node) or
 * {@code redis} (a cluster). Owns their shared Redis connection and stops everything together.
 */
public final class Backplane {

    private static final Logger LOG = Logger.getLogger(Backplane.class.getName());

    private final Broker broker;
    private final PresenceStore presence;
    private final RedisLink link;
    private final RedisPresenceStore redisPresence;

    private Backplane(Broker broker, PresenceStore presence, RedisLink link, RedisPresenceStore redisPresence) {
        this.broker = broker;
        this.presence = presence;
        this.link = link;
        this.redisPresence = redisPresence;
    }

    /** @throws IllegalArgumentException for an unknown broker name or a malformed Redis URI (the app fails to start) */
    public static Backplane create(HubConfig config, LocalConnections registry, String nodeId) {
        switch (config.broker()) {
            case "memory" -> {
                return new Backplane(
                        new MemoryBroker(
                                new MemoryBroker.Bus(config.historyMaxBytes(), config.idempotencyMaxKeys()),
                                java.time.Clock.systemUTC()),
                        new MemoryPresenceStore(registry, nodeId),
                        null,
                        null);
            }
            case "redis" -> {
                RedisLink link = new RedisLink(config.redisUri(), config.redisTimeout());
                RedisPresenceStore presence =
                        new RedisPresenceStore(link, registry, config.redisPrefix(), nodeId, config.presenceTtl());
                LOG.info(() -> "node " + nodeId + " joins the cluster on Redis " + link.describe()
                        + " with key prefix '" + config.redisPrefix() + "', presence lease " + config.presenceTtl());
                return new Backplane(new RedisBroker(link, config.redisPrefix()), presence, link, presence);
            }
            default ->
                throw new IllegalArgumentException(
                        "pushhub.broker must be 'memory' or 'redis', not '" + config.broker() + "'");
        }
    }

    /**
     * Connects: waits up to {@code pushhub.redis.timeout} for Redis, then goes on in the background (never fails
     * because Redis is missing).
     *
     * @param departed told of every subscription of a node that died without a clean stop (topic, entry)
     */
    public void start(BiConsumer<String, Presence.Entry> departed) {
        if (link != null) {
            redisPresence.start(departed);
            link.start();
            if (!link.awaitFirstConnection(link.timeout())) {
                LOG.warning(() -> "starting without Redis " + link.describe() + " ("
                        + link.status().reason() + "): serving local clients only until it is reachable");
            }
        }
    }

    public Broker broker() {
        return broker;
    }

    /** The cluster's Redis connection, or null with the memory broker. */
    public RedisLink redisLink() {
        return link;
    }

    public PresenceStore presence() {
        return presence;
    }

    public void stop() {
        presence.stop();
        broker.stop();
        if (link != null) {
            link.stop();
        }
    }
}
