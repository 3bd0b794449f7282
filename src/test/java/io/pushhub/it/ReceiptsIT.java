package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.StalledClient;
import io.pushhub.testsupport.WebhookReceiver;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery receipts on a real server (docs/receipts.md): who got a push and when, the retract of collapseOnAck, and
 * the {@code push.unacknowledged} webhook of escalateAfter, received by a real HTTP backend.
 */
class ReceiptsIT extends HubIT {

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

    private String push(String json) throws Exception {
        Api.Reply r = api.push(json);
        assertEquals(200, r.status(), r.toString());
        return r.json().getString("messageId");
    }

    private JsonObject receipts(String messageId) throws Exception {
        Api.Reply r = api.get("/api/push/" + messageId + "/receipts");
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    private static Map<String, JsonObject> byConnection(JsonObject receipts) {
        return receipts.getJsonArray("recipients").getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(o -> o.getString("connection"), Function.identity()));
    }

    /** Polls the receipts until they say what the test waits for (the writes are asynchronous). */
    private JsonObject awaitReceipts(String messageId, Predicate<JsonObject> ok) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonObject r = receipts(messageId);
        while (!ok.test(r)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("receipts of " + messageId + " never got there: " + r);
            }
            Thread.sleep(50);
            r = receipts(messageId);
        }
        return r;
    }

    private static void received(WsClient c, String messageId) throws Exception {
        c.send("{\"type\":\"received\",\"messageId\":\"" + messageId + "\"}");
    }

    @Test
    void oneTabAcknowledgesTheOtherIsWrittenAndUnknownIdsAre404() throws Exception {
        String user = unique("rita");
        try (WsClient a = asUser(user);
                WsClient b = asUser(user)) {
            String id = push("{\"user\":\"" + user + "\",\"receipt\":true,\"data\":{\"n\":1}}");
            JsonObject ma = a.awaitMessage("the receipt push on tab a");
            assertTrue(ma.getBoolean("receipt", false), "the frame asks for a receipt: " + ma);
            b.awaitMessage("the receipt push on tab b");
            received(a, id);

            JsonObject r = awaitReceipts(
                    id,
                    x -> byConnection(x).size() == 2
                            && "acknowledged"
                                    .equals(byConnection(x)
                                            .getOrDefault(a.connectionId(), x)
                                            .getString("state", ""))
                            && byConnection(x).get(b.connectionId()).containsKey("writtenAt"));
            Map<String, JsonObject> rows = byConnection(r);
            JsonObject ra = rows.get(a.connectionId());
            JsonObject rb = rows.get(b.connectionId());
            assertEquals("written", rb.getString("state"), r.toString());
            assertEquals(user, ra.getString("user"));
            assertNotNull(ra.getString("node"));
            Instant pushed = Instant.parse(r.getString("pushedAt"));
            Instant written = Instant.parse(ra.getString("writtenAt"));
            Instant acked = Instant.parse(ra.getString("acknowledgedAt"));
            assertTrue(!written.isBefore(pushed.minusSeconds(1)) && !acked.isBefore(written), r.toString());
        }
        Api.Reply unknown = api.get("/api/push/m-nobody-knows/receipts");
        assertEquals(404, unknown.status(), unknown.toString());
        assertEquals("not_found", unknown.json().getString("error"), unknown.toString());
        String plain = push("{\"user\":\"" + unique("x") + "\",\"data\":1}");
        assertEquals(404, api.get("/api/push/" + plain + "/receipts").status(), "a push without receipts has none");
        assertEquals(401, api.get("/api/push/" + plain + "/receipts", null).status(), "publisher credentials only");
    }

    @Test
    void misuseOfTheOptionsIsA400() throws Exception {
        Api.Reply topic = api.push("{\"topic\":\"news\",\"collapseOnAck\":true,\"data\":1}");
        assertEquals(400, topic.status(), topic.toString());
        assertTrue(topic.body().contains("'user' or 'users'"), topic.body());
        Api.Reply tooLong = api.push("{\"user\":\"u\",\"escalateAfter\":\"P2D\",\"data\":1}");
        assertEquals(400, tooLong.status(), tooLong.toString());
        Api.Reply later = api.push("{\"user\":\"u\",\"receipt\":true,\"delay\":1000,\"data\":1}");
        assertEquals(400, later.status(), later.toString());
    }

    @Test
    void aStalledConnectionShowsItsMessagesDroppedWithTheReason() throws Exception {
        String user = unique("sam");
        URI base = URI.create(HTTP);
        try (WsClient healthy = asUser(user);
                StalledClient stalled = new StalledClient(
                        base.getHost(), base.getPort(), "/ws?access_token=" + Jwts.token(user, List.of()))) {
            String big = "x".repeat(32 * 1024);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ids.add(push("{\"user\":\"" + user + "\",\"receipt\":true,\"data\":{\"seq\":" + i + ",\"pad\":\"" + big
                        + "\"}}"));
            }
            for (int i = 0; i < ids.size(); i++) {
                healthy.awaitMessage("message " + i);
            }
            // The stalled connection's queue filled up (1 MiB in the test servers): policy disconnect closed it. Every
            // message it was a recipient of ends written (into the socket's buffers) or dropped with the reason; the
            // healthy tab got every one.
            String stalledId = byConnection(receipts(ids.get(0))).keySet().stream()
                    .filter(c -> !c.equals(healthy.connectionId()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the stalled tab was a recipient of the first push"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Map<String, Long> reasons;
            List<String> pending;
            do {
                reasons = new java.util.TreeMap<>();
                pending = new ArrayList<>();
                for (String id : ids) {
                    JsonObject r = receipts(id);
                    assertTrue(
                            byConnection(r).get(healthy.connectionId()).containsKey("writtenAt"),
                            "the healthy tab got " + id + ": " + r);
                    JsonObject s = byConnection(r).get(stalledId);
                    if (s == null) {
                        continue; // pushed after it was disconnected: it was no recipient
                    }
                    String state = s.getString("state");
                    if (state.equals("dropped")) {
                        assertTrue(s.containsKey("droppedAt"), s.toString());
                        reasons.merge(s.getString("reason"), 1L, Long::sum);
                    } else if (!state.equals("written")) {
                        pending.add(id + "=" + state);
                    }
                }
            } while ((!pending.isEmpty() || reasons.isEmpty()) && System.nanoTime() < deadline);
            assertEquals(List.of(), pending, "every message of the stalled tab ended written or dropped");
            assertTrue(
                    reasons.getOrDefault("slow_consumer", 0L) >= 1,
                    "the push that found its queue full is dropped as slow_consumer: " + reasons);
            assertTrue(
                    List.of("closed", "slow_consumer", "send_failed").containsAll(reasons.keySet()),
                    "queue overflow under policy disconnect (the write in flight when it closed: send_failed): "
                            + reasons);
        }
    }

    @Test
    void collapseOnAckRetractsTheMessageOnTheUsersOtherConnections() throws Exception {
        String user = unique("cora");
        try (WsClient phone = asUser(user);
                WsClient laptop = asUser(user);
                WsClient tablet = asUser(user)) {
            String id = push("{\"user\":\"" + user + "\",\"collapseOnAck\":true,\"data\":\"call me\"}");
            for (WsClient c : List.of(phone, laptop, tablet)) {
                c.awaitMessage("the message");
            }
            received(phone, id);
            for (WsClient other : List.of(laptop, tablet)) {
                JsonObject retract =
                        other.await("retract", f -> "retract".equals(f.getString("type")), Duration.ofSeconds(10));
                assertEquals(id, retract.getString("messageId"));
            }
            phone.barrier();
            assertTrue(phone.seen().stream().noneMatch(f -> "retract".equals(f.getString("type"))), "not on the acker");
            JsonObject r = awaitReceipts(
                    id,
                    x -> "acknowledged"
                            .equals(byConnection(x).get(phone.connectionId()).getString("state")));
            assertEquals("written", byConnection(r).get(laptop.connectionId()).getString("state"), r.toString());
        }
    }

    @Test
    void escalateAfterFiresOnceForAUserWithoutConnectionAndNotForOneWhoAcknowledged() throws Exception {
        String offline = unique("olga");
        String online = unique("otto");
        String toOffline = push("{\"user\":\"" + offline + "\",\"escalateAfter\":\"PT1S\",\"data\":\"ping\"}");
        String toOnline;
        try (WsClient c = asUser(online)) {
            toOnline = push("{\"user\":\"" + online + "\",\"escalateAfter\":\"PT1S\",\"data\":\"ping\"}");
            c.awaitMessage("the escalating push");
            received(c, toOnline);
            awaitReceipts(
                    toOnline,
                    x -> byConnection(x).containsKey(c.connectionId())
                            && byConnection(x).get(c.connectionId()).containsKey("acknowledgedAt"));
        }
        Predicate<JsonObject> unacked = e -> "push.unacknowledged".equals(e.getString("type"));
        List<JsonObject> events = receiver.await(
                "push.unacknowledged of " + offline,
                unacked.and(e -> offline.equals(e.getString("userId", null))),
                1,
                Duration.ofSeconds(20));
        JsonObject e = events.get(0);
        assertEquals(toOffline, e.getString("messageId"));
        assertEquals("PT1S", e.getString("escalateAfter"));
        Instant pushedAt = Instant.parse(e.getString("pushedAt"));
        Instant time = Instant.parse(e.getString("time"));
        assertTrue(!time.isBefore(pushedAt.plusSeconds(1)), "not before the delay: " + e);
        // Wait well past both delays: still exactly one for olga, none for otto.
        Thread.sleep(3000);
        assertEquals(
                1,
                receiver.events(unacked.and(x -> offline.equals(x.getString("userId", null))))
                        .size());
        assertEquals(
                List.of(),
                receiver.events(unacked.and(x -> online.equals(x.getString("userId", null)))),
                "otto acknowledged in time");
    }
}
