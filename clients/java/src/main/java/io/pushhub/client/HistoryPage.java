package io.pushhub.client;

import java.util.List;

/**
 * A page of a topic's kept messages after an offset, oldest first. To read on, ask again with {@code since} = {@link
 * #lastOffset()} and {@code epoch} = {@link #epoch()} while {@link #more()} is true.
 *
 * @param topic the topic
 * @param epoch the current run of offsets; offsets of another epoch are unrelated
 * @param offset the latest offset of the topic
 * @param complete whether nothing is missing between the requested offset and the first message
 * @param reason null when complete, else why messages are missing: {@code trimmed}, {@code expired} or
 *     {@code epoch_changed}
 * @param missed null, or the offsets that were missed (when not complete and known)
 * @param more whether messages after this page are kept
 * @param messages the messages, oldest first, without those whose expiry ({@code ttl}/{@code expiresAt}) had passed
 * @param expired how many messages the page skipped because their expiry had passed (0 from a hub older than that)
 */
public record HistoryPage(
        String topic,
        String epoch,
        long offset,
        boolean complete,
        String reason,
        Missed missed,
        boolean more,
        List<HistoryMessage> messages,
        int expired) {

    public HistoryPage {
        messages = List.copyOf(messages);
    }

    /** A page that skipped nothing for expiry. */
    public HistoryPage(
            String topic,
            String epoch,
            long offset,
            boolean complete,
            String reason,
            Missed missed,
            boolean more,
            List<HistoryMessage> messages) {
        this(topic, epoch, offset, complete, reason, missed, more, messages, 0);
    }

    /** Where to read on from: the offset of this page's last message, or the topic's latest offset when it has none. */
    public long lastOffset() {
        return messages.isEmpty() ? offset : messages.get(messages.size() - 1).offset();
    }

    /** The offsets {@code fromOffset..toOffset} (inclusive) that are gone. */
    public record Missed(long fromOffset, long toOffset) {}
}
