package io.pushhub.api.dto;

import io.pushhub.ScheduledPush;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One pending scheduled push in {@code GET /api/push/scheduled}. */
@Schema(description = "A pending scheduled push")
@JsonbPropertyOrder({"scheduledId", "messageId", "at", "scope", "targets"})
public record ScheduledItem(
        @Schema(required = true) String scheduledId,
        @Schema(required = true) String messageId,
        @Schema(required = true, format = "date-time") String at,

        @Schema(
                required = true,
                description = "Who it goes to",
                enumeration = {"all", "user", "topic", "connection"})
        String scope,

        @Schema(required = true, description = "The user ids, topics or connection ids (empty for 'all')")
        List<String> targets) {

    public static ScheduledItem of(ScheduledPush p) {
        return new ScheduledItem(
                p.id(),
                p.messageId(),
                p.at().toString(),
                p.target().scope(),
                p.target().names());
    }
}
