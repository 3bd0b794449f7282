package io.pushhub.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.it.trace.TraceDeployment;
import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.Cluster;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.LibertyNode;
import io.pushhub.testsupport.RedisSupport;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tracing across two nodes sharing one Redis: the user is connected to node B only, the backend pushes on node A (the
 * Arquillian server). The trace read on either node shows B's write and A's "no connection here"; the caller's trace
 * continues across the cluster hop into B's fan-out span. Both nodes run the WAR with a test-only in-memory span
 * exporter ({@link TraceDeployment}).
 */
@ExtendWith(ArquillianExtension.class)
class TraceClusterIT {

    private static final String HTTP = "http://127.0.0.1:" + Integer.getInteger("it.http.port", 19080);
    private static final Api api = new Api(HTTP);
    private static LibertyNode nodeB;
    private static Api apiB;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return TraceDeployment.war();
    }

    @BeforeAll
    static void startNodeB() throws Exception {
        RedisSupport.requireSharedRedis();
        Path war = Files.createTempFile("pushhub-trace-", ".war");
        TraceDeployment.war().as(ZipExporter.class).exportTo(war.toFile(), true);
        nodeB = new LibertyNode(
                        "trace-b-" + System.getProperty("it.http.port", "19080"),
                        15,
                        Cluster.sameClusterAs(RedisSupport.sharedUri()),
                        war)
                .start();
        Files.deleteIfExists(war);
        apiB = nodeB.api();
    }

    @AfterAll
    static void stopNodeB() throws Exception {
        if (nodeB != null) {
            nodeB.close();
        }
    }

    private static List<String> summaryUntil(Api on, String messageId, String user, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Api.Reply r;
        do {
            r = on.get("/api/push/" + messageId + "/trace?user=" + user);
            if (r.status() == 200) {
                List<String> s = r.json().getJsonArray("summary").getValuesAs(JsonString.class).stream()
                        .map(JsonString::getString)
                        .toList();
                if (s.stream().anyMatch(l -> l.contains(expected))) {
                    assertTrue(r.json().getBoolean("clusterWide"), r.toString());
                    return s;
                }
            }
            Thread.sleep(100); // polling a REST answer: nothing to wait on
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no '" + expected + "' in the trace of " + messageId + ": " + r);
    }

    private static void bothNodesConnected() throws Exception {
        RedisSupport.await(
                "both nodes connected to Redis",
                Duration.ofSeconds(30),
                () -> "up".equals(Cluster.broker(api).getString("state"))
                        && "up".equals(Cluster.broker(apiB).getString("state")));
    }

    /** The span named {@code name} of {@code messageId} in {@code on}'s exporter, waiting for its export. */
    private static JsonObject span(Api on, String traceId, String name, String messageId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonObject spans = null;
        do {
            spans = on.get("/api/test-spans?traceId=" + traceId, null).json();
            for (JsonObject s : spans.getJsonArray("spans").getValuesAs(JsonObject.class)) {
                if (s.getString("name").equals(name)
                        && messageId.equals(s.getJsonObject("attributes").getString("pushhub.message_id", ""))) {
                    return s;
                }
            }
            Thread.sleep(200); // the exporter batches every 100 ms
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no span '" + name + "' of " + messageId + " in trace " + traceId + ": " + spans);
    }

    @Test
    void theCallersTraceContinuesAcrossTheClusterHopIntoTheFanOutOnNodeB() throws Exception {
        bothNodesConnected();
        String user = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String traceparent = "00-" + traceId + "-" + traceId.substring(0, 16) + "-01";
        try (WsClient onB = WsClient.connect(nodeB.ws() + "?access_token=" + Jwts.token(user, List.of()))) {
            Api.Reply r = api.send(HttpRequest.newBuilder(URI.create(HTTP + "/api/push"))
                    .timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + Api.KEY)
                    .header("traceparent", traceparent)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\",\"data\":\"hi\"}"))
                    .build());
            assertEquals(200, r.status(), r.toString());
            String messageId = r.json().getString("messageId");
            onB.awaitMessage("the push on B");

            JsonObject push = span(api, traceId, "pushhub push", messageId);
            JsonObject fanOutB = span(apiB, traceId, "pushhub fan-out", messageId);
            assertEquals(push.getString("spanId"), fanOutB.getString("parentSpanId"), "B's parent is A's push span");
            JsonObject a = fanOutB.getJsonObject("attributes");
            assertEquals(Cluster.nodeId(apiB), a.getString("pushhub.node"), fanOutB.toString());
            assertEquals("1", a.getString("pushhub.written"), fanOutB.toString());
            JsonObject fanOutA = span(api, traceId, "pushhub fan-out", messageId);
            assertTrue(
                    fanOutA.getJsonArray("events").getValuesAs(JsonObject.class).stream()
                            .anyMatch(e -> e.getString("name").equals("no connection")),
                    "A had no connection of the user: " + fanOutA);
        }
    }

    @Test
    void theTraceReadOnNodeAShowsTheWriteOnNodeB() throws Exception {
        bothNodesConnected();
        String user = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        String nodeA = Cluster.nodeId(api);
        String nodeBId = Cluster.nodeId(apiB);
        try (WsClient onB = WsClient.connect(nodeB.ws() + "?access_token=" + Jwts.token(user, List.of()))) {
            Api.Reply r = api.push("{\"user\":\"" + user + "\",\"trace\":true,\"data\":\"hi\"}");
            assertEquals(200, r.status(), r.toString());
            String messageId = r.json().getString("messageId");
            JsonObject m = onB.awaitMessage("the push on B");
            assertEquals(messageId, m.getString("messageId"));

            String written = "node " + nodeBId + ": connection " + onB.connectionId() + " of " + user + " written at";
            List<String> onA = summaryUntil(api, messageId, user, written);
            assertTrue(onA.contains("node " + nodeA + ": " + user + " had no connection here"), "A's view: " + onA);
            assertTrue(
                    onA.stream().anyMatch(l -> l.startsWith("node " + nodeA + ": pushed at")), "pushed on A: " + onA);
            List<String> fromB = summaryUntil(apiB, messageId, user, written);
            assertEquals(onA, fromB, "the same answer from any node");
        }
    }
}
