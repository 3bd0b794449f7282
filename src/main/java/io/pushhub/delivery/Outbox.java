package io.pushhub.delivery;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The outbound queue of one connection.
 *
 * <p>Guarantees: frames leave in the order they were accepted by {@link #offer}; at most one send is in flight at a
 * time (so two concurrent pushes can never trigger the container's "already writing" {@code IllegalStateException});
 * {@link #offer} never blocks and never performs I/O on the caller's thread beyond starting an asynchronous send.
 * Delivery is at most once: a frame accepted here is lost if the connection dies before it is written.
 *
 * <p>Bounds: at most {@code maxMessages} frames and {@code maxBytes} (estimated) bytes are queued; an offer beyond
 * either bound is refused with {@link Offer#FULL} and the caller applies the slow-consumer policy.
 */
public final class Outbox {

    /** Performs one asynchronous send; the handler must be called exactly once. */
    @FunctionalInterface
    public interface Sender {
        void send(Object frame, SendHandler done);
    }

    /** Told about a failed send (the connection is then unusable). Called at most once. */
    @FunctionalInterface
    public interface FailureListener {
        void sendFailed(Throwable cause);
    }

    public enum Offer {
        ACCEPTED,
        FULL,
        CLOSED
    }

    private final Sender sender;
    private final FailureListener onFailure;
    private final int maxMessages;
    private final long maxBytes;

    private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final LongAdder sentTotal;
    private volatile boolean closed;

    private record Item(Object frame, int bytes) {}

    /**
     * @param sentTotal incremented once per frame written successfully (shared by all outboxes for metrics)
     */
    public Outbox(Sender sender, FailureListener onFailure, int maxMessages, long maxBytes, LongAdder sentTotal) {
        this.sender = sender;
        this.sentTotal = sentTotal;
        this.onFailure = onFailure;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /**
     * Queues a frame (a pre-encoded {@code String} or an object the session's encoder handles) and starts sending if
     * nothing is in flight.
     *
     * @param estimatedBytes the frame's size for the byte bound (a String's length times two is fine)
     */
    public Offer offer(Object frame, int estimatedBytes) {
        if (closed) {
            return Offer.CLOSED;
        }
        // Reserve room first, then enqueue: two racing offers can never both take the last slot.
        int n = queued.incrementAndGet();
        long b = queuedBytes.addAndGet(estimatedBytes);
        if (n > maxMessages || b > maxBytes) {
            queued.decrementAndGet();
            queuedBytes.addAndGet(-estimatedBytes);
            return Offer.FULL;
        }
        queue.add(new Item(frame, estimatedBytes));
        drain();
        return Offer.ACCEPTED;
    }

    /** Stops accepting frames and forgets queued ones. Idempotent. */
    public void close() {
        closed = true;
        Item item;
        while ((item = queue.poll()) != null) {
            queued.decrementAndGet();
            queuedBytes.addAndGet(-item.bytes);
        }
    }

    public int queuedMessages() {
        return queued.get();
    }

    public long queuedBytes() {
        return queuedBytes.get();
    }

    private void drain() {
        for (; ; ) {
            if (closed || !sending.compareAndSet(false, true)) {
                return;
            }
            Item item = queue.poll();
            if (item == null) {
                sending.set(false);
                // An offer may have enqueued after our poll but before we released the flag; it saw sending=true
                // and left, so we must look again.
                if (queue.peek() == null) {
                    return;
                }
                continue;
            }
            queued.decrementAndGet();
            queuedBytes.addAndGet(-item.bytes);
            Completion completion = new Completion();
            try {
                sender.send(item.frame, completion);
            } catch (RuntimeException e) {
                // The container refused the send outright (session closed under us): same as a failed send.
                completion.onResult(new SendResult(e));
            }
            if (!completion.returnedBeforeCompletion()) {
                // Completed inline on this thread: continue the loop here instead of recursing from the handler.
                continue;
            }
            return;
        }
    }

    private final class Completion implements SendHandler {
        // 0 = pending, 1 = send() returned first (handler will drain), 2 = handler ran first (send() caller drains)
        private final AtomicInteger state = new AtomicInteger();

        @Override
        public void onResult(SendResult result) {
            if (result.isOK()) {
                sentTotal.increment();
            } else if (failed.compareAndSet(false, true)) {
                closed = true;
                try {
                    onFailure.sendFailed(result.getException());
                } catch (RuntimeException e) {
                    // The listener only cleans up; a failure there must not break the sender's thread.
                }
            }
            sending.set(false);
            if (!state.compareAndSet(0, 2)) {
                drain();
            }
        }

        boolean returnedBeforeCompletion() {
            return state.compareAndSet(0, 1);
        }
    }
}
