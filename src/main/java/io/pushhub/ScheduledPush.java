package io.pushhub;

import java.time.Instant;

/**
 * A push waiting for its time ({@link Pusher#schedule}).
 *
 * @param id the id to cancel it by ({@code s-...})
 * @param messageId the id its recipients will see, fixed when it was scheduled
 * @param at when it is due
 * @param target who it goes to
 * @param duplicate true when {@link Pusher#schedule(Push, Instant)} repeated an idempotency key within its window:
 *     nothing new was scheduled, and the ids are the first scheduling's ({@code id} and {@code at} null when the key's
 *     first use was a push made at once)
 */
public record ScheduledPush(String id, String messageId, Instant at, Target target, boolean duplicate) {

    /** A push that was scheduled now (not a duplicate). */
    public ScheduledPush(String id, String messageId, Instant at, Target target) {
        this(id, messageId, at, target, false);
    }
}
