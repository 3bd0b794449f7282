package io.pushhub;

import java.time.Instant;

/**
 * A push waiting for its time ({@link Pusher#schedule}).
 *
 * @param id the id to cancel it by ({@code s-...})
 * @param messageId the id its recipients will see, fixed when it was scheduled (recurring: the next firing's; each
 *     firing has its own)
 * @param at when it is due (recurring: the next firing)
 * @param target who it goes to
 * @param duplicate true when {@link Pusher#schedule(Push, Instant)} repeated an idempotency key within its window:
 *     nothing new was scheduled, and the ids are the first scheduling's ({@code id} and {@code at} null when the key's
 *     first use was a push made at once)
 * @param recurrence null for a push that fires once
 */
public record ScheduledPush(
        String id, String messageId, Instant at, Target target, boolean duplicate, Recurrence recurrence) {

    /** A push that was scheduled now (not a duplicate). */
    public ScheduledPush(String id, String messageId, Instant at, Target target) {
        this(id, messageId, at, target, false, null);
    }

    public ScheduledPush(String id, String messageId, Instant at, Target target, boolean duplicate) {
        this(id, messageId, at, target, duplicate, null);
    }
}
