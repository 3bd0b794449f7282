package io.pushhub.client;

import java.time.Instant;

/**
 * What the hub answered to a push scheduled for later.
 *
 * @param scheduledId the id to cancel it by ({@link PushHubClient#cancel(String)})
 * @param messageId the id its recipients will see
 * @param at when it is due
 */
public record ScheduleResult(String scheduledId, String messageId, Instant at) {}
