package io.pushhub.api.dto;

import io.pushhub.ScheduledPush;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code 202} of {@code POST /api/push} with {@code at} or {@code delay}: the push waits for its time. */
@Schema(description = "A push scheduled for later")
@JsonbPropertyOrder({"scheduledId", "messageId", "at", "duplicate"})
public record ScheduledAnswer(
        @Schema(required = true, description = "The id to cancel it by (DELETE /api/push/scheduled/{id})")
        String scheduledId,

        @Schema(required = true, description = "The id its recipients will see")
        String messageId,

        @Schema(required = true, format = "date-time", description = "When it is due (ISO-8601 instant)")
        String at,

        @Schema(
                description = "Only when true: the Idempotency-Key was used for this scheduling before; nothing new "
                        + "was scheduled and the ids are the first scheduling's")
        Boolean duplicate) {

    public static ScheduledAnswer of(ScheduledPush p) {
        return new ScheduledAnswer(p.id(), p.messageId(), p.at().toString(), p.duplicate() ? Boolean.TRUE : null);
    }
}
