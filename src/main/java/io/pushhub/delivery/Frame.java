package io.pushhub.delivery;

/**
 * One frame as it leaves for a client: its JSON {@code text} and, for control frames (welcome, ack, error, pong), the
 * frame object it was encoded from, so a transport that answers commands out of band (SSE) can match replies. The
 * text is encoded once, when the frame is queued, so its real size is known and charged.
 */
public record Frame(String text, Object control) {

    public static Frame text(String text) {
        return new Frame(text, null);
    }

    /** Bytes this frame holds while queued: the string's worst-case size (two bytes a char) plus object overhead. */
    public int cost() {
        return 2 * text.length() + (control == null ? 48 : 48 + text.length());
    }
}
