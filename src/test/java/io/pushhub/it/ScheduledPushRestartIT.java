package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.LibertyNode;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The restart test: 100 pushes scheduled 20 s ahead on a Liberty server with the default database (embedded
 * Derby under the server's directory, nothing configured), the server stopped and started again (a new JVM: nothing
 * in memory survives): each of the 100 fires once after the restart (or when due, if the restart was quicker), none
 * early, and a client connected afterwards gets exactly those 100 from the topic's history.
 * Liberty only (its own server; excluded on Payara in pom.xml).
 */
class ScheduledPushRestartIT extends HubIT {

    private static final String NAME = "sched-restart-" + System.getProperty("it.http.port", "19080");
    private static final int PUSHES = 100;

    private static void deleteTree(Path p) throws Exception {
        if (Files.exists(p)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(x);
                }
            }
        }
    }

    @Test
    void hundredScheduledPushesSurviveARestartAndEachFiresOnce() throws Exception {
        LibertyNode node = new LibertyNode(NAME, 8, Map.of());
        deleteTree(node.log().getParent().getParent().resolve("pushhub-db")); // a clean default database
        try {
            node.start();
            Api a = node.api();
            String topic = "restart-" + System.nanoTime();
            // 60 s: a stop and a start of Liberty take 10-40 s on a loaded 2-core machine, and the client must connect
            // first.
            Instant at = Instant.now().plusSeconds(60);
            Set<String> scheduled = new HashSet<>();
            for (int i = 0; i < PUSHES; i++) {
                Api.Reply r = a.push("{\"topic\":\"" + topic + "\",\"at\":\"" + at + "\",\"data\":" + i + "}");
                assertEquals(202, r.status(), "schedule " + i + ": " + r);
                scheduled.add(r.json().getString("messageId"));
            }
            assertEquals(PUSHES, scheduled.size(), "distinct message ids");
            assertEquals(PUSHES, pendingOf(a, topic), "pending before the stop");

            node.close(); // server stop: a clean stop
            node.start(); // a new JVM: nothing in memory survives
            Instant restarted = Instant.now();

            // The pushes fire when due, whether or not the restart took longer (the machine may be loaded): wait until
            // none is pending, then a client connected now gets the topic's messages from its history (offset 0):
            // each scheduled push must be there exactly once.
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            long left;
            while ((left = pendingOf(a, topic)) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertEquals(0, left, "still pending 120 s after the restart");
            Thread.sleep(1_500); // two poll intervals and more: a second firing would be in the history now
            Api.Reply page = a.get("/api/topics/" + topic + "/history?limit=1");
            assertEquals(200, page.status(), "history: " + page);
            String epoch = page.json().getString("epoch");
            assertEquals(PUSHES, page.json().getJsonNumber("offset").longValue(), "messages published: " + page);

            try (WsClient c = WsClient.connect(node.ws())) {
                JsonObject ack = c.request(
                        "subscribe",
                        "\"topic\":\"" + topic + "\",\"since\":{\"offset\":0,\"epoch\":\"" + epoch + "\"}");
                assertEquals("ack", ack.getString("type"), "resume: " + ack);
                Set<String> received = new HashSet<>();
                for (int i = 0; i < PUSHES; i++) {
                    JsonObject m = c.await(
                            "scheduled push " + (i + 1) + " of " + PUSHES,
                            f -> "message".equals(f.getString("type", "")),
                            Duration.ofSeconds(30));
                    assertTrue(received.add(m.getString("messageId")), "received twice: " + m);
                    assertTrue(
                            m.getJsonNumber("time").longValue() >= at.toEpochMilli() - 50,
                            "delivered before it was due: " + m);
                }
                assertEquals(scheduled, received, "every scheduled push, by its message id");
                c.barrier();
                assertEquals(
                        PUSHES,
                        c.messages().size(),
                        "each exactly once: " + c.messages().size() + " messages");
                System.out.println("[pushhub] restart took until " + restarted + "; pushes were due at " + at);
            }
        } finally {
            node.close();
        }
    }

    private static long pendingOf(Api a, String topic) throws Exception {
        Api.Reply list = a.get("/api/push/scheduled");
        assertEquals(200, list.status(), "list: " + list);
        return list.json().getJsonArray("scheduled").getValuesAs(JsonObject.class).stream()
                .filter(e -> e.getJsonArray("targets").getString(0).equals(topic))
                .count();
    }
}
