package io.pushhub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.config.DeliveryPolicy;
import io.pushhub.protocol.Codec;
import io.pushhub.protocol.ServerFrame;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the engine counts for the metrics: user messages apart from the other frames, frames by type and transport, and
 * one latency observation per write that carried a timed message.
 */
class DeliveryCountsTest {

    private final DeliveryEngine engine =
            DeliveryEngine.standalone(DeliveryEngine.Settings.defaults(DeliveryPolicy.DISCONNECT));

    @AfterEach
    void stop() {
        engine.stop();
    }

    /** Completes every send at once (on the caller's thread); counts writes; optionally held until released. */
    static final class Sink implements Transport {
        final String name;
        final CountDownLatch writes;
        volatile CountDownLatch gate;

        Sink(String name, int expectedWrites) {
            this.name = name;
            this.writes = new CountDownLatch(expectedWrites);
        }

        @Override
        public String transportName() {
            return name;
        }

        @Override
        public void send(Frame frame, Consumer<Throwable> done) {
            Thread t = new Thread(() -> {
                try {
                    CountDownLatch g = gate;
                    if (g != null) {
                        g.await();
                    }
                } catch (InterruptedException e) {
                    return;
                }
                done.accept(null);
                writes.countDown();
            });
            t.setDaemon(true);
            t.start();
        }

        @Override
        public boolean batches() {
            return !"sse".equals(name); // as the real SSE channel
        }

        @Override
        public void close(int code, String reason) {}
    }

    private static Frame welcome() {
        ServerFrame w = ServerFrame.welcome("c-1", "u", false, new ServerFrame.Limits(1, 1, 1, 1), null);
        return new Frame(Codec.encode(w), w);
    }

    private static Frame ack() {
        ServerFrame a = ServerFrame.subscribed("1", "news", null, null);
        return new Frame(Codec.encode(a), a);
    }

    private static void awaitCount(long expected, java.util.function.LongSupplier actual) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (actual.getAsLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5); // counted just after the completion callback ran
        }
        assertEquals(expected, actual.getAsLong());
    }

    @Test
    void messagesAndControlFramesAreCountedApartPerTransport() throws Exception {
        List<Long> latencies = new CopyOnWriteArrayList<>();
        for (DeliveryEngine.Tally t : engine.tallies()) {
            t.latencyTo(latencies::add);
        }
        Sink ws = new Sink("websocket", 2);
        Sink sse = new Sink("sse", 3);
        Outbox wsBox = engine.newOutbox(ws, e -> {});
        Outbox sseBox = engine.newOutbox(sse, e -> {});
        for (Outbox box : List.of(wsBox, sseBox)) {
            box.offer(welcome());
        }
        DeliveryEngine.Tally w = engine.tally("websocket");
        DeliveryEngine.Tally s = engine.tally("sse");
        awaitCount(1, () -> w.frames(Frame.Type.WELCOME).sum()); // the welcome goes alone, as on a real connection
        for (Outbox box : List.of(wsBox, sseBox)) {
            box.offer(ack());
            box.offer(Frame.message("{\"type\":\"message\",\"data\":1}", System.nanoTime()));
        }
        wsBox.offer(Frame.notice("{\"type\":\"presence\"}", Frame.Type.PRESENCE));
        assertTrue(sse.writes.await(10, TimeUnit.SECONDS), "sse writes");
        assertTrue(ws.writes.await(10, TimeUnit.SECONDS), "websocket writes");
        awaitCount(1, () -> s.messages().sum());
        awaitCount(1, () -> w.messages().sum());
        assertEquals(1, w.frames(Frame.Type.WELCOME).sum(), "welcome on the websocket");
        assertEquals(1, s.frames(Frame.Type.WELCOME).sum(), "welcome on sse");
        assertEquals(1, s.frames(Frame.Type.ACK).sum(), "sse never batches: the ack is a frame of its own");
        assertEquals(1, s.frames(Frame.Type.MESSAGE).sum());
        assertEquals(0, s.frames(Frame.Type.PRESENCE).sum());
        assertEquals(2, engine.sentMessages(), "welcome, ack and presence are frames, not messages");
        // Each of the two messages was written once; each write carrying one was timed once.
        awaitCount(2, () -> latencies.size());
        for (long nanos : latencies) {
            assertTrue(nanos > 0 && nanos < TimeUnit.SECONDS.toNanos(10), "latency " + nanos);
        }
    }

    @Test
    void aBatchIsOneFrameOfTypeBatchTimedOnceFromItsOldestMessage() throws Exception {
        List<Long> latencies = new CopyOnWriteArrayList<>();
        engine.tally("websocket").latencyTo(latencies::add);
        Sink ws = new Sink("websocket", 2);
        ws.gate = new CountDownLatch(1);
        Outbox box = engine.newOutbox(ws, e -> {});
        box.offer(Frame.message("{\"type\":\"message\",\"i\":0}", System.nanoTime()));
        Thread.sleep(50); // the first send is in flight (held); the next ones queue behind it
        box.offer(Frame.message("{\"type\":\"message\",\"i\":1}", System.nanoTime()));
        Thread.sleep(40); // message 1 is 40 ms older than the rest of its batch
        for (int i = 2; i <= 5; i++) {
            box.offer(Frame.message("{\"type\":\"message\",\"i\":" + i + "}", System.nanoTime()));
        }
        box.offer(ack());
        ws.gate.countDown();
        assertTrue(ws.writes.await(10, TimeUnit.SECONDS));
        DeliveryEngine.Tally t = engine.tally("websocket");
        awaitCount(6, () -> t.messages().sum());
        assertEquals(1, t.frames(Frame.Type.MESSAGE).sum(), "the first message alone");
        assertEquals(1, t.frames(Frame.Type.BATCH).sum(), "five messages and an ack in one batch frame");
        assertEquals(0, t.frames(Frame.Type.ACK).sum(), "an ack inside a batch is not a frame of its own");
        awaitCount(2, () -> latencies.size());
        assertTrue(
                latencies.get(0) >= TimeUnit.MILLISECONDS.toNanos(50),
                "the first write waited for the gate: " + latencies.get(0));
        assertTrue(
                latencies.get(1) >= TimeUnit.MILLISECONDS.toNanos(40),
                "the batch is timed from its oldest message: " + latencies.get(1));
    }
}
