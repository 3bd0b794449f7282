package io.pushhub.delivery;

import java.util.Locale;

/**
 * What became of one user message on this node, recipient by recipient: the seam through which delivery receipts and
 * the per-message trace learn that a queued message was written to a connection's socket or dropped, and why.
 *
 * <p>A message carries a watch ({@link Frame#watch()}) only when someone asked for it (a push with receipts, a traced
 * push); every other frame has none, and the engine then pays one null check per frame. The same watch is shared by
 * every recipient of the message on this node (the frame is queued once per recipient), so every method names the
 * recipient: the {@code owner} its {@link Outbox} was created with (for the hub, its {@code Connection}), or null for an
 * outbox created without one.
 *
 * <p><b>Threads.</b> The methods run on whatever thread made the transition: a pusher's ({@link #enqueued}, a refused
 * offer, a drop-oldest), a delivery worker's (expiry), the container's send completion ({@link #written}, a failed
 * send) or the closer's. They must return at once, never block and never throw; a throw is ignored. Each recipient gets
 * exactly one of {@link #written} or {@link #dropped} for each frame queued for it (after its {@link #enqueued}), or
 * one {@link #dropped} when the offer itself was refused.
 */
public interface DeliveryWatch {

    /** Why a message did not reach a recipient's socket. */
    enum Drop {
        /** Its expiry passed while it waited in the queue. */
        EXPIRED("expired while queued"),
        /** The queue was full and policy drop-oldest dropped it to make room. */
        QUEUE_OVERFLOW("dropped from a full queue (drop-oldest)"),
        /** The queue was full and policy disconnect closed the slow consumer's connection. */
        SLOW_CONSUMER("slow consumer: queue full, disconnected"),
        /** The write failed or timed out (the client stopped reading), and the connection was closed. */
        SEND_FAILED("the write to the socket failed or timed out"),
        /** The connection closed before its turn came. */
        CLOSED("the connection closed before it was written");

        private final String words;

        Drop(String words) {
            this.words = words;
        }

        /** Lower case, as in JSON answers and metric labels: {@code slow_consumer}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** In plain words, for a trace. */
        public String words() {
            return words;
        }
    }

    /** The message was queued for {@code owner}. */
    default void enqueued(Object owner) {}

    /** The message was written to {@code owner}'s socket (the container completed the send). */
    void written(Object owner);

    /** The message will not reach {@code owner}. */
    void dropped(Object owner, Drop reason);

    /** Calls {@code a} then {@code b}; either may be null. */
    static DeliveryWatch both(DeliveryWatch a, DeliveryWatch b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return new DeliveryWatch() {
            @Override
            public void enqueued(Object owner) {
                a.enqueued(owner);
                b.enqueued(owner);
            }

            @Override
            public void written(Object owner) {
                a.written(owner);
                b.written(owner);
            }

            @Override
            public void dropped(Object owner, Drop reason) {
                a.dropped(owner, reason);
                b.dropped(owner, reason);
            }
        };
    }
}
