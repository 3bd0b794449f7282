package io.pushhub.delivery;

import io.pushhub.config.DeliveryPolicy;
import io.pushhub.protocol.Codec;
import io.pushhub.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The outbound queue of one connection, drained by the {@link DeliveryEngine}.
 *
 * <p><b>Guarantees.</b> Frames leave in the order {@link #offer} accepted them (per connection). At most one send is
 * in flight per connection, and sends are asynchronous: no thread ever waits for a client to read. {@link #offer}
 * never blocks and never writes to the network: it queues, and at most hands the connection to the engine's ready
 * queue. Delivery is <i>at most once</i>: what is queued is lost if the connection dies. Several queued messages may
 * leave as one {@code batch} frame (docs/protocol.md); a dropped run of messages (policy {@link
 * DeliveryPolicy#DROP_OLDEST}) is announced by a {@code gap} frame before the next message.
 *
 * <p><b>Bounds.</b> At most {@code maxMessages} frames and {@code maxBytes} bytes wait here, each frame charged its
 * real size ({@link Frame#cost()}), replies included; frames of anonymous connections are also charged to one budget
 * shared by all anonymous connections. Beyond that, {@link DeliveryPolicy#DISCONNECT} refuses the offer ({@link
 * Offer#FULL}: the caller closes the connection), and {@link DeliveryPolicy#DROP_OLDEST} drops the oldest waiting
 * messages to make room. One more frame of at most {@code batchMaxBytes} (or one message, if larger) is in flight.
 *
 * <p><b>Expiry.</b> A message with an expiry ({@link Frame#expiresAt()}) that has passed when its turn to be written
 * comes is dropped unsent and counted ({@code pushhub_messages_expired}); no gap notice is sent for it (its sender
 * asked for that). Only queues holding such messages read the clock, once per write.
 *
 * <p><b>Closing.</b> {@link #close(int, String)} forgets what is queued and closes the transport on the engine's
 * closer threads once no send is in flight (a send ends within the write time-out): a close never waits behind a
 * write.
 *
 * <p><b>Watched messages.</b> A frame with a {@link DeliveryWatch} hears, for this outbox's {@code owner}, that it was
 * queued and then written or dropped (with the reason); frames without one cost nothing extra.
 */
public final class Outbox {

    /** Result of an offer. */
    public enum Offer {
        ACCEPTED,
        /** Accepted after dropping older messages (policy drop-oldest). */
        ACCEPTED_AFTER_DROP,
        /** Queue full under policy disconnect (or the anonymous budget is spent): not queued. */
        FULL,
        CLOSED
    }

    private record Item(Frame frame, int bytes) {}

    /**
     * An anonymous connection with less than this queued is never refused for the shared anonymous budget: clients
     * that keep up hold far less.
     */
    static final int ANONYMOUS_FLOOR_BYTES = 16 * 1024;

    private final DeliveryEngine engine;
    private final Transport transport;
    /** This connection's transport's counts (messages, frames by type, drops, latency). */
    private final DeliveryEngine.Tally tally;

    private final DeliveryEngine.FailureListener onFailure;
    private final int maxMessages;
    private final long maxBytes;
    private final DeliveryPolicy policy;
    /** Budget shared by every anonymous connection, or null for an identified one. */
    private final AtomicLong sharedBudget;

    private final long sharedMax;
    /** What watched frames name as their recipient (the hub's connection); may be null. */
    private final Object owner;
    /** The watched frames of the send in flight, or null: told written or dropped once it ends. */
    private final AtomicReference<List<Frame>> inFlightWatched = new AtomicReference<>();

    private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicInteger pendingGap = new AtomicInteger();
    /** True while the connection is in the engine's ready queue, being drained, or has a send in flight. */
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private final AtomicBoolean failed = new AtomicBoolean();
    private final AtomicBoolean closeIssued = new AtomicBoolean();
    private volatile boolean closed;
    /** When the send in flight started (System.nanoTime), or 0 when none is. */
    private volatile long inFlightSince;

    private volatile int closeCode;
    private volatile String closeReason;
    /** The client is too slow (queue full): its close does not wait for its side of the handshake. */
    private volatile boolean slow;
    /** Graceful shutdown: keep draining after {@link #closed} until the queue is empty, then close. */
    private volatile boolean flushFirst;

    Outbox(
            DeliveryEngine engine,
            Transport transport,
            DeliveryEngine.FailureListener onFailure,
            int maxMessages,
            long maxBytes,
            DeliveryPolicy policy,
            AtomicLong sharedBudget,
            long sharedMax,
            Object owner) {
        this.engine = engine;
        this.owner = owner;
        this.transport = transport;
        this.tally = engine.tally(transport.transportName());
        this.onFailure = onFailure;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.policy = policy;
        this.sharedBudget = sharedBudget;
        this.sharedMax = sharedMax;
    }

    /** Queues a user message (already JSON) that is not timed for the latency histogram. */
    public Offer offer(String text) {
        return offer(Frame.text(text));
    }

    /** Queues a frame, charged its real size. */
    public Offer offer(Frame frame) {
        if (closed) {
            dropped(frame, DeliveryWatch.Drop.CLOSED);
            return Offer.CLOSED;
        }
        int cost = frame.cost();
        // Reserve first, then enqueue: two racing offers can never both take the last slot.
        int n = queued.incrementAndGet();
        long b = queuedBytes.addAndGet(cost);
        if (sharedBudget != null && sharedBudget.addAndGet(cost) > sharedMax && b > ANONYMOUS_FLOOR_BYTES) {
            // All anonymous connections together hold too much, and this one holds more than a reading client ever
            // needs: it is one of those filling the budget. A connection below the floor (a client that keeps up) is
            // never the victim, so the shared bound is sharedMax plus at most the floor per anonymous connection.
            release(cost);
            dropped(frame, DeliveryWatch.Drop.SLOW_CONSUMER);
            return Offer.FULL;
        }
        if (n > maxMessages || b > maxBytes) {
            if (policy == DeliveryPolicy.DISCONNECT) {
                release(cost);
                dropped(frame, DeliveryWatch.Drop.SLOW_CONSUMER);
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
                    dropped(old.frame, DeliveryWatch.Drop.QUEUE_OVERFLOW);
                    dropped++;
                }
                if (queued.get() > maxMessages || queuedBytes.get() > maxBytes) {
                    // This one frame alone is larger than the whole bound: drop it instead.
                    release(cost);
                    dropped(frame, DeliveryWatch.Drop.QUEUE_OVERFLOW);
                    pendingGap.addAndGet(dropped + 1);
                    tally.dropped().add(dropped + 1);
                    schedule();
                    return Offer.ACCEPTED_AFTER_DROP;
                }
                pendingGap.addAndGet(dropped);
                tally.dropped().add(dropped);
                // Enqueue inside the lock too: a drain between the drop and this add would announce the gap after
                // messages that come later than the dropped ones.
                enqueued(frame);
                queue.add(new Item(frame, cost));
            }
            schedule();
            return Offer.ACCEPTED_AFTER_DROP;
        }
        enqueued(frame);
        queue.add(new Item(frame, cost));
        if (closed) {
            // Raced a close: make sure nothing stays charged.
            drop(DeliveryWatch.Drop.CLOSED);
            return Offer.CLOSED;
        }
        schedule();
        return Offer.ACCEPTED;
    }

    private void enqueued(Frame frame) {
        DeliveryWatch w = frame.watch();
        if (w != null) {
            try {
                w.enqueued(owner);
            } catch (RuntimeException e) {
                // a watch only records; it must not break delivery
            }
        }
    }

    private void dropped(Frame frame, DeliveryWatch.Drop reason) {
        DeliveryWatch w = frame.watch();
        if (w != null) {
            try {
                w.dropped(owner, reason);
            } catch (RuntimeException e) {
                // a watch only records; it must not break delivery
            }
        }
    }

    private void written(Frame frame) {
        DeliveryWatch w = frame.watch();
        if (w != null) {
            try {
                w.written(owner);
            } catch (RuntimeException e) {
                // a watch only records; it must not break delivery
            }
        }
    }

    /** Tells the watched frames of the send that just ended (if any, and only once) what became of them. */
    private void sendEnded(boolean ok) {
        List<Frame> watched = inFlightWatched.getAndSet(null);
        if (watched != null) {
            for (Frame f : watched) {
                if (ok) {
                    written(f);
                } else {
                    dropped(f, DeliveryWatch.Drop.SEND_FAILED);
                }
            }
        }
    }

    private void release(int bytes) {
        queued.decrementAndGet();
        queuedBytes.addAndGet(-bytes);
        if (sharedBudget != null) {
            sharedBudget.addAndGet(-bytes);
        }
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            engine.ready(this);
        }
    }

    /** Stops accepting frames and forgets queued ones, without closing the transport. Idempotent. */
    public void close() {
        closed = true;
        drop(slow ? DeliveryWatch.Drop.SLOW_CONSUMER : DeliveryWatch.Drop.CLOSED);
    }

    private void drop(DeliveryWatch.Drop reason) {
        Item item;
        while ((item = queue.poll()) != null) {
            release(item.bytes);
            dropped(item.frame, reason);
        }
    }

    /**
     * Stops accepting frames, forgets queued ones and closes the transport with this code and reason once no send is
     * in flight, on the engine's closer threads. Idempotent: the first code wins.
     */
    public void close(int code, String reason) {
        setCloseReason(code, reason);
        close();
        if (inFlightSince == 0) {
            issueClose();
        }
        // else: the send's completion (or the watchdog, at the write time-out) issues it
    }

    /**
     * As {@link #close(int, String)} for a client that is too slow (its queue is full): the transport is aborted
     * rather than closed with a handshake the client would not complete.
     */
    public void closeSlow(int code, String reason) {
        slow = true;
        close(code, reason);
    }

    /**
     * Stops accepting frames, sends what is already queued, then closes the transport with this code and reason: the
     * graceful shutdown. {@link #close(int, String)} later (at the flush deadline) drops what is still queued.
     */
    public void closeAfterFlush(int code, String reason) {
        setCloseReason(code, reason);
        flushFirst = true;
        closed = true;
        if (drained()) {
            issueClose();
        } else {
            schedule(); // a send in flight finishes its turn and issues the close once everything is out
        }
    }

    private void setCloseReason(int code, String reason) {
        synchronized (closeIssued) {
            if (closeReason == null) {
                closeCode = code;
                closeReason = reason == null ? "" : reason;
            }
        }
    }

    private void issueClose() {
        if (closeReason != null && closeIssued.compareAndSet(false, true)) {
            engine.closeTransport(transport, closeCode, closeReason, slow, failed.get());
        }
    }

    /** Nothing queued and nothing in flight. */
    public boolean drained() {
        return queue.isEmpty() && pendingGap.get() == 0 && inFlightSince == 0;
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

    /** Nanos the send in flight has been running, or -1 when none is. */
    long inFlightNanos(long now) {
        long since = inFlightSince;
        return since == 0 ? -1 : now - since;
    }

    /**
     * Called by one engine worker at a time (guarded by {@link #scheduled}): composes what is queued into one frame
     * (up to {@code batchMax} messages and about {@code batchMaxBytes}) and starts sending it. Returns at once.
     */
    void drain(int batchMax, int batchMaxBytes) {
        if (closed && !flushFirst) {
            scheduled.set(false);
            return;
        }
        List<Frame> batch = new ArrayList<>(Math.min(batchMax, Math.max(1, queued.get())));
        int gap;
        int messages = 0;
        long oldestAccepted = 0; // of the timed messages in this write; they leave in the order they were accepted
        List<Frame> watched = null; // the frames in this write that carry a watch (rare)
        synchronized (this) { // against a concurrent drop-oldest (uncontended otherwise)
            gap = pendingGap.getAndSet(0);
            int max = transport.batches() ? batchMax : 1;
            long bytes = 0;
            long now = 0; // read once, and only when a queued message has an expiry
            Item item;
            while (batch.size() < max && (item = queue.peek()) != null) {
                if (item.frame.expiresAt() != 0) {
                    if (now == 0) {
                        now = System.currentTimeMillis();
                    }
                    if (item.frame.expiredAt(now)) {
                        queue.poll(); // expired while it waited: never sent late
                        release(item.bytes);
                        tally.expired().increment();
                        dropped(item.frame, DeliveryWatch.Drop.EXPIRED);
                        continue;
                    }
                }
                int len = item.frame.text().length();
                if (!batch.isEmpty() && bytes + len > batchMaxBytes) {
                    break; // large messages go alone: a batch never grows past the byte bound by more than one
                }
                queue.poll();
                release(item.bytes);
                batch.add(item.frame);
                if (item.frame.watch() != null) {
                    if (watched == null) {
                        watched = new ArrayList<>(2);
                    }
                    watched.add(item.frame);
                }
                bytes += len;
                if (item.frame.type() == Frame.Type.MESSAGE) {
                    messages++;
                    if (oldestAccepted == 0) {
                        oldestAccepted = item.frame.acceptedNanos();
                    }
                }
            }
        }
        if (batch.isEmpty() && gap == 0) {
            finishTurn();
            if (flushFirst && drained()) {
                issueClose();
            }
            return;
        }
        Frame payload = compose(gap, batch);
        int sentMessages = messages;
        long accepted = oldestAccepted;
        inFlightWatched.set(watched);
        inFlightSince = System.nanoTime();
        engine.sending(this);
        try {
            transport.send(payload, error -> completed(payload.type(), sentMessages, accepted, error));
        } catch (RuntimeException e) {
            completed(payload.type(), sentMessages, accepted, e);
        }
    }

    private void completed(Frame.Type type, int messages, long acceptedNanos, Throwable error) {
        if (inFlightSince == 0) {
            return; // already failed by the watchdog
        }
        inFlightSince = 0;
        engine.sent(this);
        if (error != null) {
            sendEnded(false);
            fail(error);
            issueClose();
            return;
        }
        sendEnded(true);
        tally.written(type, messages, acceptedNanos);
        if (closeReason != null && !flushFirst) {
            scheduled.set(false);
            issueClose();
            return;
        }
        if (!queue.isEmpty() || pendingGap.get() > 0) {
            // Still scheduled: back to the tail of the ready queue (fairness). Starting the next send right here on the
            // container's completion thread was measured (bench burst) and was slower: the workers batch more.
            engine.ready(this);
        } else {
            finishTurn();
            if (closeReason != null) {
                issueClose(); // graceful shutdown: everything is flushed
            }
        }
    }

    /** The watchdog: the send in flight took longer than the write time-out. The client is not reading. */
    void timedOut(Throwable why) {
        if (inFlightSince != 0) {
            inFlightSince = 0;
            engine.sent(this);
            sendEnded(false);
            fail(why);
            issueClose();
        }
    }

    private void finishTurn() {
        scheduled.set(false);
        // An offer may have enqueued after our last poll but before we released the flag; it saw scheduled=true and
        // left, so look again.
        if ((queue.peek() != null || pendingGap.get() > 0)
                && (!closed || flushFirst)
                && scheduled.compareAndSet(false, true)) {
            engine.ready(this);
        }
    }

    private void fail(Throwable cause) {
        closed = true;
        scheduled.set(false);
        drop(DeliveryWatch.Drop.SEND_FAILED);
        if (failed.compareAndSet(false, true)) {
            try {
                onFailure.sendFailed(cause);
            } catch (RuntimeException e) {
                // The listener only cleans up; a failure there must not break the engine.
            }
        }
    }

    /**
     * One frame for what is to be sent: the frame itself when alone, else a batch (with a gap notice first). The batch
     * joins the frames' texts as they are ({@link ServerFrame.Batch}): nothing queued is encoded again.
     */
    static Frame compose(int gap, List<Frame> batch) {
        if (gap == 0 && batch.size() == 1) {
            return batch.get(0);
        }
        if (batch.isEmpty()) {
            return Frame.notice(gapFrame(gap), Frame.Type.GAP);
        }
        List<String> texts = new ArrayList<>(batch.size() + 1);
        if (gap > 0) {
            texts.add(gapFrame(gap));
        }
        for (Frame f : batch) {
            texts.add(f.text());
        }
        return Frame.notice(Codec.encode(new ServerFrame.Batch(texts)), Frame.Type.BATCH);
    }

    static String gapFrame(int missed) {
        return Codec.encode(ServerFrame.gap(missed));
    }
}
