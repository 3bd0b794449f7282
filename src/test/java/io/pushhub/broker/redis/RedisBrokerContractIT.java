package io.pushhub.broker.redis;

import io.pushhub.broker.Broker;
import io.pushhub.broker.BrokerContract;
import io.pushhub.testsupport.RedisSupport;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The broker contract against {@link RedisBroker} on a real Redis (the CI Redis at 127.0.0.1:6379, keys under a
 * prefix of this run). Skipped without {@code -Predis}; with it, fails when Redis is unreachable.
 */
class RedisBrokerContractIT extends BrokerContract {

    private final String prefix = RedisSupport.runPrefix() + "-contract-" + System.nanoTime();
    private final Map<Broker, RedisLink> links = new IdentityHashMap<>();

    @BeforeAll
    static void needRedis() {
        RedisSupport.requireSharedRedis();
    }

    @AfterEach
    void closeLinks() {
        links.values().forEach(RedisLink::stop);
    }

    @Override
    protected Broker newNode() {
        RedisLink link = new RedisLink(RedisSupport.sharedUri(), Duration.ofSeconds(2));
        RedisBroker broker = new RedisBroker(link, prefix);
        links.put(broker, link);
        return broker;
    }

    @Override
    protected void afterStart(Broker node) throws Exception {
        links.get(node).start(); // as the Backplane does: the broker registered its subscription first
        RedisSupport.await(
                "Redis broker connected",
                Duration.ofSeconds(15),
                () -> node.status().up());
    }

    @Override
    protected void expire(Broker node, String topic) throws Exception {
        RedisSupport.await(
                "history of " + topic + " expired (TTL 1 s)",
                Duration.ofSeconds(15),
                () -> !node.readHistory(topic, 0, 1).streamKept());
    }
}
