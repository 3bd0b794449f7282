package io.pushhub.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A push that waits for its time, as listed by {@link PushHubClient#listScheduled()} or answered by {@link
 * PushHubClient#reschedule}.
 *
 * @param scheduledId the id to cancel or reschedule it by
 * @param messageId the id its recipients will see (recurring: at the next firing)
 * @param at when it is due (recurring: the next firing)
 * @param scope who it goes to
 * @param targets the topics, user ids or connection ids (empty for {@link Scope#ALL})
 * @param cron recurring only: the schedule's attributes by name ({@code second}, {@code minute}, {@code hour}, {@code
 *     dayOfMonth}, {@code month}, {@code dayOfWeek}, {@code year}); empty for a one-shot push
 * @param timezone recurring only: the zone the attributes are read in; else null
 * @param until recurring only: when the recurrence ends, if it does; else null
 * @param ttl recurring only: each firing's message lifetime, if set; else null
 */
public record ScheduledPush(
        String scheduledId,
        String messageId,
        Instant at,
        Scope scope,
        List<String> targets,
        Map<String, String> cron,
        ZoneId timezone,
        Instant until,
        Duration ttl) {

    public ScheduledPush {
        targets = List.copyOf(targets);
        cron = cron == null ? Map.of() : Map.copyOf(cron);
    }

    /** A one-shot scheduled push. */
    public ScheduledPush(String scheduledId, String messageId, Instant at, Scope scope, List<String> targets) {
        this(scheduledId, messageId, at, scope, targets, Map.of(), null, null, null);
    }

    /** Whether it fires more than once ({@link #cron()} is set). */
    public boolean recurring() {
        return !cron.isEmpty();
    }
}
