package io.pushhub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class OutboxTest {

    /** A sender that completes later, on another thread, and checks that sends never overlap. */
    static final class AsyncSender implements Outbox.Sender {
        final ExecutorService io = Executors.newSingleThreadExecutor();
        final List<Object> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        @Override
        public void send(Object frame, SendHandler done) {
            int n = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(n, Math::max);
            io.execute(() -> {
                sent.add(frame);
                inFlight.decrementAndGet();
                done.onResult(new SendResult());
            });
        }
    }

    @Test
    void concurrentOffersAreSentOneAtATimeInPerProducerOrder() throws Exception {
        AsyncSender sender = new AsyncSender();
        LongAdder total = new LongAdder();
        Outbox outbox = new Outbox(sender, t -> {}, 100_000, Long.MAX_VALUE, total);
        int producers = 4;
        int each = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        CountDownLatch go = new CountDownLatch(1);
        for (int p = 0; p < producers; p++) {
            int producer = p;
            pool.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    assertEquals(Outbox.Offer.ACCEPTED, outbox.offer(producer + ":" + i, 10));
                }
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (total.sum() < producers * each && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(producers * each, total.sum(), "all frames sent");
        assertEquals(1, sender.maxInFlight.get(), "never more than one send in flight");
        int[] next = new int[producers];
        for (Object f : sender.sent) {
            String[] parts = ((String) f).split(":");
            int producer = Integer.parseInt(parts[0]);
            assertEquals(next[producer]++, Integer.parseInt(parts[1]), "order of producer " + producer);
        }
        assertEquals(0, outbox.queuedMessages());
        sender.io.shutdown();
    }

    @Test
    void inlineCompletionDoesNotRecurse() {
        // A sender that completes inside send(): 200k frames would overflow the stack if draining recursed.
        LongAdder total = new LongAdder();
        List<Object> sent = new ArrayList<>();
        Outbox outbox = new Outbox((frame, done) -> {
            sent.add(frame);
            done.onResult(new SendResult());
        }, t -> {}, 1_000_000, Long.MAX_VALUE, total);
        for (int i = 0; i < 200_000; i++) {
            outbox.offer("f" + i, 1);
        }
        assertEquals(200_000, total.sum());
        assertEquals("f199999", sent.get(sent.size() - 1));
    }

    @Test
    void boundsByMessagesAndBytes() {
        ConcurrentLinkedQueue<SendHandler> pending = new ConcurrentLinkedQueue<>();
        Outbox byCount = new Outbox((f, done) -> pending.add(done), t -> {}, 3, Long.MAX_VALUE, new LongAdder());
        // First frame goes straight to the (never completing) sender; three more fill the queue.
        for (int i = 0; i < 4; i++) {
            assertEquals(Outbox.Offer.ACCEPTED, byCount.offer("x", 1), "frame " + i);
        }
        assertEquals(Outbox.Offer.FULL, byCount.offer("x", 1));
        assertEquals(3, byCount.queuedMessages());

        Outbox byBytes = new Outbox((f, done) -> pending.add(done), t -> {}, 1000, 100, new LongAdder());
        assertEquals(Outbox.Offer.ACCEPTED, byBytes.offer("in flight", 90));
        assertEquals(Outbox.Offer.ACCEPTED, byBytes.offer("queued", 90));
        assertEquals(Outbox.Offer.FULL, byBytes.offer("too much", 20));
        assertEquals(90, byBytes.queuedBytes());
    }

    @Test
    void aFailedSendReportsOnceAndClosesTheOutbox() {
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<Throwable> cause = new AtomicReference<>();
        Outbox outbox = new Outbox((f, done) -> done.onResult(new SendResult(new IOException("reset"))), t -> {
            failures.incrementAndGet();
            cause.set(t);
        }, 10, 1000, new LongAdder());
        outbox.offer("a", 1);
        assertEquals(Outbox.Offer.CLOSED, outbox.offer("b", 1));
        assertEquals(1, failures.get());
        assertNotNull(cause.get());
    }

    @Test
    void aSenderThatThrowsCountsAsAFailure() {
        AtomicInteger failures = new AtomicInteger();
        Outbox outbox = new Outbox((f, done) -> {
            throw new IllegalStateException("session closed");
        }, t -> failures.incrementAndGet(), 10, 1000, new LongAdder());
        outbox.offer("a", 1);
        assertEquals(1, failures.get());
        assertFalse(outbox.offer("b", 1) == Outbox.Offer.ACCEPTED);
    }
}
