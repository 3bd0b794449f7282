package io.pushhub;

import java.time.Instant;

/**
 * A push waiting for its time ({@link Pusher#schedule}).
 *
 * @param id the id to cancel it by ({@code s-...})
 * @param messageId the id its recipients will see, fixed when it was scheduled
 * @param at when it is due
 * @param target who it goes to
 */
public record ScheduledPush(String id, String messageId, Instant at, Target target) {}
