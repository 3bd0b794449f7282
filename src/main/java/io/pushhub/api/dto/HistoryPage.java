package io.pushhub.api.dto;

import io.pushhub.History;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /api/topics/{topic}/history}: a page of a topic's kept messages, oldest first. */
@Schema(description = "A page of a topic's kept messages after 'since', oldest first")
@JsonbPropertyOrder({"topic", "epoch", "offset", "complete", "reason", "missed", "more", "expired", "messages"})
public record HistoryPage(
        @Schema(required = true) String topic,

        @Schema(required = true, description = "The current run of offsets; offsets of another epoch are unrelated")
        String epoch,

        @Schema(required = true, description = "The latest offset of the topic")
        long offset,

        @Schema(required = true, description = "Whether nothing is missing between 'since' and the first message")
        boolean complete,

        @Schema(
                description = "When not complete: why messages are missing",
                enumeration = {"trimmed", "expired", "epoch_changed"})
        String reason,

        @Schema(description = "When not complete and known: the missed offsets")
        Missed missed,

        @Schema(required = true, description = "Whether messages after this page are kept")
        boolean more,

        @Schema(
                required = true,
                description = "How many messages this page skipped because their expiry (ttl/expiresAt) had passed:"
                        + " the page lists what a resume would replay")
        int expired,

        @Schema(required = true) List<Message> messages) {

    // The accessors of components whose name contains "set" (offset, fromOffset, toOffset) are declared here, without
    // the component's @Schema (an explicit accessor does not inherit it; the field keeps it): Payara's OpenAPI scanner
    // takes an annotated method named *set* for a setter and fails on its missing argument, and /openapi answered 500
    // there (docs/payara.md).

    @Override
    public long offset() {
        return offset;
    }

    /** The offsets that are gone. */
    @Schema(name = "MissedOffsets", description = "Offsets that were missed")
    @JsonbPropertyOrder({"fromOffset", "toOffset"})
    public record Missed(
            @Schema(required = true) long fromOffset,
            @Schema(required = true) long toOffset) {

        @Override
        public long fromOffset() {
            return fromOffset;
        }

        @Override
        public long toOffset() {
            return toOffset;
        }
    }

    /** One kept message. */
    @Schema(name = "HistoryMessage", description = "A kept message")
    @JsonbPropertyOrder({"offset", "messageId", "time", "from", "data"})
    public record Message(
            @Schema(required = true) long offset,
            @Schema(required = true) String messageId,

            @Schema(required = true, description = "When it was pushed, epoch milliseconds")
            long time,

            @Schema(description = "The publishing user, for messages clients published")
            String from,

            @Schema(required = true, ref = AnyJson.REF) JsonValue data) {

        @Override
        public long offset() {
            return offset;
        }
    }

    /** The page as read for {@code topic} (the name as the caller gave it). */
    public static HistoryPage of(String topic, History.Page page) {
        Missed missed = !page.complete() && page.missedTo() > 0 ? new Missed(page.missedFrom(), page.missedTo()) : null;
        List<Message> messages = page.messages().stream()
                .map(m -> new Message(m.offset(), m.messageId(), m.time(), m.from(), m.data()))
                .toList();
        return new HistoryPage(
                topic,
                page.epoch(),
                page.offset(),
                page.complete(),
                page.complete() ? null : page.reason(),
                missed,
                page.more(),
                page.expired(),
                messages);
    }
}
