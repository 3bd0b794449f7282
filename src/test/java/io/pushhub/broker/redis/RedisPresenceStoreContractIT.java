package io.pushhub.broker.redis;

import io.pushhub.presence.LocalConnections;
import io.pushhub.presence.PresenceStore;
import io.pushhub.presence.PresenceStoreContract;
import io.pushhub.testsupport.RedisSupport;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The presence contract against {@link RedisPresenceStore} on a real Redis (the CI Redis at 127.0.0.1:6379), each test
 * under a key prefix of its own that is deleted afterwards. Skipped without {@code -Predis}; with it, fails when Redis
 * is unreachable. Runs with the integration tests ({@code mvn verify -Predis}) or alone with
 * {@code mvn test -Predis -Dtest='*PresenceStore*'}.
 */
class RedisPresenceStoreContractIT extends PresenceStoreContract {

    private final String prefix = RedisSupport.runPrefix() + "-presence-" + System.nanoTime();
    private final Map<PresenceStore, RedisLink> links = new IdentityHashMap<>();

    @BeforeAll
    static void needRedis() {
        RedisSupport.requireSharedRedis();
    }

    @AfterEach
    void closeLinksAndRemoveKeys() throws Exception {
        links.values().forEach(RedisLink::stop);
        RedisLink cleaner = new RedisLink(RedisSupport.sharedUri(), Duration.ofSeconds(2));
        try {
            cleaner.start();
            cleaner.awaitFirstConnection(Duration.ofSeconds(5));
            RedisSupport.deleteKeys(cleaner.sync(), prefix + ":*");
        } finally {
            cleaner.stop();
        }
    }

    @Override
    protected PresenceStore newNode(String node, LocalConnections local, Departures departed) throws Exception {
        RedisLink link = new RedisLink(RedisSupport.sharedUri(), Duration.ofSeconds(2));
        RedisPresenceStore store = new RedisPresenceStore(link, local, prefix, node, TTL);
        links.put(store, link);
        store.start(departed.callback()); // as the Backplane does: the store registers its callbacks first
        link.start();
        RedisSupport.await(
                "presence node " + node + " connected",
                Duration.ofSeconds(15),
                () -> link.status().up());
        return store;
    }

    @Override
    protected boolean sharesAcrossNodes() {
        return true;
    }

    @Override
    protected void crash(PresenceStore node) {
        links.get(node).stop(); // no withdrawal, no more lease renewals
    }

    @Override
    protected PresenceStore unreachableNode(String node, LocalConnections local) {
        int closedPort;
        try {
            closedPort = RedisSupport.freePort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        RedisLink link = new RedisLink("redis://127.0.0.1:" + closedPort, Duration.ofMillis(500));
        RedisPresenceStore store = new RedisPresenceStore(link, local, prefix, node, TTL);
        links.put(store, link);
        store.start((topic, entry) -> {});
        link.start();
        link.awaitFirstConnection(Duration.ofMillis(500));
        return store;
    }
}
