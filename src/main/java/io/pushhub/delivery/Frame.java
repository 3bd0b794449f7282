package io.pushhub.delivery;

import io.pushhub.protocol.ServerFrame;

/**
 * One frame as it leaves for a client: its JSON {@code text} and, for control frames (welcome and the replies ack,
 * error, pong), the {@link ServerFrame} it was encoded from, so a transport that answers commands out of band (SSE) can
 * match replies without parsing the text. Fan-out frames carry only their text ({@code control} null): a push is
 * encoded once and the same string is queued for every recipient. The text is encoded before the frame is queued, so
 * its real size is known and charged.
 */
public record Frame(String text, ServerFrame control) {

    /** A frame already encoded (a push, the same text for every recipient). */
    public static Frame text(String text) {
        return new Frame(text, null);
    }

    /** Bytes this frame holds while queued: the string's worst-case size (two bytes a char) plus object overhead. */
    public int cost() {
        return 2 * text.length() + (control == null ? 48 : 48 + text.length());
    }
}
