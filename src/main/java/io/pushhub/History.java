package io.pushhub;

import jakarta.json.JsonValue;
import java.util.List;

/**
 * Topic history ({@code pushhub.history.topics}): what a topic kept, for readers that catch up outside a WebSocket
 * (the REST API, an application in the same server). An application-scoped CDI bean; any thread.
 */
public interface History {

    /** Whether the topic keeps history (configured, and not a {@linkplain Pusher#nodeTopic node topic}). */
    boolean keeps(String topic);

    /**
     * Messages of a topic after offset {@code since}, oldest first, at most {@code limit}: what a resume from {@code
     * since} would replay. Messages whose expiry ({@code ttl}/{@code expiresAt} of their push) has passed are skipped
     * and counted in {@link Page#expired()}; the page reads on past them to fill up to {@code limit}.
     *
     * @param sinceEpoch the epoch {@code since} belongs to, or null when the caller does not know it (taken as the
     *     current one)
     * @throws IllegalArgumentException when the topic keeps no history
     * @throws UnavailableException when the broker (Redis) cannot be read now
     */
    Page read(String topic, long since, String sinceEpoch, int limit) throws UnavailableException;

    /** One kept message. {@code from} is the publishing user for client publishes, else null. */
    record Message(long offset, String messageId, long time, String from, JsonValue data) {}

    /**
     * A page of a topic's history.
     *
     * @param epoch the current run of offsets; offsets of another epoch are unrelated
     * @param offset the latest offset of the topic
     * @param reason null when the page follows {@code since} without a hole; else why messages are missing:
     *     {@code trimmed} (beyond the kept size), {@code expired} (older than the kept time) or {@code epoch_changed}
     * @param missedFrom first missed offset, or 0 when none or unknown
     * @param missedTo last missed offset, or 0 when none or unknown
     * @param more whether messages after this page are kept
     * @param expired how many messages this page skipped because their expiry had passed (between {@code since} and
     *     the last message, or the end of what is kept when {@code more} is false)
     */
    record Page(
            String topic,
            String epoch,
            long offset,
            String reason,
            long missedFrom,
            long missedTo,
            boolean more,
            List<Message> messages,
            int expired) {

        public Page {
            messages = List.copyOf(messages);
            if (expired < 0) {
                throw new IllegalArgumentException("expired must not be negative");
            }
        }

        /** A page that skipped nothing for expiry. */
        public Page(
                String topic,
                String epoch,
                long offset,
                String reason,
                long missedFrom,
                long missedTo,
                boolean more,
                List<Message> messages) {
            this(topic, epoch, offset, reason, missedFrom, missedTo, more, messages, 0);
        }

        /** Whether nothing is missing between {@code since} and the first message of this page. */
        public boolean complete() {
            return reason == null;
        }
    }

    /** The broker cannot be asked now; live delivery goes on. */
    class UnavailableException extends Exception {
        public UnavailableException(String message) {
            super(message);
        }
    }
}
