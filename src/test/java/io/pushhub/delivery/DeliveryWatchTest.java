package io.pushhub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pushhub.config.DeliveryPolicy;
import io.pushhub.delivery.DeliveryEngineTest.RecordingTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A watched message hears, per recipient, that it was written or dropped and why: the seam receipts and traces stand
 * on. Unwatched frames in the same queues are not reported.
 */
class DeliveryWatchTest {

    private DeliveryEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
        }
    }

    /** Records "owner:event" lines. */
    static final class Log implements DeliveryWatch {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void enqueued(Object owner) {
            events.add(owner + ":enqueued");
        }

        @Override
        public void written(Object owner) {
            events.add(owner + ":written");
        }

        @Override
        public void dropped(Object owner, Drop reason) {
            events.add(owner + ":" + reason.label());
        }

        void await(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (events.size() < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + events);
                }
                Thread.sleep(5);
            }
        }
    }

    private static Frame watched(String text, Log log) {
        return Frame.message("{\"type\":\"message\",\"t\":\"" + text + "\"}", 0).watched(log);
    }

    @Test
    void oneWatchHearsEachRecipientWrittenAndTheSlowOneDropped() throws Exception {
        engine = DeliveryEngine.standalone(
                DeliveryEngine.Settings.defaults(DeliveryPolicy.DISCONNECT).withQueue(2, Long.MAX_VALUE));
        RecordingTransport alice = new RecordingTransport();
        RecordingTransport stalled = new RecordingTransport();
        stalled.stall = true;
        Outbox a = engine.newOutbox(alice, e -> {}, false, "alice");
        Outbox s = engine.newOutbox(stalled, e -> {}, false, "stalled");
        Log log = new Log();
        // The stalled client takes its first frame into a send that never completes, then its queue (2) fills.
        s.offer(Frame.text("{\"type\":\"message\",\"n\":0}"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stalled.started.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        s.offer(Frame.text("{\"type\":\"message\",\"n\":1}"));
        s.offer(Frame.text("{\"type\":\"message\",\"n\":2}"));
        Frame m = watched("hello", log);
        assertEquals(Outbox.Offer.ACCEPTED, a.offer(m));
        assertEquals(Outbox.Offer.FULL, s.offer(m));
        log.await(3);
        assertEquals(
                List.of("alice:enqueued", "alice:written", "stalled:slow_consumer"),
                log.events.stream().sorted().toList());
    }

    @Test
    void expiredAndClosedAndOverflowAreNamed() throws Exception {
        engine = DeliveryEngine.standalone(
                DeliveryEngine.Settings.defaults(DeliveryPolicy.DROP_OLDEST).withQueue(2, Long.MAX_VALUE));
        RecordingTransport t = new RecordingTransport();
        t.stall = true;
        Outbox box = engine.newOutbox(t, e -> {}, false, "c1");
        box.offer(Frame.text("{\"type\":\"message\",\"n\":0}")); // in flight forever
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (t.started.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        Log first = new Log();
        Log second = new Log();
        Log third = new Log();
        box.offer(watched("1", first));
        box.offer(watched("2", second));
        box.offer(watched("3", third)); // queue of 2: the oldest (first) goes
        assertEquals(List.of("c1:enqueued", "c1:queue_overflow"), first.events);
        box.close(1000, "bye");
        assertEquals(List.of("c1:enqueued", "c1:closed"), second.events);
        assertEquals(List.of("c1:enqueued", "c1:closed"), third.events);

        RecordingTransport u = new RecordingTransport();
        Outbox other = engine.newOutbox(u, e -> {}, false, "c2");
        Log expired = new Log();
        Frame gone = new Frame("{\"type\":\"message\"}", null, Frame.Type.MESSAGE, 0, System.currentTimeMillis() - 1)
                .watched(expired);
        other.offer(gone);
        expired.await(2);
        assertEquals(List.of("c2:enqueued", "c2:expired"), expired.events);
    }

    @Test
    void aSendTheWatchdogFailsReportsSendFailed() throws Exception {
        engine = DeliveryEngine.standalone(
                DeliveryEngine.Settings.defaults(DeliveryPolicy.DISCONNECT).withWriteTimeout(Duration.ofMillis(200)));
        RecordingTransport t = new RecordingTransport();
        t.stall = true;
        Outbox box = engine.newOutbox(t, e -> {}, false, "c3");
        Log log = new Log();
        box.offer(watched("x", log));
        log.await(2);
        assertEquals(List.of("c3:enqueued", "c3:send_failed"), log.events);
    }
}
