package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.WebhookReceiver;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backend hears: a test backend (a real HTTP server) receives the hub's signed webhooks, in order, with sequence
 * numbers it can check against the reconcile endpoints; it may fail or hang and still gets every event, while clients
 * are served as usual. The test servers send with {@code offline-grace} 3 s, {@code timeout} 2 s.
 */
class WebhooksIT extends HubIT {

    static final Duration GRACE = Duration.ofSeconds(3);
    private static WebhookReceiver receiver;

    @BeforeAll
    static void backend() throws Exception {
        receiver = WebhookReceiver.start();
    }

    @AfterAll
    static void stopBackend() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private static String unique(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void awaitTrue(String what, Duration max, java.util.function.BooleanSupplier ok)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + max + " for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static long seq(JsonObject e) {
        return e.getJsonNumber("seq").longValue();
    }

    @Test
    void topicAndUserLifecycleArriveSignedInOrderWithSequencesTheReconcileEndpointsAgreeWith() throws Exception {
        String user = unique("hana");
        String topic = unique("orders");
        String connectionId;
        try (WsClient c = asUser(user)) {
            connectionId = c.connectionId();
            c.subscribe(topic);
            c.request("unsubscribe", "\"topic\":\"" + topic + "\"");
            receiver.await(
                    "the topic's events", e -> topic.equals(e.getString("topic", null)), 2, Duration.ofSeconds(10));
        }
        List<JsonObject> userEvents = receiver.await(
                "the user's events", e -> user.equals(e.getString("userId", null)), 3, GRACE.plusSeconds(10));

        List<JsonObject> topicEvents = receiver.about(topic);
        assertEquals(List.of("topic.occupied", "topic.vacated"), WebhookReceiver.types(topicEvents));
        assertEquals(seq(topicEvents.get(0)) + 1, seq(topicEvents.get(1)), "one more per event: " + topicEvents);
        assertEquals(List.of("user.online", "connection.closed", "user.offline"), WebhookReceiver.types(userEvents));
        for (int i = 1; i < userEvents.size(); i++) {
            assertEquals(seq(userEvents.get(i - 1)) + 1, seq(userEvents.get(i)), "user sequence: " + userEvents);
        }
        JsonObject closed = userEvents.get(1);
        assertEquals(connectionId, closed.getString("connectionId"));
        assertEquals(1000, closed.getInt("code"), "the client closed normally: " + closed);
        assertTrue(receiver.badSignatures().isEmpty(), "every request verifies: " + receiver.badSignatures());

        JsonObject topicNow = api.get("/api/topics/" + topic + "/presence").json();
        assertEquals(seq(topicEvents.get(1)), topicNow.getJsonNumber("seq").longValue(), "reconcile: " + topicNow);
        assertEquals(0, topicNow.getInt("subscribers"));
        JsonObject userNow = api.get("/api/users/" + user).json();
        assertEquals(seq(userEvents.get(2)), userNow.getJsonNumber("seq").longValue(), "reconcile: " + userNow);
        assertEquals(false, userNow.getBoolean("online"));
        assertEquals(
                1,
                receiver.events(e -> e.getString("id").equals(closed.getString("id")))
                        .size(),
                "once");
    }

    @Test
    void aPageReloadWithinTheGraceIsNeitherOfflineNorOnlineAgain() throws Exception {
        String user = unique("ravi");
        try (WsClient first = asUser(user)) {
            first.subscribe(unique("page"));
        }
        try (WsClient reloaded = asUser(user)) {
            receiver.await(
                    "the first close",
                    e -> user.equals(e.getString("userId", null)) && "connection.closed".equals(e.getString("type")),
                    1,
                    Duration.ofSeconds(10));
            Thread.sleep(GRACE.plusSeconds(2).toMillis()); // the grace of the first close passes while reloaded is open
            assertEquals(
                    List.of("user.online", "connection.closed"),
                    WebhookReceiver.types(receiver.about(user)),
                    "no offline, no second online");
        }
        receiver.await(
                "offline after the real leave",
                e -> user.equals(e.getString("userId", null)) && "user.offline".equals(e.getString("type")),
                1,
                GRACE.plusSeconds(10));
    }

    @Test
    void aFailingBackendGetsTheEventsWithRetriesAndAHangingOneDelaysNoClient() throws Exception {
        String failing = unique("retry");
        String hanging = unique("hang");
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger hangs = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean(true);
        receiver.behave(body -> {
            if (body.contains(failing) && failures.getAndIncrement() < 2) {
                return 503;
            }
            if (body.contains(hanging) && hold.get()) {
                hangs.incrementAndGet();
                return -1; // never answers: the hub's timeout (2 s) ends the request, and it tries again
            }
            return 204;
        });
        try (WsClient c = asUser(unique("ops"))) {
            c.subscribe(failing);
            receiver.await(
                    "occupied after two failures",
                    e -> failing.equals(e.getString("topic", null)),
                    1,
                    Duration.ofSeconds(20));
            assertEquals(3, failures.get(), "two 503s, then accepted");

            c.subscribe(hanging);
            awaitTrue("the backend hangs on the event", Duration.ofSeconds(10), () -> hangs.get() >= 1);
            api.push("{\"topic\":\"" + hanging + "\",\"data\":\"while the backend hangs\"}");
            c.await(
                    "the push while the backend hangs",
                    f -> "message".equals(f.getString("type", "")) && hanging.equals(f.getString("topic", "")),
                    Duration.ofSeconds(10));
            assertEquals(List.of(), receiver.about(hanging), "the client was served while its hook still hung");
            hold.set(false);
            receiver.await(
                    "occupied once the backend answers again",
                    e -> hanging.equals(e.getString("topic", null)),
                    1,
                    Duration.ofSeconds(20));
            assertEquals(1, receiver.about(hanging).size(), "delivered once: " + receiver.about(hanging));
        } finally {
            receiver.behave(body -> 204);
        }
        assertTrue(api.metric("pushhub_webhook_requests_failed_total") >= 3, "failures counted");
        assertTrue(api.metric("pushhub_webhook_events_delivered_total") >= 2, "deliveries counted");
    }
}
