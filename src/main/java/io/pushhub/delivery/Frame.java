package io.pushhub.delivery;

import io.pushhub.protocol.ServerFrame;
import java.util.Locale;

/**
 * One frame as it leaves for a client: its JSON {@code text}; for control frames (welcome and the replies ack, error,
 * pong), the {@link ServerFrame} it was encoded from, so a transport that answers commands out of band (SSE) can match
 * replies without parsing the text; its protocol {@code type} (what the metrics count it as); and for a user message,
 * when the hub on this node accepted it ({@code acceptedNanos}, {@link System#nanoTime()}; 0 when not timed), from which
 * the engine measures the push-to-write latency. Fan-out frames carry no {@code control}: a push is encoded once, and
 * the same frame is queued for every recipient. The text is encoded before the frame is queued, so its real size is
 * known and charged. A user message may carry {@code expiresAt} (epoch ms; 0: never): the engine drops it, unsent, once
 * that has passed (counted as expired), and only frames that have one cost the engine a clock read. A user message may
 * carry a {@link DeliveryWatch} (null for most): the outbox tells it, per recipient, whether the message was written or
 * dropped and why (receipts, traces).
 */
public record Frame(
        String text, ServerFrame control, Type type, long acceptedNanos, long expiresAt, DeliveryWatch watch) {

    /** The protocol type of a frame, as the {@code type} label of {@code pushhub_frames_sent_total}. */
    public enum Type {
        WELCOME,
        ACK,
        ERROR,
        PONG,
        /** A user message (a push, a client publish, a history replay). */
        MESSAGE,
        PRESENCE,
        GAP,
        /** Several frames coalesced into one write. */
        BATCH,
        OTHER;

        private final String label = name().toLowerCase(Locale.ROOT);

        /** The label value: the frame's {@code type} on the wire. */
        public String label() {
            return label;
        }

        static Type of(ServerFrame control) {
            if (control instanceof ServerFrame.Welcome) {
                return WELCOME;
            } else if (control instanceof ServerFrame.Ack) {
                return ACK;
            } else if (control instanceof ServerFrame.Error) {
                return ERROR;
            } else if (control instanceof ServerFrame.Pong) {
                return PONG;
            }
            return OTHER;
        }
    }

    /** A frame without a watch. */
    public Frame(String text, ServerFrame control, Type type, long acceptedNanos, long expiresAt) {
        this(text, control, type, acceptedNanos, expiresAt, null);
    }

    /** A control frame (welcome, ack, error, pong) with the record it was encoded from. */
    public Frame(String text, ServerFrame control) {
        this(text, control, Type.of(control), 0, 0);
    }

    /** This frame with {@code w} told what becomes of it, recipient by recipient; {@code w} may be null. */
    public Frame watched(DeliveryWatch w) {
        return w == watch ? this : new Frame(text, control, type, acceptedNanos, expiresAt, w);
    }

    /** A user message without a latency measurement (e.g. a history replay). */
    public static Frame text(String text) {
        return new Frame(text, null, Type.MESSAGE, 0, 0);
    }

    /** A user message without a latency measurement that expires at {@code expiresAt} (epoch ms; 0: never). */
    public static Frame text(String text, long expiresAt) {
        return new Frame(text, null, Type.MESSAGE, 0, expiresAt);
    }

    /** A user message the hub on this node accepted at {@code acceptedNanos} ({@link System#nanoTime()}). */
    public static Frame message(String text, long acceptedNanos) {
        return new Frame(text, null, Type.MESSAGE, acceptedNanos, 0);
    }

    /** As {@link #message(String, long)}, expiring at {@code expiresAt} (epoch ms; 0: never). */
    public static Frame message(String text, long acceptedNanos, long expiresAt) {
        return new Frame(text, null, Type.MESSAGE, acceptedNanos, expiresAt);
    }

    /** Whether this frame has an expiry and it has passed at {@code nowMillis}. */
    public boolean expiredAt(long nowMillis) {
        return expiresAt != 0 && nowMillis >= expiresAt;
    }

    /** A notice the hub generates itself (presence, gap): not a user message. */
    public static Frame notice(String text, Type type) {
        return new Frame(text, null, type, 0, 0);
    }

    /** Bytes this frame holds while queued: the string's worst-case size (two bytes a char) plus object overhead. */
    public int cost() {
        return 2 * text.length() + (control == null ? 48 : 48 + text.length());
    }
}
