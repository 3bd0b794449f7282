package io.pushhub.config;

/** What happens when a connection's outbound queue is full (configured by {@code pushhub.outbox.policy}). */
public enum DeliveryPolicy {
    /** Close the connection with 1013 ("try again later") and a reason; it can reconnect (and resume, with history). */
    DISCONNECT,
    /** Drop the oldest queued messages to make room and tell the client with a {@code gap} frame how many it missed. */
    DROP_OLDEST;

    public static DeliveryPolicy parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "disconnect" -> DISCONNECT;
            case "drop-oldest", "drop_oldest" -> DROP_OLDEST;
            default ->
                throw new IllegalArgumentException(
                        "pushhub.outbox.policy must be 'disconnect' or 'drop-oldest', not '" + s + "'");
        };
    }
}
