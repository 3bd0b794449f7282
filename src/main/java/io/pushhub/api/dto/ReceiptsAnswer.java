package io.pushhub.api.dto;

import io.pushhub.DeliveryReceipts;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code 200} of {@code GET /api/push/{messageId}/receipts}: what became of a push that asked for receipts, per
 * recipient connection (docs/receipts.md).
 */
@Schema(description = "The delivery receipts of one push, per recipient connection")
@JsonbPropertyOrder({"messageId", "pushedAt", "node", "recipients", "truncated"})
public record ReceiptsAnswer(
        @Schema(required = true) String messageId,

        @Schema(
                description = "When the push was accepted (ISO-8601); absent while the accepting node's record is not"
                        + " there")
        String pushedAt,

        @Schema(description = "The node that accepted the push")
        String node,

        @Schema(required = true, description = "Every recipient connection seen, on every node")
        List<Recipient> recipients,

        @Schema(description = "Recipients not listed (beyond pushhub.receipts.max-recipients); absent when none")
        Long truncated) {

    @Schema(name = "ReceiptRecipient", description = "What became of the message at one connection")
    @JsonbPropertyOrder({"connection", "user", "node", "state", "writtenAt", "acknowledgedAt", "droppedAt", "reason"})
    public record Recipient(
            @Schema(required = true) String connection,
            @Schema(required = true) String user,
            @Schema(required = true) String node,

            @Schema(
                    required = true,
                    enumeration = {"queued", "written", "acknowledged", "dropped"},
                    description = "The furthest state: acknowledged, else dropped, else written, else queued")
            String state,

            @Schema(description = "When it was written to the socket (ISO-8601)")
            String writtenAt,

            @Schema(description = "When the client acknowledged it (ISO-8601)")
            String acknowledgedAt,

            @Schema(description = "When it was dropped (ISO-8601)")
            String droppedAt,

            @Schema(
                    description = "Why it was dropped",
                    enumeration = {"expired", "queue_overflow", "slow_consumer", "send_failed", "closed"})
            String reason) {}

    public static ReceiptsAnswer of(DeliveryReceipts.Sheet s) {
        List<Recipient> list = s.recipients().stream()
                .map(r -> new Recipient(
                        r.connection(),
                        r.user(),
                        r.node(),
                        r.state().label(),
                        iso(r.writtenAt()),
                        iso(r.acknowledgedAt()),
                        iso(r.droppedAt()),
                        r.reason()))
                .toList();
        return new ReceiptsAnswer(
                s.messageId(),
                s.pushedAt() == 0 ? null : Instant.ofEpochMilli(s.pushedAt()).toString(),
                s.node(),
                list,
                s.truncated() == 0 ? null : s.truncated());
    }

    private static String iso(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }
}
