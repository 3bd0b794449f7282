package io.pushhub;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a recurring scheduled push repeats ({@link Pusher#schedule(Push, Recurrence)}): a calendar expression with the
 * semantics of {@code jakarta.ejb.ScheduleExpression} (attributes {@code second minute hour dayOfMonth month dayOfWeek
 * year}; missing ones take that class's defaults: second, minute and hour 0, the rest {@code *}), evaluated in a time
 * zone.
 *
 * @param cron the expression's attributes by name (validated when scheduling: a bad one is an {@link
 *     IllegalArgumentException} naming it)
 * @param timezone where the expression is evaluated (daylight-saving changes included)
 * @param until null, or when the recurrence ends: no firing at or after it, and a firing late past it is skipped
 * @param ttl null, or how long each firing's message lives, counted from its due time: a firing later than that
 *     delivers nothing (skipped and counted as expired)
 */
public record Recurrence(Map<String, String> cron, ZoneId timezone, Instant until, Duration ttl) {

    public Recurrence {
        Objects.requireNonNull(cron, "cron");
        Objects.requireNonNull(timezone, "timezone");
        cron = Map.copyOf(cron);
    }

    /**
     * The string form: six or seven attributes separated by spaces, in the order {@code second minute hour dayOfMonth
     * month dayOfWeek [year]}, e.g. {@code "0 0/15 8-17 * * Mon-Fri"}.
     */
    public static Recurrence of(String expression, ZoneId timezone) {
        String[] parts = expression == null ? new String[0] : expression.trim().split("\\s+");
        if (parts.length < 6 || parts.length > 7) {
            throw new IllegalArgumentException("a cron expression has 6 or 7 space-separated attributes (second minute"
                    + " hour dayOfMonth month dayOfWeek [year]), got " + (expression == null ? 0 : parts.length));
        }
        String[] names = {"second", "minute", "hour", "dayOfMonth", "month", "dayOfWeek", "year"};
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            m.put(names[i], parts[i]);
        }
        return new Recurrence(m, timezone, null, null);
    }

    public Recurrence until(Instant end) {
        return new Recurrence(cron, timezone, end, ttl);
    }

    public Recurrence withTtl(Duration messageTtl) {
        return new Recurrence(cron, timezone, until, messageTtl);
    }
}
