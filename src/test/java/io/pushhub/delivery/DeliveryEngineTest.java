package io.pushhub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.config.DeliveryPolicy;
import io.pushhub.protocol.Codec;
import io.pushhub.protocol.ServerFrame;
import io.pushhub.testsupport.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Functional tests of the delivery engine with in-memory asynchronous transports: ordering, one send in flight,
 * bounds, both slow-consumer policies, clients that stop reading (write time-out), closes that never wait behind a
 * write, graceful flush, failures. Nothing here measures speed.
 */
class DeliveryEngineTest {

    private DeliveryEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
        }
    }

    private DeliveryEngine engine(DeliveryEngine.Settings s) {
        engine = DeliveryEngine.standalone(s);
        return engine;
    }

    private DeliveryEngine engine(int maxMessages, DeliveryPolicy policy) {
        return engine(DeliveryEngine.Settings.defaults(policy).withQueue(maxMessages, Long.MAX_VALUE));
    }

    /**
     * An asynchronous transport: each send completes on another thread (as a container's callback does), unless the
     * client "stopped reading" ({@link #stall}), in which case sends never complete. Records every message (batches
     * unwrapped), sends in flight at once, and the close.
     */
    static final class RecordingTransport implements Transport {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final AtomicInteger frames = new AtomicInteger();
        final AtomicInteger started = new AtomicInteger();
        final List<Consumer<Throwable>> parked = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile boolean stall;
        volatile CountDownLatch gate; // when set, completions wait for it (the network is briefly slow)
        final AtomicInteger closedWith = new AtomicInteger(-1);
        volatile boolean closedDuringSend;
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void send(Frame frame, Consumer<Throwable> done) {
            started.incrementAndGet();
            int n = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(n, Math::max);
            if (stall) {
                parked.add(done); // never completes: the client stopped reading and the container has no time-out
                return;
            }
            Thread t = new Thread(() -> {
                try {
                    CountDownLatch g = gate;
                    if (g != null) {
                        g.await();
                    }
                } catch (InterruptedException e) {
                    return;
                }
                record(frame.text());
                inFlight.decrementAndGet();
                done.accept(null);
            });
            t.setDaemon(true);
            t.start();
        }

        private void record(String frame) {
            frames.incrementAndGet();
            JsonObject o = Json.parse(frame);
            if ("batch".equals(o.getString("type"))) {
                o.getJsonArray("messages").getValuesAs(JsonObject.class).forEach(m -> messages.add(m.toString()));
            } else {
                messages.add(frame);
            }
        }

        @Override
        public void close(int code, String reason) {
            if (inFlight.get() > 0 && !stall) {
                closedDuringSend = true;
            }
            closedWith.compareAndSet(-1, code);
            closed.countDown();
        }

        List<String> take(int n) throws InterruptedException {
            List<String> out = new ArrayList<>();
            while (out.size() < n) {
                String m = messages.poll(10, TimeUnit.SECONDS);
                if (m == null) {
                    throw new AssertionError("only " + out.size() + " of " + n + " messages arrived: " + out);
                }
                out.add(m);
            }
            return out;
        }
    }

    /** Waits until a send has started, so later offers queue behind it. */
    private static void awaitSendStarted(RecordingTransport t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.started.get() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no send started");
            }
            Thread.onSpinWait();
        }
    }

    private static String msg(String producer, int i) {
        return "{\"type\":\"message\",\"p\":\"" + producer + "\",\"i\":" + i + "}";
    }

    @Test
    void concurrentPushesArriveOnceInProducerOrderWithOneSendInFlight() throws Exception {
        engine(100_000, DeliveryPolicy.DISCONNECT);
        RecordingTransport t = new RecordingTransport();
        Outbox outbox = engine.newOutbox(t, cause -> {
            throw new AssertionError("unexpected failure", cause);
        });
        int producers = 6;
        int each = 3_000;
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        CountDownLatch go = new CountDownLatch(1);
        for (int p = 0; p < producers; p++) {
            String name = "p" + p;
            pool.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    assertEquals(Outbox.Offer.ACCEPTED, outbox.offer(msg(name, i)));
                }
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        List<String> got = t.take(producers * each);
        int[] next = new int[producers];
        for (String m : got) {
            JsonObject o = Json.parse(m);
            int p = Integer.parseInt(o.getString("p").substring(1));
            assertEquals(next[p]++, o.getInt("i"), "order of producer " + p);
        }
        assertEquals(1, t.maxInFlight.get(), "never two sends in flight on one connection");
        assertTrue(t.frames.get() <= got.size(), "frames " + t.frames.get());
        assertEquals(producers * each, engine.sentMessages());
    }

    @Test
    void clientsThatStopReadingHoldNoThreadDelayNobodyAndAreClosedAtTheWriteTimeout() throws Exception {
        // One worker for 200 stalled clients and one healthy one: a worker that waited for any client would stop all.
        engine(DeliveryEngine.Settings.defaults(DeliveryPolicy.DISCONNECT)
                .withWriteTimeout(Duration.ofMillis(300))
                .withQueue(50, Long.MAX_VALUE));
        int threadsBefore = Thread.activeCount();
        List<RecordingTransport> stalled = new ArrayList<>();
        List<Outbox> stalledBoxes = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < 200; i++) {
            RecordingTransport t = new RecordingTransport();
            t.stall = true;
            stalled.add(t);
            Outbox box = engine.newOutbox(t, c -> failures.incrementAndGet());
            stalledBoxes.add(box);
        }
        RecordingTransport healthy = new RecordingTransport();
        Outbox healthyBox = engine.newOutbox(healthy, c -> {
            throw new AssertionError("healthy client failed", c);
        });
        for (int i = 0; i < 60; i++) {
            for (int s = 0; s < stalledBoxes.size(); s++) {
                Outbox.Offer o = stalledBoxes.get(s).offer(msg("s", i));
                if (o == Outbox.Offer.FULL) {
                    stalledBoxes.get(s).close(1013, "slow consumer"); // what the hub does
                }
            }
            assertEquals(Outbox.Offer.ACCEPTED, healthyBox.offer(msg("h", i)), "healthy push " + i);
            assertEquals(List.of(msg("h", i)), healthy.take(1), "healthy delivery " + i);
        }
        for (Outbox box : stalledBoxes) {
            assertTrue(box.queuedMessages() <= 50, "bound held: " + box.queuedMessages());
        }
        // The send in flight to each stalled client never completes: the watchdog ends it at the write time-out
        // (+ grace), then the close goes out, never while the send was in flight.
        for (RecordingTransport t : stalled) {
            assertTrue(t.closed.await(10, TimeUnit.SECONDS), "every stalled client is closed");
            assertEquals(1, t.maxInFlight.get());
        }
        assertEquals(200, failures.get(), "each stalled client's send failed once (time-out)");
        assertEquals(200, engine.timedOutSends());
        assertEquals(0, engine.sendsInFlight());
        // No thread per stalled client: at most the engine's own few (closers end when idle).
        assertTrue(
                Thread.activeCount() - threadsBefore < 80, "threads: " + threadsBefore + " -> " + Thread.activeCount());
    }

    @Test
    void aCloseWaitsForTheSendInFlightNotTheOtherWayRound() throws Exception {
        engine(100, DeliveryPolicy.DISCONNECT);
        RecordingTransport t = new RecordingTransport();
        t.gate = new CountDownLatch(1);
        Outbox box = engine.newOutbox(t, c -> {});
        box.offer(msg("c", 0));
        awaitSendStarted(t);
        box.offer(msg("c", 1));
        box.close(1013, "slow consumer");
        assertEquals(Outbox.Offer.CLOSED, box.offer(msg("c", 2)));
        assertEquals(0, box.queuedMessages(), "queued messages are forgotten at once");
        assertEquals(1, t.closed.getCount(), "no close while the send is in flight");
        t.gate.countDown();
        assertTrue(t.closed.await(10, TimeUnit.SECONDS));
        assertEquals(1013, t.closedWith.get());
        assertTrue(!t.closedDuringSend);
        assertEquals(List.of(msg("c", 0)), t.take(1), "only what was in flight went out");
    }

    @Test
    void closeAfterFlushSendsWhatIsQueuedThenCloses() throws Exception {
        engine(100, DeliveryPolicy.DISCONNECT);
        RecordingTransport t = new RecordingTransport();
        t.gate = new CountDownLatch(1);
        Outbox box = engine.newOutbox(t, c -> {});
        box.offer(msg("f", 0));
        awaitSendStarted(t);
        for (int i = 1; i <= 5; i++) {
            box.offer(msg("f", i));
        }
        box.closeAfterFlush(1001, "server shutting down");
        assertEquals(Outbox.Offer.CLOSED, box.offer(msg("f", 6)), "nothing new after the shutdown began");
        t.gate.countDown();
        List<String> got = t.take(6);
        assertEquals(msg("f", 5), got.get(5));
        assertTrue(t.closed.await(10, TimeUnit.SECONDS));
        assertEquals(1001, t.closedWith.get());
        assertTrue(box.drained());
    }

    @Test
    void everyFrameIsChargedItsRealSize() {
        engine(DeliveryEngine.Settings.defaults(DeliveryPolicy.DISCONNECT).withQueue(1_000_000, 100_000));
        RecordingTransport t = new RecordingTransport();
        t.stall = true;
        Outbox box = engine.newOutbox(t, c -> {});
        box.offer(msg("x", 0)); // in flight forever
        awaitSendStarted(t);
        ServerFrame reply = ServerFrame.echoed("1", jakarta.json.Json.createValue("x".repeat(30_000)));
        String big = Codec.encode(reply);
        // A 30 KB reply costs 2 bytes a char plus its frame object: the 100 KB bound takes one, not a fixed 256 B each.
        assertEquals(Outbox.Offer.ACCEPTED, box.offer(new Frame(big, reply)));
        assertEquals(Outbox.Offer.FULL, box.offer(new Frame(big, reply)));
        assertTrue(box.queuedBytes() >= 3L * big.length(), "charged " + box.queuedBytes());
    }

    @Test
    void anonymousConnectionsShareOneBudget() {
        engine(DeliveryEngine.Settings.defaults(DeliveryPolicy.DISCONNECT)
                .withQueue(1_000_000, 1_000_000)
                .withAnonymousMaxBytes(150_000));
        String m = "{\"type\":\"message\",\"p\":\"" + "y".repeat(10_000) + "\"}";
        List<Outbox> boxes = new ArrayList<>();
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 10; i++) {
            RecordingTransport t = new RecordingTransport();
            t.stall = true;
            Outbox box = engine.newOutbox(t, c -> {}, true);
            boxes.add(box);
            for (int k = 0; k < 4; k++) {
                if (box.offer(m) == Outbox.Offer.FULL) {
                    refused++;
                } else {
                    accepted++;
                }
            }
        }
        assertTrue(engine.anonymousQueuedBytes() <= 150_000, "shared bound held: " + engine.anonymousQueuedBytes());
        assertTrue(refused > 0 && accepted > 0, "accepted " + accepted + ", refused " + refused);
        // An anonymous client that keeps up (little queued) is never the victim of the others' backlog.
        RecordingTransport reader = new RecordingTransport();
        Outbox readerBox = engine.newOutbox(reader, c -> {}, true);
        for (int i = 0; i < 100; i++) {
            assertEquals(Outbox.Offer.ACCEPTED, readerBox.offer(msg("r", i)), "small message " + i + " to a reader");
        }
        boxes.add(readerBox);
        // An identified client is not limited by the anonymous budget.
        RecordingTransport t = new RecordingTransport();
        t.stall = true;
        Outbox known = engine.newOutbox(t, c -> {});
        known.offer(m);
        awaitSendStarted(t);
        assertEquals(Outbox.Offer.ACCEPTED, known.offer(m));
        // Closing releases the budget (a worker may be between taking a batch and releasing it: give it a moment).
        boxes.forEach(Outbox::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (engine.anonymousQueuedBytes() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, engine.anonymousQueuedBytes());
    }

    @Test
    void dropOldestKeepsTheNewestAndAnnouncesTheGap() throws Exception {
        engine(10, DeliveryPolicy.DROP_OLDEST);
        RecordingTransport t = new RecordingTransport();
        t.gate = new CountDownLatch(1);
        Outbox box = engine.newOutbox(t, c -> {});
        box.offer(msg("x", 0)); // in flight, its completion held back
        awaitSendStarted(t);
        for (int i = 1; i <= 25; i++) {
            box.offer(msg("x", i));
        }
        assertEquals(10, box.queuedMessages(), "bounded at 10");
        t.gate.countDown();
        List<String> got = t.take(12);
        assertEquals(msg("x", 0), got.get(0));
        JsonObject gap = Json.parse(got.get(1));
        assertEquals("gap", gap.getString("type"), "gap notice comes before the next message: " + got);
        assertEquals(15, gap.getInt("missed"), "messages 1..15 were dropped");
        assertEquals(msg("x", 16), got.get(2), "then the newest ten, in order");
        assertEquals(msg("x", 25), got.get(11));
        assertEquals(15, engine.droppedMessages());
    }

    @Test
    void aMessageThatExpiresWhileQueuedIsDroppedUnsentAndCounted() throws Exception {
        engine(100, DeliveryPolicy.DISCONNECT);
        RecordingTransport t = new RecordingTransport();
        t.gate = new CountDownLatch(1);
        Outbox box = engine.newOutbox(t, c -> {});
        box.offer(msg("x", 0)); // in flight, its completion held back: the client is not reading
        awaitSendStarted(t);
        long now = System.currentTimeMillis();
        box.offer(Frame.text(msg("x", 1), now + 100)); // expires while it waits
        box.offer(Frame.text(msg("x", 2), now + 600_000)); // does not
        box.offer(msg("x", 3)); // has no expiry
        Thread.sleep(200);
        t.gate.countDown(); // the client reads again
        List<String> got = t.take(3);
        assertEquals(List.of(msg("x", 0), msg("x", 2), msg("x", 3)), got, "1 expired in the queue");
        assertEquals(1, engine.expiredMessages());
        assertEquals(0, engine.droppedMessages(), "an expiry is not a drop: no gap notice");
        assertTrue(t.messages.isEmpty(), "nothing else: " + t.messages);
    }

    @Test
    void queuedMessagesLeaveAsOneBatchFrameBoundedInBytes() throws Exception {
        engine(1000, DeliveryPolicy.DISCONNECT);
        RecordingTransport t = new RecordingTransport();
        t.gate = new CountDownLatch(1);
        Outbox box = engine.newOutbox(t, c -> {});
        box.offer(msg("b", 0));
        awaitSendStarted(t);
        for (int i = 1; i <= 30; i++) {
            box.offer(msg("b", i));
        }
        t.gate.countDown();
        List<String> got = t.take(31);
        assertEquals(msg("b", 30), got.get(30));
        assertEquals(2, t.frames.get(), "one frame for the first message, one batch for the 30 queued behind it");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (engine.sentMessages() < 31 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the engine counts a frame when its send completes, just after the client has it
        }
        assertEquals(2, engine.sentFrames());
        assertEquals(31, engine.sentMessages());

        // Large messages: a batch stops at about 64 KiB, so each 40 KB message leaves in a frame of its own.
        RecordingTransport big = new RecordingTransport();
        big.gate = new CountDownLatch(1);
        Outbox bigBox = engine.newOutbox(big, c -> {});
        String large = "{\"type\":\"message\",\"p\":\"" + "z".repeat(40_000) + "\"}";
        bigBox.offer(large);
        awaitSendStarted(big);
        for (int i = 0; i < 4; i++) {
            bigBox.offer(large);
        }
        big.gate.countDown();
        big.take(5);
        assertEquals(5, big.frames.get(), "no batch grows past the byte bound");
    }

    @Test
    void aFailedSendIsReportedOnceAndClosesTheOutbox() throws Exception {
        engine(100, DeliveryPolicy.DISCONNECT);
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<Throwable> cause = new AtomicReference<>();
        CountDownLatch failed = new CountDownLatch(1);
        Transport broken = new Transport() {
            @Override
            public void send(Frame frame, Consumer<Throwable> done) {
                done.accept(new IOException("connection reset"));
            }

            @Override
            public void close(int code, String reason) {}
        };
        Outbox box = engine.newOutbox(broken, c -> {
            failures.incrementAndGet();
            cause.set(c);
            failed.countDown();
        });
        box.offer("{\"type\":\"message\"}");
        assertTrue(failed.await(10, TimeUnit.SECONDS));
        assertEquals(Outbox.Offer.CLOSED, box.offer("{\"type\":\"message\"}"));
        assertEquals(1, failures.get());
        assertTrue(cause.get().getMessage().contains("reset"));
    }

    @Test
    void stuckForReportsWorkThatWaitsWithoutProgress() throws Exception {
        // No workers at all: the most stuck an engine can be. Liveness must see it.
        engine(new DeliveryEngine.Settings(
                0, 64, 65536, Duration.ofSeconds(5), 100, 1 << 20, DeliveryPolicy.DISCONNECT, 1 << 20));
        assertEquals(Duration.ZERO, engine.stuckFor(), "nothing waits: not stuck");
        Outbox box = engine.newOutbox(new RecordingTransport(), c -> {});
        box.offer(msg("w", 0));
        Thread.sleep(300);
        assertTrue(engine.stuckFor().toMillis() >= 250, "stuck for " + engine.stuckFor());
        assertEquals(1, engine.readyConnections());
    }

    @Test
    void composeFormats() {
        assertEquals("x", Outbox.compose(0, List.of(Frame.text("x"))).text());
        assertEquals(
                "{\"type\":\"batch\",\"messages\":[{\"a\":1},{\"b\":2}]}",
                Outbox.compose(0, List.of(Frame.text("{\"a\":1}"), Frame.text("{\"b\":2}")))
                        .text());
        assertEquals(
                "{\"type\":\"gap\",\"missed\":3}", Outbox.compose(3, List.of()).text());
        assertEquals(
                "{\"type\":\"batch\",\"messages\":[{\"type\":\"gap\",\"missed\":2},{\"a\":1}]}",
                Outbox.compose(2, List.of(Frame.text("{\"a\":1}"))).text());
    }
}
