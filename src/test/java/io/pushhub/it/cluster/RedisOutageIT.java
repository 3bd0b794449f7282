package io.pushhub.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.Cluster;
import io.pushhub.testsupport.LibertyNode;
import io.pushhub.testsupport.RedisSupport;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node whose Redis is missing at start, then dies and comes back empty (a private redis-server without
 * persistence): the node stays ready and serves its own clients throughout, reports the broker down with a reason,
 * says so in push responses, reconnects by itself, and clients learn that the topic's epoch changed.
 */
class RedisOutageIT {

    @BeforeAll
    static void needRedisProfile() {
        RedisSupport.requireSharedRedis(); // the profile that runs cluster tests; this test brings its own Redis
    }

    private static JsonObject brokerState(Api api) throws Exception {
        return Cluster.broker(api);
    }

    @Test
    void nodeSurvivesRedisOutagesAndClientsLearnTheEpochChanged() throws Exception {
        int redisPort = RedisSupport.freePort();
        String uri = "redis://127.0.0.1:" + redisPort;
        java.util.Map<String, String> vars = Cluster.sameClusterAs(uri);
        vars.put("pushhub.redis.prefix", "outage");
        try (LibertyNode node = new LibertyNode("node-c-" + System.getProperty("it.http.port", "19080"), 2, vars)) {
            // Redis missing at start: the node starts and is ready anyway.
            node.start();
            Api api = node.api();
            RedisSupport.await("broker down, the reason naming the Redis that is missing", Duration.ofSeconds(30), () -> {
                JsonObject down = brokerState(api);
                return "down".equals(down.getString("state")) && down.getString("reason").contains("refused")
                        && down.getString("reason").contains(String.valueOf(redisPort));
            });

            try (WsClient c = WsClient.connect(node.ws())) {
                c.subscribe("outage-news");
                Api.Reply local = api.push("{\"topic\":\"outage-news\",\"data\":\"local only\"}");
                assertEquals(200, local.status(), "push: " + local);
                assertEquals(1, local.json().getInt("reached"), "local delivery works without Redis: " + local);
                assertEquals("unavailable", local.json().getString("cluster"), "push: " + local);
                assertTrue(local.json().getString("clusterError").contains("not reached"), "push: " + local);
                JsonObject m = c.awaitMessage("local message");
                assertFalse(m.containsKey("offset"), "no offset without the broker: " + m);
            }

            try (RedisSupport.PrivateRedis redis = new RedisSupport.PrivateRedis(redisPort)) {
                RedisSupport.await("broker up once Redis is there", Duration.ofSeconds(30),
                        () -> "up".equals(brokerState(api).getString("state")));
                String epoch;
                try (WsClient c = WsClient.connect(node.ws())) {
                    epoch = c.subscribe("outage-news").getJsonObject("recovery").getString("epoch");
                    api.push("{\"topic\":\"outage-news\",\"data\":1}");
                    assertEquals(1, c.awaitMessage("message 1").getJsonNumber("offset").longValue());

                    redis.kill();
                    RedisSupport.await("broker reported down", Duration.ofSeconds(30),
                            () -> "down".equals(brokerState(api).getString("state")));
                    assertEquals(200, node.readyStatus(), "still ready for local work");
                    JsonObject state = brokerState(api);
                    assertTrue(state.getString("reason").length() > 10, "a reason: " + state);
                    Api.Reply during = api.push("{\"topic\":\"outage-news\",\"data\":\"during\"}");
                    assertEquals("unavailable", during.json().getString("cluster"), "push: " + during);
                    assertEquals(1, during.json().getInt("reached"), "push: " + during);
                    assertEquals("during", c.awaitMessage("message during the outage").getString("data"));

                    redis.start(); // empty: no persistence
                    RedisSupport.await("broker up again by itself", Duration.ofSeconds(30),
                            () -> "up".equals(brokerState(api).getString("state")));
                    api.push("{\"topic\":\"outage-news\",\"data\":\"after\"}");
                    JsonObject after = c.awaitMessage("message after the restart");
                    assertEquals(1, after.getJsonNumber("offset").longValue(), "offsets restart: " + after);
                    assertNotEquals(epoch, after.getString("epoch"), "a new epoch tells the client history was lost");
                }
                try (WsClient back = WsClient.connect(node.ws())) {
                    JsonObject ack = back.request("subscribe",
                            "\"topic\":\"outage-news\",\"since\":{\"offset\":1,\"epoch\":\"" + epoch + "\"}");
                    JsonObject rec = ack.getJsonObject("recovery");
                    assertFalse(rec.getBoolean("recovered"), "ack: " + ack);
                    assertEquals("epoch_changed", rec.getString("reason"), "ack: " + ack);
                    assertNotEquals(epoch, rec.getString("epoch"), "ack: " + ack);
                }
            }
        }
    }

    @Test
    void withAPersistentRedisHistorySurvivesAndConnectionsClosedDuringTheOutageLeavePresence() throws Exception {
        int redisPort = RedisSupport.freePort();
        java.util.Map<String, String> vars = Cluster.sameClusterAs("redis://127.0.0.1:" + redisPort);
        vars.put("pushhub.redis.prefix", "aof");
        try (RedisSupport.PrivateRedis redis = new RedisSupport.PrivateRedis(redisPort, true);
                LibertyNode node = new LibertyNode("node-e-" + System.getProperty("it.http.port", "19080"), 4, vars)) {
            io.lettuce.core.RedisClient direct = io.lettuce.core.RedisClient.create(redis.uri());
            try {
                checkPresenceAndHistoryAcrossARestart(redis, node, direct);
            } finally {
                direct.shutdown();
            }
        }
    }

    private void checkPresenceAndHistoryAcrossARestart(RedisSupport.PrivateRedis redis, LibertyNode node,
            io.lettuce.core.RedisClient direct)
            throws Exception {
        node.start();
        Api api = node.api();
        RedisSupport.await("broker up", Duration.ofSeconds(30), () -> "up".equals(brokerState(api).getString("state")));
        var redisCmd = direct.connect().sync();
        String epoch;
        String ghostId;
        try (WsClient c = WsClient.connect(node.ws())) {
            epoch = c.subscribe("aof-news").getJsonObject("recovery").getString("epoch");
            api.push("{\"topic\":\"aof-news\",\"data\":1}");
            assertEquals(1, c.awaitMessage("message 1").getJsonNumber("offset").longValue());
            WsClient ghost = WsClient.connect(node.ws());
            ghostId = ghost.connectionId();
            RedisSupport.await("the ghost's presence written", Duration.ofSeconds(10),
                    () -> redisCmd.hexists("aof:conn", ghostId));

            redis.kill();
            RedisSupport.await("broker down", Duration.ofSeconds(30),
                    () -> "down".equals(brokerState(api).getString("state")));
            ghost.close(); // its removal cannot reach Redis now
            api.push("{\"topic\":\"aof-news\",\"data\":\"lost for history\"}");
            redis.start(); // with its data
            RedisSupport.await("broker up again", Duration.ofSeconds(30),
                    () -> "up".equals(brokerState(api).getString("state")));
            RedisSupport.await("the ghost is gone from Redis after the resync", Duration.ofSeconds(15),
                    () -> !redisCmd.hexists("aof:conn", ghostId));
            RedisSupport.await("the live connection listed again", Duration.ofSeconds(15),
                    () -> redisCmd.hexists("aof:conn", c.connectionId()));
            api.push("{\"topic\":\"aof-news\",\"data\":2}");
            JsonObject two = c.await("message 2", f -> "message".equals(f.getString("type", ""))
                    && f.containsKey("offset"), Duration.ofSeconds(10));
            assertEquals(2, two.getJsonNumber("offset").longValue(), "same epoch, offsets go on: " + two);
            assertEquals(epoch, two.getString("epoch"));
        }
        try (WsClient back = WsClient.connect(node.ws())) {
            JsonObject ack = back.request("subscribe",
                    "\"topic\":\"aof-news\",\"since\":{\"offset\":1,\"epoch\":\"" + epoch + "\"}");
            assertTrue(ack.getJsonObject("recovery").getBoolean("recovered"), "ack: " + ack);
            back.barrier();
            assertEquals(java.util.List.of(2), back.messages().stream().map(m -> m.getInt("data")).toList(),
                    "the message pushed during the outage is in no history; the one after is");
        }
    }

    @Test
    void messagesPublishedWhileANodesLiveFeedIsCutReachItsClientsFromHistoryOnceItIsBack() throws Exception {
        int redisPort = RedisSupport.freePort();
        java.util.Map<String, String> vars = Cluster.sameClusterAs("redis://127.0.0.1:" + redisPort);
        vars.put("pushhub.redis.prefix", "feed");
        try (RedisSupport.PrivateRedis redis = new RedisSupport.PrivateRedis(redisPort);
                LibertyNode node = new LibertyNode("node-f-" + System.getProperty("it.http.port", "19080"), 5, vars)) {
            node.start();
            Api api = node.api();
            RedisSupport.await("broker up", Duration.ofSeconds(30), () -> "up".equals(brokerState(api).getString("state")));
            // Another node of the cluster, in this JVM: it keeps publishing while the Liberty node's feed is cut.
            io.pushhub.broker.redis.RedisLink link = new io.pushhub.broker.redis.RedisLink(redis.uri(), Duration.ofSeconds(2));
            io.pushhub.broker.redis.RedisBroker other = new io.pushhub.broker.redis.RedisBroker(link, "feed");
            io.lettuce.core.RedisClient direct = io.lettuce.core.RedisClient.create(redis.uri());
            try {
                other.start("other-node", p -> {});
                link.start();
                RedisSupport.await("other node connected", Duration.ofSeconds(15), () -> other.status().up());
                var admin = direct.connect().sync();
                try (WsClient c = WsClient.connect(node.ws())) {
                    c.subscribe("feed-news");
                    publish(other, 1);
                    assertEquals(1, c.awaitMessage("message 1").getJsonNumber("offset").longValue());

                    // Cut the pub/sub connections and keep them from coming back: no room for new clients.
                    long connected = Long.parseLong(admin.info("clients").lines()
                            .filter(l -> l.startsWith("connected_clients:")).findFirst().orElseThrow().split(":")[1].trim());
                    admin.configSet("maxclients", Long.toString(connected - 2));
                    admin.clientKill(io.lettuce.core.KillArgs.Builder.typePubsub());
                    RedisSupport.await("the node's live feed reported down", Duration.ofSeconds(30),
                            () -> "down".equals(brokerState(api).getString("state")));
                    publish(other, 2);
                    publish(other, 3);
                    admin.configSet("maxclients", "10000");
                    RedisSupport.await("the node's feed back", Duration.ofSeconds(30),
                            () -> "up".equals(brokerState(api).getString("state")));
                    c.await("message 3 caught up from history", f -> f.containsKey("offset")
                            && f.getJsonNumber("offset").longValue() == 3, Duration.ofSeconds(15));
                    publish(other, 4);
                    c.await("live message 4", f -> f.containsKey("offset") && f.getJsonNumber("offset").longValue() == 4,
                            Duration.ofSeconds(15));
                    c.barrier();
                    assertEquals(java.util.List.of(1, 2, 3, 4), c.messages().stream().map(m -> m.getInt("data")).toList(),
                            "nothing missed, nothing twice: " + c.messages());
                }
            } finally {
                other.stop();
                link.stop();
                direct.shutdown();
            }
        }
    }

    private static void publish(io.pushhub.broker.Broker broker, int n) throws Exception {
        broker.publishWithHistory(new io.pushhub.broker.Publication("other-node", io.pushhub.broker.Publication.Kind.TOPIC,
                java.util.List.of("feed-news"), "m-other-" + n, null, System.currentTimeMillis(), jakarta.json.Json.createValue(n),
                0, null), new io.pushhub.broker.HistoryPolicy(100, Duration.ofMinutes(5)));
    }
}
