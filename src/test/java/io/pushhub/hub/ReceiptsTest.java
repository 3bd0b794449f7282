package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.DeliveryReceipts.Recipient;
import io.pushhub.DeliveryReceipts.Sheet;
import io.pushhub.DeliveryReceipts.State;
import io.pushhub.Push;
import io.pushhub.PushResult;
import io.pushhub.Target;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery receipts in a whole hub without a server: what the message frame says, what an acknowledgement does, the
 * retract of collapseOnAck, drops with their reason, and what a hostile client's acknowledgements cost.
 */
class ReceiptsTest {

    private HubHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    /** As HubPusher does it. */
    private String push(Push push) {
        String id = h.hub.relay().nextMessageId();
        h.hub.receipts().reserve(push);
        PushResult r = h.hub.relay().push(push, id);
        h.hub.receipts().accepted(push, id, r);
        return id;
    }

    private Sheet sheet(String messageId) {
        return h.hub.receiptsOf(messageId).toCompletableFuture().join().orElseThrow();
    }

    private static Map<String, Recipient> byConnection(Sheet s) {
        return s.recipients().stream().collect(Collectors.toMap(Recipient::connection, Function.identity()));
    }

    /** Waits until the sheet says what the test expects (writes complete on the network thread). */
    private Sheet awaitSheet(String messageId, java.util.function.Predicate<Sheet> ok) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Sheet s = sheet(messageId);
        while (!ok.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("receipts never got there: " + s);
            }
            Thread.sleep(10);
            s = sheet(messageId);
        }
        return s;
    }

    @Test
    void oneTabAcknowledgesTheOtherShowsWrittenAndOnlyReceiptMessagesAskForIt() throws Exception {
        h = new HubHarness(Map.of());
        HubHarness.Client a = h.open("alice");
        HubHarness.Client b = h.open("alice");
        String plain = push(Push.to(Target.user("alice"), Json.createValue("plain")));
        String tracked =
                push(Push.to(Target.user("alice"), Json.createValue("tracked")).withReceipt());

        JsonObject first = a.awaitMessage();
        assertEquals(plain, first.getString("messageId"));
        assertFalse(first.containsKey("receipt"), "an untracked push asks nothing: " + first);
        JsonObject second = a.awaitMessage();
        assertEquals(tracked, second.getString("messageId"));
        assertTrue(second.getBoolean("receipt"), "the frame asks for a receipt: " + second);
        b.awaitMessage();
        b.awaitMessage();

        a.send("{\"type\":\"received\",\"messageId\":\"" + tracked + "\"}");
        Sheet s = awaitSheet(tracked, x -> x.recipients().stream().anyMatch(r -> r.acknowledgedAt() != null));
        Map<String, Recipient> rows = byConnection(s);
        assertEquals(State.ACKNOWLEDGED, rows.get(a.id()).state(), s.toString());
        assertEquals(State.WRITTEN, rows.get(b.id()).state(), s.toString());
        assertEquals("alice", rows.get(b.id()).user());
        assertEquals(h.hub.nodeId(), rows.get(b.id()).node());
        assertTrue(s.pushedAt() > 0);
        assertTrue(h.hub.receiptsOf(plain).toCompletableFuture().join().isEmpty(), "no receipts without asking");
        assertTrue(b.messages().stream().noneMatch(f -> "retract".equals(f.getString("type"))), "no collapse asked");
    }

    @Test
    void collapseOnAckRetractsOnTheOtherConnectionsOfTheUserOnly() throws Exception {
        h = new HubHarness(Map.of());
        HubHarness.Client a = h.open("alice");
        HubHarness.Client b = h.open("alice");
        HubHarness.Client c = h.open("alice");
        HubHarness.Client bob = h.open("bob");
        String id = push(Push.to(Target.users(List.of("alice", "bob")), Json.createValue("hi"))
                .withCollapseOnAck());
        for (HubHarness.Client x : List.of(a, b, c, bob)) {
            x.awaitMessage();
        }
        c.send("{\"type\":\"received\",\"messageId\":\"" + id + "\"}"); // c handled it first
        for (HubHarness.Client other : List.of(a, b)) {
            JsonObject retract = other.await("retract", f -> "retract".equals(f.getString("type")));
            assertEquals(id, retract.getString("messageId"));
        }
        // a acknowledged too late: it was retracted, so nothing more happens (no second round of retracts)
        a.send("{\"type\":\"received\",\"messageId\":\"" + id + "\",\"id\":\"late\"}");
        assertEquals(
                "received",
                a.await("ack", f -> "late".equals(f.getString("id", null))).getString("for"));
        for (HubHarness.Client x : List.of(c, bob)) {
            x.request("ping", "");
            assertTrue(x.seen.stream().noneMatch(f -> "retract".equals(f.getString("type"))), x.seen.toString());
        }
        Map<String, Recipient> rows = byConnection(sheet(id));
        assertEquals(State.ACKNOWLEDGED, rows.get(c.id()).state());
        assertNull(rows.get(a.id()).acknowledgedAt(), "a retracted message cannot be acknowledged any more");
        assertEquals(State.WRITTEN, rows.get(bob.id()).state(), "bob is another user: his copy stays");
    }

    @Test
    void aConnectionThatClosesWithTheMessageQueuedShowsItDroppedWithTheReason() throws Exception {
        // The close waits for the write in flight, which never completes: the write time-out ends it.
        h = new HubHarness(Map.of("pushhub.delivery.write-timeout", "PT1S"));
        HubHarness.Client healthy = h.open("alice");
        HubHarness.Client stalled = h.open("alice");
        stalled.request("ping", "");
        stalled.stalled = true; // stops reading: its sends never complete
        String blocker = push(
                Push.to(Target.user("alice"), Json.createValue("in flight")).withReceipt());
        String queued =
                push(Push.to(Target.user("alice"), Json.createValue("queued")).withReceipt());
        healthy.awaitMessage();
        healthy.awaitMessage();
        h.hub.disconnect(stalled.connection, 1000, "bye");
        Sheet s = awaitSheet(queued, x -> byConnection(x).get(stalled.id()).droppedAt() != null);
        Recipient r = byConnection(s).get(stalled.id());
        assertEquals(State.DROPPED, r.state());
        // closed when it still waited; send_failed when the engine had batched it into the write that timed out
        assertTrue(List.of("closed", "send_failed").contains(r.reason()), s.toString());
        assertEquals(State.WRITTEN, byConnection(s).get(healthy.id()).state());
        Sheet b = awaitSheet(blocker, x -> byConnection(x).get(stalled.id()).droppedAt() != null);
        assertNull(byConnection(b).get(stalled.id()).writtenAt(), "never written: " + b);
        assertEquals("send_failed", byConnection(b).get(stalled.id()).reason(), "the write in flight timed out: " + b);
    }

    @Test
    void acknowledgementsOfAHostileClientCostABoundedMapAndReachNoOne() throws Exception {
        h = new HubHarness(Map.of("pushhub.ws.rate.per-second", "100000", "pushhub.ws.rate.burst", "100000"));
        HubHarness.Client mallory = h.open("mallory");
        HubHarness.Client alice = h.open("alice");
        HubHarness.Client alice2 = h.open("alice");
        String alicesMessage =
                push(Push.to(Target.user("alice"), Json.createValue("x")).withCollapseOnAck());
        alice.awaitMessage();
        // mallory acknowledges alice's message and thousands of made-up ones
        mallory.send("{\"type\":\"received\",\"messageId\":\"" + alicesMessage + "\"}");
        for (int i = 0; i < 5000; i++) {
            mallory.send("{\"type\":\"received\",\"messageId\":\"m-made-up-" + i + "\"}");
        }
        mallory.request("ping", "");
        assertTrue(mallory.seen.stream().noneMatch(f -> "error".equals(f.getString("type"))), "ignored silently");
        assertNull(mallory.connection.unacked, "nothing was remembered for mallory");
        alice2.request("ping", "");
        assertTrue(alice2.seen.stream().noneMatch(f -> "retract".equals(f.getString("type"))), "no retract");
        assertTrue(byConnection(sheet(alicesMessage)).values().stream().allMatch(r -> r.acknowledgedAt() == null));
        assertEquals(5001, h.hub.receipts().ignoredAcks.sum());

        // a client that never acknowledges: the messages remembered for it stay bounded
        for (int i = 0; i < Receipts.MAX_UNACKED_PER_CONNECTION + 100; i++) {
            push(Push.to(Target.user("mallory"), Json.createValue(i)).withReceipt());
        }
        mallory.request("ping", "");
        assertEquals(Receipts.MAX_UNACKED_PER_CONNECTION, mallory.connection.unacked.size());
    }

    @Test
    void aBadReceivedFrameGetsAnErrorNamingTheField() throws Exception {
        h = new HubHarness(Map.of());
        HubHarness.Client a = h.open("alice");
        JsonObject e = a.request("received", "\"messageId\":42");
        assertEquals("error", e.getString("type"));
        assertEquals("missing_field", e.getString("code"));
        assertTrue(e.getString("message").contains("messageId"), e.toString());
    }
}
