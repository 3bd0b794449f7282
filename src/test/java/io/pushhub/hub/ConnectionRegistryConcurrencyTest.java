package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.config.DeliveryPolicy;
import io.pushhub.delivery.DeliveryEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ConnectionRegistryConcurrencyTest {

    private static final DeliveryEngine ENGINE = DeliveryEngine.standalone(
            DeliveryEngine.Settings.defaults(DeliveryPolicy.DISCONNECT).withQueue(100, 1 << 20));

    static Connection connection(String id, String user) {
        ClientChannel channel = new ClientChannel() {
            @Override
            public void send(io.pushhub.delivery.Frame frame, Consumer<Throwable> done) {
                done.accept(null);
            }

            @Override
            public void close(int code, String reason) {}
        };
        return new Connection(id, user, false, channel, new RateLimiter(100, 100), ENGINE, (c, t) -> {});
    }

    @Test
    void indexesStayConsistentUnderConcurrentConnectSubscribeAndDisconnect() throws Exception {
        ConnectionRegistry registry = new ConnectionRegistry();
        int threads = 8;
        int perThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Connection> survivors = new ConcurrentLinkedQueue<>();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = 0; i < perThread; i++) {
                    Connection c = connection("c-" + thread + "-" + i, "user" + rnd.nextInt(50));
                    registry.add(c);
                    for (int k = 0; k < 3; k++) {
                        registry.subscribe(c, "topic" + rnd.nextInt(20), 10);
                    }
                    // Readers run concurrently with writers and must never throw.
                    registry.subscribers("topic" + rnd.nextInt(20)).size();
                    registry.connectionsOf("user" + rnd.nextInt(50)).size();
                    if (rnd.nextBoolean()) {
                        registry.unsubscribe(c, "topic" + rnd.nextInt(20));
                    }
                    if (i % 2 == 0) {
                        registry.remove(c);
                        // A subscribe racing a close must not resurrect the connection in the topic index.
                        registry.subscribe(c, "late-topic", 10);
                    } else {
                        survivors.add(c);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        int expected = threads * perThread / 2;
        assertEquals(expected, registry.size(), "connections");
        assertEquals(expected, survivors.size());
        assertTrue(registry.subscribers("late-topic").isEmpty(), "a closed connection was subscribed");

        int fromConnections = 0;
        for (Connection c : survivors) {
            fromConnections += c.topics().size();
            for (String topic : c.topics()) {
                assertTrue(registry.subscribers(topic).contains(c), c + " missing from index of " + topic);
            }
            assertTrue(registry.connectionsOf(c.userId()).contains(c), c + " missing from user index");
        }
        int fromIndex = registry.topicCounts().values().stream()
                .mapToInt(Integer::intValue)
                .sum();
        assertEquals(fromConnections, fromIndex, "topic index vs connections' own topic sets");
        assertEquals(fromConnections, registry.subscriptionCount(), "subscription counter");
        int users = registry.connectionIdsByUser().values().stream()
                .mapToInt(List::size)
                .sum();
        assertEquals(expected, users, "user index");

        for (Connection c : survivors) {
            registry.remove(c);
        }
        assertEquals(0, registry.size());
        assertEquals(0, registry.subscriptionCount());
        assertTrue(registry.topicCounts().isEmpty(), "empty topic sets must be dropped: " + registry.topicCounts());
        assertEquals(0, registry.userCount(), "empty user sets must be dropped");
    }

    @Test
    void subscriptionLimitAndIdempotence() {
        ConnectionRegistry registry = new ConnectionRegistry();
        Connection c = connection("c-1", "u");
        registry.add(c);
        assertEquals(ConnectionRegistry.Subscribed.ADDED, registry.subscribe(c, "a", 2));
        assertEquals(ConnectionRegistry.Subscribed.ALREADY, registry.subscribe(c, "a", 2));
        assertEquals(ConnectionRegistry.Subscribed.ADDED, registry.subscribe(c, "b", 2));
        assertEquals(ConnectionRegistry.Subscribed.LIMIT, registry.subscribe(c, "c", 2));
        assertEquals(2, registry.subscriptionCount());
        assertEquals(java.util.Set.of("a", "b"), registry.remove(c));
        assertEquals(ConnectionRegistry.Subscribed.CLOSED, registry.subscribe(c, "c", 2));
        assertEquals(java.util.Set.of(), registry.remove(c), "second remove is a no-op");
    }

    @Test
    void readsAreSnapshots() {
        ConnectionRegistry registry = new ConnectionRegistry();
        Connection a = connection("c-a", "u");
        registry.add(a);
        registry.subscribe(a, "t", 5);
        List<Connection> snapshot = registry.subscribers("t");
        registry.unsubscribe(a, "t");
        assertEquals(List.of(a), snapshot, "an earlier snapshot must not change");
        assertTrue(registry.subscribers("t").isEmpty());
    }
}
