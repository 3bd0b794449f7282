package io.pushhub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Functional tests of the delivery engine with in-memory transports: ordering, single writer, bounds, both
 * slow-consumer policies, stalled clients and failures. Nothing here measures speed.
 */
class DeliveryEngineTest {

    private DeliveryEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
        }
    }

    private DeliveryEngine engine(int threads, int maxMessages, DeliveryPolicy policy) {
        engine = DeliveryEngine.standalone(
                new DeliveryEngine.Settings(threads, 64, Duration.ofMillis(50), maxMessages, Long.MAX_VALUE, policy));
        return engine;
    }

    /** Records every message it is asked to write (batches unwrapped), optionally blocking until released. */
    static final class RecordingTransport implements Transport {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final AtomicInteger writers = new AtomicInteger();
        final AtomicInteger maxWriters = new AtomicInteger();
        final AtomicInteger frames = new AtomicInteger();
        volatile CountDownLatch gate; // when set, writes wait for it (a client that stopped reading)
        volatile int closedWith = -1;

        @Override
        public void sendBlocking(Object frame) throws Exception {
            int n = writers.incrementAndGet();
            maxWriters.accumulateAndGet(n, Math::max);
            try {
                CountDownLatch g = gate;
                if (g != null) {
                    g.await();
                }
                record((String) frame);
            } finally {
                writers.decrementAndGet();
            }
        }

        @Override
        public void sendAsync(Object frame, Consumer<Throwable> done) {
            Thread t = new Thread(() -> {
                try {
                    sendBlocking(frame);
                    done.accept(null);
                } catch (Exception e) {
                    done.accept(e);
                }
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
            closedWith = code;
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

    /** Waits until a worker is inside the transport's (gated) write, so later offers queue behind it. */
    private static void awaitBlockedWrite(RecordingTransport t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.writers.get() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no write started");
            }
            Thread.onSpinWait();
        }
    }

    private static String msg(String producer, int i) {
        return "{\"type\":\"message\",\"p\":\"" + producer + "\",\"i\":" + i + "}";
    }

    @Test
    void concurrentPushesArriveOnceInProducerOrderWithOneWriterAtATime() throws Exception {
        engine(4, 100_000, DeliveryPolicy.DISCONNECT);
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
                    assertEquals(Outbox.Offer.ACCEPTED, outbox.offer(msg(name, i), 40));
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
        assertEquals(1, t.maxWriters.get(), "never two writes at once on one connection");
        assertTrue(t.frames.get() <= got.size(), "frames " + t.frames.get());
        assertEquals(producers * each, engine.sentMessages());
    }

    @Test
    void aStalledClientDoesNotDelayOthersAndItsQueueFillsUntilItIsRefused() throws Exception {
        // One worker only: without the watchdog's replacement, the stalled write would block everyone.
        engine(1, 50, DeliveryPolicy.DISCONNECT);
        RecordingTransport stalled = new RecordingTransport();
        stalled.gate = new CountDownLatch(1);
        RecordingTransport healthy = new RecordingTransport();
        Outbox stalledBox = engine.newOutbox(stalled, c -> {});
        Outbox healthyBox = engine.newOutbox(healthy, c -> {});

        stalledBox.offer(msg("s", 0), 40); // its worker blocks on this write
        int refusedAt = -1;
        for (int i = 0; i < 60; i++) {
            // Each healthy message is delivered while the stalled client's queue keeps growing behind its stuck write.
            assertEquals(Outbox.Offer.ACCEPTED, healthyBox.offer(msg("h", i), 40), "healthy push " + i);
            assertEquals(List.of(msg("h", i)), healthy.take(1), "healthy delivery " + i);
            Outbox.Offer o = stalledBox.offer(msg("s", i + 1), 40);
            if (o == Outbox.Offer.FULL && refusedAt < 0) {
                refusedAt = i;
            }
        }
        assertTrue(refusedAt >= 0, "the stalled client's queue must fill and refuse (policy disconnect)");
        assertTrue(stalledBox.queuedMessages() <= 50, "bound held: " + stalledBox.queuedMessages());
        assertTrue(engine.stalledConnections() >= 1, "the watchdog noticed the stall");
        stalled.gate.countDown();
    }

    @Test
    void dropOldestKeepsTheNewestAndAnnouncesTheGap() throws Exception {
        engine(1, 10, DeliveryPolicy.DROP_OLDEST);
        RecordingTransport t = new RecordingTransport();
        t.gate = new CountDownLatch(1);
        Outbox box = engine.newOutbox(t, c -> {});
        box.offer(msg("x", 0), 40); // in flight, blocked
        // Wait until the worker has taken message 0, so exactly the next ones queue up.
        awaitBlockedWrite(t);
        for (int i = 1; i <= 25; i++) {
            box.offer(msg("x", i), 40);
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
    void queuedMessagesLeaveAsOneBatchFrame() throws Exception {
        engine(1, 64, DeliveryPolicy.DISCONNECT);
        RecordingTransport t = new RecordingTransport();
        t.gate = new CountDownLatch(1);
        Outbox box = engine.newOutbox(t, c -> {});
        box.offer(msg("b", 0), 40);
        awaitBlockedWrite(t);
        for (int i = 1; i <= 30; i++) {
            box.offer(msg("b", i), 40);
        }
        t.gate.countDown();
        List<String> got = t.take(31);
        assertEquals(msg("b", 30), got.get(30));
        assertEquals(2, t.frames.get(), "one frame for the first message, one batch for the 30 queued behind it");
        assertEquals(2, engine.sentFrames());
        assertEquals(31, engine.sentMessages());
    }

    @Test
    void aFailedWriteIsReportedOnceAndClosesTheOutbox() throws Exception {
        engine(2, 100, DeliveryPolicy.DISCONNECT);
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<Throwable> cause = new AtomicReference<>();
        CountDownLatch failed = new CountDownLatch(1);
        Transport broken = new Transport() {
            @Override
            public void sendBlocking(Object frame) throws Exception {
                throw new IOException("connection reset");
            }

            @Override
            public void sendAsync(Object frame, Consumer<Throwable> done) {
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
        box.offer("{\"type\":\"message\"}", 20);
        assertTrue(failed.await(10, TimeUnit.SECONDS));
        assertEquals(Outbox.Offer.CLOSED, box.offer("{\"type\":\"message\"}", 20));
        assertEquals(1, failures.get());
        assertTrue(cause.get().getMessage().contains("reset"));
    }

    @Test
    void composeFormats() {
        assertEquals("x", Outbox.compose(0, List.of("x")));
        assertEquals("{\"type\":\"batch\",\"messages\":[{\"a\":1},{\"b\":2}]}", Outbox.compose(0, List.of("{\"a\":1}", "{\"b\":2}")));
        assertEquals("{\"type\":\"gap\",\"missed\":3}", Outbox.compose(3, List.of()));
        assertEquals("{\"type\":\"batch\",\"messages\":[{\"type\":\"gap\",\"missed\":2},{\"a\":1}]}",
                Outbox.compose(2, List.of("{\"a\":1}")));
    }
}
