package io.pushhub.hub;

import java.time.Instant;

/**
 * What an idempotency key holds, as text in the broker: {@code m|<messageId>} for a push made at once, {@code
 * s|<scheduledId>|<messageId>|<at>} for a push scheduled for later, so a repeat on any node answers like the first.
 *
 * @param scheduledId null for a push made at once
 * @param at null for a push made at once
 */
record ClaimValue(String messageId, String scheduledId, Instant at) {

    static ClaimValue pushed(String messageId) {
        return new ClaimValue(messageId, null, null);
    }

    static ClaimValue scheduled(String scheduledId, String messageId, Instant at) {
        return new ClaimValue(messageId, scheduledId, at);
    }

    boolean isScheduled() {
        return scheduledId != null;
    }

    String encode() {
        return isScheduled() ? "s|" + scheduledId + "|" + messageId + "|" + at : "m|" + messageId;
    }

    /** Parses {@link #encode()}; a value of another form is taken as a bare message id. */
    static ClaimValue decode(String value) {
        if (value.startsWith("m|")) {
            return pushed(value.substring(2));
        }
        if (value.startsWith("s|")) {
            String[] parts = value.split("\\|", 4);
            if (parts.length == 4) {
                try {
                    return scheduled(parts[1], parts[2], Instant.parse(parts[3]));
                } catch (RuntimeException e) {
                    // not ours: fall through
                }
            }
        }
        return pushed(value);
    }
}
