package io.pushhub.client;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * When a recurring push fires: a cron expression with {@code jakarta.ejb.ScheduleExpression} semantics ({@code "second
 * minute hour dayOfMonth month dayOfWeek [year]"}, e.g. {@code "0 30 8 * * Mon-Fri"}), read in a time zone, optionally
 * ending at {@code until} (no firing at or after it). The hub checks the expression and answers 400 {@code
 * invalid_cron} naming the attribute; see the hub's docs/scheduling.md.
 *
 * @param cron the expression, as the hub's {@code cron} field takes it
 * @param timezone the zone its times are read in (UTC unless set)
 * @param until null, or when the recurrence ends
 */
public record Recurrence(String cron, ZoneId timezone, Instant until) {

    public Recurrence {
        Objects.requireNonNull(cron, "cron");
        if (cron.isBlank()) {
            throw new IllegalArgumentException("cron must not be blank");
        }
        timezone = timezone == null ? ZoneOffset.UTC : timezone;
    }

    /** {@code cron} in UTC, never ending. */
    public static Recurrence cron(String cron) {
        return new Recurrence(cron, null, null);
    }

    /** This recurrence read in {@code zone} (an IANA zone such as {@code Europe/Berlin}). */
    public Recurrence in(ZoneId zone) {
        return new Recurrence(cron, Objects.requireNonNull(zone, "zone"), until);
    }

    /** This recurrence ending at {@code end}. */
    public Recurrence until(Instant end) {
        return new Recurrence(cron, timezone, Objects.requireNonNull(end, "end"));
    }
}
