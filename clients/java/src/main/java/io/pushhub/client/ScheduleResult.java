package io.pushhub.client;

import java.time.Instant;

/**
 * What the hub answered to a push scheduled for later.
 *
 * @param scheduledId the id to cancel it by ({@link PushHubClient#cancel(String)})
 * @param messageId the id its recipients will see
 * @param at when it is due
 * @param duplicate true when the schedule repeated an {@code Idempotency-Key} the hub saw within its window: nothing new
 *     was scheduled and the ids are the first scheduling's ({@code scheduledId} and {@code at} null when the key was
 *     first used by a push made at once)
 */
public record ScheduleResult(String scheduledId, String messageId, Instant at, boolean duplicate) {

    /** A push that was scheduled now (not a duplicate). */
    public ScheduleResult(String scheduledId, String messageId, Instant at) {
        this(scheduledId, messageId, at, false);
    }
}
