package io.pushhub.client;

import java.time.Instant;
import java.util.List;

/**
 * A push that waits for its time, as listed by {@link PushHubClient#listScheduled()}.
 *
 * @param scheduledId the id to cancel it by
 * @param messageId the id its recipients will see
 * @param at when it is due
 * @param scope who it goes to
 * @param targets the topics, user ids or connection ids (empty for {@link Scope#ALL})
 */
public record ScheduledPush(String scheduledId, String messageId, Instant at, Scope scope, List<String> targets) {

    public ScheduledPush {
        targets = List.copyOf(targets);
    }
}
