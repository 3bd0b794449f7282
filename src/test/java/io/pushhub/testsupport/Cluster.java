package io.pushhub.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers for the tests that run several nodes sharing a Redis. */
public final class Cluster {

    private Cluster() {}

    /** Variables that make a {@link LibertyNode} join the cluster of the Arquillian server (same Redis, same prefix). */
    public static Map<String, String> sameClusterAs(String redisUri) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("pushhub.broker", "redis");
        v.put("pushhub.redis.uri", redisUri);
        v.put("pushhub.redis.prefix", RedisSupport.runPrefix());
        v.put("pushhub.presence.ttl", "PT5S");
        return v;
    }

    /** The node id a server reports in its broker health check. */
    public static String nodeId(Api api) throws Exception {
        return broker(api).getString("node");
    }

    /** The data of the {@code pushhub-broker} readiness check. */
    public static jakarta.json.JsonObject broker(Api api) throws Exception {
        Api.Reply r = api.get("/health/ready", null);
        return r.json().getJsonArray("checks").getValuesAs(jakarta.json.JsonObject.class).stream()
                .filter(c -> "pushhub-broker".equals(c.getString("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no pushhub-broker check: " + r))
                .getJsonObject("data");
    }
}
