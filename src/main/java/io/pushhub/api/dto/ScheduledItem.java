package io.pushhub.api.dto;

import io.pushhub.Recurrence;
import io.pushhub.ScheduledPush;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One pending scheduled push in {@code GET /api/push/scheduled} (and the answer of a reschedule). */
@Schema(description = "A pending scheduled push")
@JsonbPropertyOrder({"scheduledId", "messageId", "at", "scope", "targets", "cron", "timezone", "expiresAt", "ttl"})
public record ScheduledItem(
        @Schema(required = true) String scheduledId,

        @Schema(required = true, description = "The id its recipients will see (recurring: at the next firing)")
        String messageId,

        @Schema(required = true, format = "date-time", description = "When it is due (recurring: the next firing)")
        String at,

        @Schema(
                required = true,
                description = "Who it goes to",
                enumeration = {"all", "user", "topic", "connection"})
        String scope,

        @Schema(required = true, description = "The user ids, topics or connection ids (empty for 'all')")
        List<String> targets,

        @Schema(
                description = "Recurring only: the schedule's attributes (second, minute, hour, dayOfMonth, month, "
                        + "dayOfWeek, year), as jakarta.ejb.ScheduleExpression")
        Map<String, String> cron,

        @Schema(description = "Recurring only: the time zone the cron attributes are read in")
        String timezone,

        @Schema(format = "date-time", description = "Recurring only: when the recurrence ends, if it does")
        String expiresAt,

        @Schema(description = "Recurring only: each firing's message lifetime (ISO-8601 duration), if set")
        String ttl) {

    public static ScheduledItem of(ScheduledPush p) {
        Recurrence r = p.recurrence();
        return new ScheduledItem(
                p.id(),
                p.messageId(),
                p.at().toString(),
                p.target().scope(),
                p.target().names(),
                r == null ? null : ordered(r.cron()),
                r == null ? null : r.timezone().getId(),
                r == null || r.until() == null ? null : r.until().toString(),
                r == null || r.ttl() == null ? null : r.ttl().toString());
    }

    private static Map<String, String> ordered(Map<String, String> cron) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String a : List.of("second", "minute", "hour", "dayOfMonth", "month", "dayOfWeek", "year")) {
            if (cron.containsKey(a)) {
                m.put(a, cron.get(a));
            }
        }
        return m;
    }
}
