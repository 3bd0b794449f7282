package io.pushhub.delivery;

import io.pushhub.protocol.Codec;
import io.pushhub.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbound queue of one connection, drained by the {@link DeliveryEngine}.
 *
 * <p><b>Guarantees.</b> Frames leave in the order {@link #offer} accepted them (per connection). At most one send is
 * in flight per connection, so overlapping pushes never hit the container's "already writing" {@code
 * IllegalStateException}. {@link #offer} never blocks and never writes to the network: it queues, and at most hands the
 * connection to the engine's ready queue. Delivery is <i>at most once</i>: what is queued is lost if the connection
 * dies. Several queued messages may leave as one {@code batch} frame (docs/protocol.md); a dropped run of messages
 * (policy {@link DeliveryPolicy#DROP_OLDEST}) is announced by a {@code gap} frame before the next message.
 *
 * <p><b>Bounds.</b> At most {@code maxMessages} frames and {@code maxBytes} (estimated) bytes wait here. Beyond that,
 * {@link DeliveryPolicy#DISCONNECT} refuses the offer ({@link Offer#FULL}: the caller closes the connection), and
 * {@link DeliveryPolicy#DROP_OLDEST} drops the oldest waiting messages to make room.
 */
public final class Outbox {

    /** Result of an offer. */
    public enum Offer {
        ACCEPTED,
        /** Accepted after dropping older messages (policy drop-oldest). */
        ACCEPTED_AFTER_DROP,
        /** Queue full under policy disconnect: not queued. */
        FULL,
        CLOSED
    }

    private record Item(Object frame, int bytes) {}

    private final DeliveryEngine engine;
    private final Transport transport;
    private final DeliveryEngine.FailureListener onFailure;
    private final int maxMessages;
    private final long maxBytes;
    private final DeliveryPolicy policy;

    private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicInteger pendingGap = new AtomicInteger();
    /** True while the connection is in the engine's ready queue, being drained, or has an async send in flight. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();
    private volatile boolean closed;
    /**
     * Set by the engine's watchdog once a blocking send to this connection stalled: sends are then asynchronous until
     * one completes quickly with nothing else queued.
     */
    volatile boolean asyncMode;

    Outbox(DeliveryEngine engine, Transport transport, DeliveryEngine.FailureListener onFailure, int maxMessages,
            long maxBytes, DeliveryPolicy policy) {
        this.engine = engine;
        this.transport = transport;
        this.onFailure = onFailure;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.policy = policy;
    }

    /**
     * Queues a frame: a pre-encoded {@code String} (fan-out: the same instance for every recipient) or a {@link
     * ServerFrame} (control frames, encoded by the endpoint's encoder when sent alone).
     *
     * @param estimatedBytes the frame's size for the byte bound
     */
    public Offer offer(Object frame, int estimatedBytes) {
        if (closed) {
            return Offer.CLOSED;
        }
        // Reserve first, then enqueue: two racing offers can never both take the last slot.
        int n = queued.incrementAndGet();
        long b = queuedBytes.addAndGet(estimatedBytes);
        if (n > maxMessages || b > maxBytes) {
            if (policy == DeliveryPolicy.DISCONNECT) {
                release(estimatedBytes);
                return Offer.FULL;
            }
            // Dropping from the head and counting the gap happen under the lock the drain polls under, so the gap
            // notice always lands exactly where the dropped messages were in the stream.
            synchronized (this) {
                int dropped = 0;
                while (queued.get() > maxMessages || queuedBytes.get() > maxBytes) {
                    Item old = queue.poll();
                    if (old == null) {
                        break;
                    }
                    release(old.bytes);
                    dropped++;
                }
                if (queued.get() > maxMessages || queuedBytes.get() > maxBytes) {
                    // This one frame alone is larger than the whole bound: drop it instead.
                    release(estimatedBytes);
                    pendingGap.addAndGet(dropped + 1);
                    engine.countDropped(dropped + 1);
                    schedule();
                    return Offer.ACCEPTED_AFTER_DROP;
                }
                pendingGap.addAndGet(dropped);
                engine.countDropped(dropped);
                // Enqueue inside the lock too: a drain between the drop and this add would announce the gap after
                // messages that come later than the dropped ones.
                queue.add(new Item(frame, estimatedBytes));
            }
            schedule();
            return Offer.ACCEPTED_AFTER_DROP;
        }
        queue.add(new Item(frame, estimatedBytes));
        schedule();
        return Offer.ACCEPTED;
    }

    private void release(int bytes) {
        queued.decrementAndGet();
        queuedBytes.addAndGet(-bytes);
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            engine.ready(this);
        }
    }

    /** Stops accepting frames and forgets queued ones. Idempotent. */
    public void close() {
        closed = true;
        Item item;
        while ((item = queue.poll()) != null) {
            release(item.bytes);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    public int queuedMessages() {
        return queued.get();
    }

    public long queuedBytes() {
        return queuedBytes.get();
    }

    /**
     * Called by one engine worker at a time (guarded by {@link #scheduled}): sends what is queued, up to {@code
     * batchMax} messages in one frame. With a blocking transport this returns when the frame is written.
     */
    void drain(int batchMax) {
        if (closed) {
            scheduled.set(false);
            return;
        }
        List<Object> batch = new ArrayList<>(Math.min(batchMax, Math.max(1, queued.get())));
        int gap;
        synchronized (this) { // against a concurrent drop-oldest (uncontended otherwise)
            gap = pendingGap.getAndSet(0);
            Item item;
            int max = transport.batches() ? batchMax : 1;
            while (batch.size() < max && (item = queue.poll()) != null) {
                release(item.bytes);
                batch.add(item.frame);
            }
        }
        if (batch.isEmpty() && gap == 0) {
            finishTurn();
            return;
        }
        Object payload = compose(gap, batch);
        int messages = batch.size();
        if (asyncMode) {
            long started = System.nanoTime();
            try {
                transport.sendAsync(payload, error -> {
                    if (error != null) {
                        fail(error);
                        return;
                    }
                    engine.countSent(messages);
                    // A stall can be the server's own hiccup (GC pause, CPU starvation), not the client: once the
                    // client keeps up again (a quick write and nothing waiting), go back to the cheaper blocking path.
                    if (System.nanoTime() - started < engine.recoveryThresholdNanos() && queue.peek() == null) {
                        asyncMode = false;
                    }
                    afterSend();
                });
            } catch (RuntimeException e) {
                fail(e);
            }
            return;
        }
        try {
            transport.sendBlocking(payload);
        } catch (Exception e) {
            fail(e);
            return;
        }
        engine.countSent(messages);
        afterSend();
    }

    private void afterSend() {
        if (queue.peek() != null || pendingGap.get() > 0) {
            engine.ready(this); // still scheduled: back to the tail of the ready queue (fairness)
        } else {
            finishTurn();
        }
    }

    private void finishTurn() {
        scheduled.set(false);
        // An offer may have enqueued after our last poll but before we released the flag; it saw scheduled=true and
        // left, so look again.
        if ((queue.peek() != null || pendingGap.get() > 0) && !closed && scheduled.compareAndSet(false, true)) {
            engine.ready(this);
        }
    }

    private void fail(Throwable cause) {
        closed = true;
        scheduled.set(false);
        if (failed.compareAndSet(false, true)) {
            try {
                onFailure.sendFailed(cause);
            } catch (RuntimeException e) {
                // The listener only cleans up; a failure there must not break the engine's worker.
            }
        }
    }

    /** One frame for what is to be sent: the frame itself when alone, else a batch (with a gap notice first). */
    static Object compose(int gap, List<Object> batch) {
        if (gap == 0 && batch.size() == 1) {
            return batch.get(0);
        }
        StringBuilder sb = new StringBuilder(64 + 128 * batch.size());
        if (batch.isEmpty()) {
            return gapFrame(gap);
        }
        sb.append("{\"type\":\"batch\",\"messages\":[");
        boolean first = true;
        if (gap > 0) {
            sb.append(gapFrame(gap));
            first = false;
        }
        for (Object f : batch) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(f instanceof String s ? s : Codec.encode((ServerFrame) f));
        }
        return sb.append("]}").toString();
    }

    static String gapFrame(int missed) {
        return "{\"type\":\"gap\",\"missed\":" + missed + "}";
    }
}
