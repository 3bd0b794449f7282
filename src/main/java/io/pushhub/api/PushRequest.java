package io.pushhub.api;

import io.pushhub.Recurrence;
import io.pushhub.Target;
import io.pushhub.problem.ApiError;
import io.pushhub.problem.ApiProblem;
import io.pushhub.protocol.TopicName;
import io.pushhub.scheduling.Cron;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated {@code POST /api/push} body.
 *
 * <pre>
 * {"data": any JSON,                                  required
 *  "topic": "news" | "topics": ["a","b"]              \
 *  "user": "alice" | "users": ["alice","bob"]          &gt; at most one kind; none = everyone
 *  "connection": "c-..." | "connections": ["c-..."]   /
 *  "at": "2026-11-22T10:00:00Z" | "delay": 1500 (ms) or "PT1.5S"     optional: schedule instead of pushing now
 *  "ttl": 60000 (ms) or "PT1M" | "expiresAt": "2026-11-22T10:05:00Z"   optional: never delivered after that
 *  "idempotencyKey": "order-4711-shipped"                             optional, like the Idempotency-Key header
 *  "exceptConnection": "c-..."                        optional: that connection does not get it (not with at/delay)
 *  "receipt": true                                    optional: delivery receipts (docs/receipts.md; not with at/delay/cron)
 *  "collapseOnAck": true                              optional, user(s) only, implies receipt
 *  "escalateAfter": "PT30S" or 30000 (ms)             optional, user(s) only, implies receipt, PT1S..P1D
 *  "trace": true}                                     optional: journal it for GET /api/push/{id}/trace (not with at/delay/cron)
 * </pre>
 *
 * <p>A {@code ttl} counts from when the push is due: from now, or from {@code at}/{@code delay} for a scheduled one.
 *
 * @param deliverAt null to push now
 * @param idempotencyKey null, or the key from the {@code Idempotency-Key} header or the body (the same when both)
 * @param expiresAt null, or when the message expires (after {@code deliverAt}, or after now)
 * @param exceptConnection null, or the connection id that must not get the push ({@link io.pushhub.Push#exceptConnection})
 * @param receipt null, or the delivery receipts asked for ({@link io.pushhub.Push#receipt})
 * @param trace whether the push is journaled for its trace (docs/tracing.md)
 */
public record PushRequest(
        Target target,
        JsonValue data,
        Instant deliverAt,
        String idempotencyKey,
        Instant expiresAt,
        String exceptConnection,
        Recurrence recurrence,
        io.pushhub.Push.Receipt receipt,
        boolean trace) {

    public PushRequest(
            Target target,
            JsonValue data,
            Instant deliverAt,
            String idempotencyKey,
            Instant expiresAt,
            String exceptConnection,
            Recurrence recurrence) {
        this(target, data, deliverAt, idempotencyKey, expiresAt, exceptConnection, recurrence, null, false);
    }

    public PushRequest(Target target, JsonValue data, Instant deliverAt, String idempotencyKey, Instant expiresAt) {
        this(target, data, deliverAt, idempotencyKey, expiresAt, null, null);
    }

    static final int MAX_TARGETS = 1000;
    private static final Set<String> FIELDS = Set.of(
            "data",
            "topic",
            "topics",
            "user",
            "users",
            "connection",
            "connections",
            "at",
            "delay",
            "ttl",
            "expiresAt",
            "idempotencyKey",
            "exceptConnection",
            "cron",
            "timezone",
            "trace",
            "receipt",
            "collapseOnAck",
            "escalateAfter");
    private static final String MAX_DELAY_KEY = "pushhub.scheduled.max-delay";
    private static final String MAX_TTL_KEY = "pushhub.push.max-ttl";

    public boolean scheduled() {
        return deliverAt != null || recurrence != null;
    }

    /** Parses and validates a body without a header key, with a ttl of at most 30 days. */
    public static PushRequest parse(String body, Instant now, Duration maxDelay) {
        return parse(body, null, now, maxDelay, Duration.ofDays(30));
    }

    /**
     * Parses and validates; every problem is an {@link ApiError} 400 naming it.
     *
     * @param headerKey the {@code Idempotency-Key} header, or null when there is none
     */
    public static PushRequest parse(String body, String headerKey, Instant now, Duration maxDelay, Duration maxTtl) {
        JsonObject obj = JsonBodies.object(body, "with at least 'data'", FIELDS);
        if (!obj.containsKey("data")) {
            throw ApiProblem.badRequest("field 'data' is required (any JSON value)");
        }
        Target target = target(obj);
        String key = idempotencyKey(obj, headerKey);
        boolean trace = trace(obj);
        io.pushhub.Push.Receipt receipt = receipt(obj, target);
        if (receipt != null && (obj.containsKey("cron") || obj.containsKey("at") || obj.containsKey("delay"))) {
            throw ApiProblem.badRequest("'receipt', 'collapseOnAck' and 'escalateAfter' are for a push made now, not"
                    + " with 'at', 'delay' or 'cron'");
        }
        if (obj.containsKey("cron") || obj.containsKey("timezone")) {
            Recurrence r = recurrence(obj, now, maxDelay, maxTtl);
            if (obj.containsKey("exceptConnection")) {
                throw ApiProblem.badRequest("'exceptConnection' cannot be combined with 'cron': a connection is"
                        + " excluded from a push made now (by the time a recurring push fires it may be long gone)");
            }
            if (trace) {
                throw ApiProblem.badRequest("'trace' goes with a push made now, not with 'cron'");
            }
            return new PushRequest(target, obj.get("data"), null, key, null, null, r);
        }
        Instant at = when(obj, now, maxDelay);
        Instant expiresAt = expiry(obj, at != null ? at : now, maxTtl);
        String except = exceptConnection(obj);
        if (except != null && at != null) {
            throw ApiProblem.badRequest("'exceptConnection' cannot be combined with 'at' or 'delay': a connection is"
                    + " excluded from a push made now (by the time a scheduled push is due it may be long gone)");
        }
        if (trace && at != null) {
            throw ApiProblem.badRequest("'trace' goes with a push made now, not with 'at' or 'delay' (the trace journal"
                    + " keeps a message for pushhub.trace.journal.retention)");
        }
        return new PushRequest(target, obj.get("data"), at, key, expiresAt, except, null, receipt, trace);
    }

    /** The optional {@code "trace": true|false}. */
    private static boolean trace(JsonObject obj) {
        return flag(obj, "trace");
    }

    /** The receipt options: null when none is set; collapseOnAck and escalateAfter imply receipt. */
    private static io.pushhub.Push.Receipt receipt(JsonObject obj, Target target) {
        boolean receipt = flag(obj, "receipt");
        boolean collapse = flag(obj, "collapseOnAck");
        Duration escalate = null;
        if (obj.containsKey("escalateAfter")) {
            escalate = duration(obj, "escalateAfter", io.pushhub.Push.MAX_ESCALATE_AFTER, "a fixed bound");
            if (escalate.compareTo(io.pushhub.Push.MIN_ESCALATE_AFTER) < 0) {
                throw ApiProblem.badRequest("'escalateAfter' must be at least 1 s (PT1S), at most 1 day (P1D)");
            }
        }
        if ((collapse || escalate != null) && !(target instanceof Target.Users)) {
            throw ApiProblem.badRequest("'collapseOnAck' and 'escalateAfter' need 'user' or 'users': they act per user"
                    + " (the user's other connections, the user who did not acknowledge), not on "
                    + (target instanceof Target.Topics
                            ? "topics"
                            : target instanceof Target.Connections ? "connections" : "everyone"));
        }
        if (!receipt && !collapse && escalate == null) {
            return null;
        }
        return new io.pushhub.Push.Receipt(collapse, escalate);
    }

    private static boolean flag(JsonObject obj, String field) {
        JsonValue v = obj.get(field);
        if (v == null || v == JsonValue.FALSE) {
            return false;
        }
        if (v == JsonValue.TRUE) {
            return true;
        }
        throw ApiProblem.badRequest("'" + field + "' must be true or false");
    }

    /** The optional connection to leave out: a connection id as the welcome frame gives it, or null. */
    private static String exceptConnection(JsonObject obj) {
        if (!obj.containsKey("exceptConnection")) {
            return null;
        }
        if (!(obj.get("exceptConnection") instanceof JsonString s)
                || s.getString().isBlank()
                || s.getString().length() > io.pushhub.Push.MAX_CONNECTION_ID) {
            throw ApiProblem.badRequest("'exceptConnection' must be a connection id (the 'connectionId' of the"
                    + " client's welcome frame), a string of 1 to " + io.pushhub.Push.MAX_CONNECTION_ID
                    + " characters");
        }
        return s.getString();
    }

    /** A new time or recurrence for {@code PATCH /api/push/scheduled/{id}}: exactly one of the two is set. */
    public record Reschedule(Instant at, Recurrence recurrence) {}

    private static final Set<String> RESCHEDULE_FIELDS = Set.of("at", "delay", "cron", "timezone", "expiresAt", "ttl");

    /** Parses a {@code PATCH /api/push/scheduled/{id}} body: {@code at} or {@code delay}, or {@code cron} (+ options). */
    public static Reschedule parseReschedule(String body, Instant now, Duration maxDelay, Duration maxTtl) {
        JsonObject obj = JsonBodies.object(body, "with 'at', 'delay' or 'cron'", RESCHEDULE_FIELDS);
        if (obj.containsKey("cron") || obj.containsKey("timezone")) {
            return new Reschedule(null, recurrence(obj, now, maxDelay, maxTtl));
        }
        if (obj.containsKey("expiresAt") || obj.containsKey("ttl")) {
            throw ApiProblem.badRequest("'expiresAt' and 'ttl' can be changed only together with 'cron'");
        }
        Instant at = when(obj, now, maxDelay);
        if (at == null) {
            throw ApiProblem.badRequest("give the new time: 'at' or 'delay', or a new 'cron'");
        }
        return new Reschedule(at, null);
    }

    /**
     * A recurring schedule: {@code cron} (string of 6 or 7 attributes, or an object of attributes), {@code timezone}
     * (IANA id, default UTC), {@code expiresAt} (the recurrence's end, optional) and {@code ttl} (each firing's message
     * lifetime from its due time, optional). Its first time must lie within {@code maxDelay}.
     */
    private static Recurrence recurrence(JsonObject obj, Instant now, Duration maxDelay, Duration maxTtl) {
        if (!obj.containsKey("cron")) {
            throw ApiProblem.badRequest("'timezone' goes with 'cron' only");
        }
        if (obj.containsKey("at") || obj.containsKey("delay")) {
            throw ApiProblem.badRequest("use either 'cron' or 'at'/'delay', not both");
        }
        ZoneId zone = ZoneId.of("UTC");
        if (obj.containsKey("timezone")) {
            if (!(obj.get("timezone") instanceof JsonString z)) {
                throw ApiProblem.badRequest("'timezone' must be a time-zone id string, e.g. Europe/Berlin");
            }
            try {
                zone = ZoneId.of(z.getString());
            } catch (java.time.DateTimeException e) {
                throw ApiProblem.badRequest("'timezone' is not a known time-zone id (e.g. Europe/Berlin, UTC): "
                        + TopicName.printable(z.getString()));
            }
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        JsonValue c = obj.get("cron");
        Cron cron;
        try {
            if (c instanceof JsonString s) {
                cron = Cron.parse(s.getString(), zone);
            } else if (c instanceof JsonObject o) {
                for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                    if (e.getValue() instanceof JsonString v) {
                        attrs.put(e.getKey(), v.getString());
                    } else if (e.getValue() instanceof JsonNumber n && n.isIntegral()) {
                        attrs.put(e.getKey(), n.toString());
                    } else {
                        throw new IllegalArgumentException(
                                "cron attribute '" + TopicName.printable(e.getKey()) + "' must be a string");
                    }
                }
                cron = Cron.of(attrs, zone);
            } else {
                throw new IllegalArgumentException("'cron' must be a string (\"second minute hour dayOfMonth month"
                        + " dayOfWeek [year]\") or an object of those attributes");
            }
        } catch (IllegalArgumentException e) {
            String m = e.getMessage(); // bounded: each attribute is at most 64 characters
            throw ApiProblem.of(400, "invalid_cron", m.length() > 400 ? m.substring(0, 400) + "..." : m);
        }
        Instant until = null;
        if (obj.containsKey("expiresAt")) {
            if (!(obj.get("expiresAt") instanceof JsonString s)) {
                throw ApiProblem.badRequest(
                        "'expiresAt' must be an ISO-8601 instant string, e.g. 2026-11-22T10:05:00Z");
            }
            try {
                until = Instant.parse(s.getString());
            } catch (DateTimeParseException e) {
                throw ApiProblem.badRequest("'expiresAt' is not an ISO-8601 instant (e.g. 2026-11-22T10:05:00Z): "
                        + TopicName.printable(s.getString()));
            }
        }
        Duration ttl = null;
        if (obj.containsKey("ttl")) {
            ttl = duration(obj, "ttl", maxTtl, MAX_TTL_KEY);
            if (ttl.isZero()) {
                throw ApiProblem.badRequest("'ttl' must be at least 1 ms");
            }
        }
        Instant first = cron.next(now);
        if (first == null || Duration.between(now, first).compareTo(maxDelay) > 0) {
            throw ApiProblem.of(
                    400,
                    "invalid_cron",
                    "the cron expression's first time is not within " + maxDelay + " (" + MAX_DELAY_KEY + ")");
        }
        if (until != null && !first.isBefore(until)) {
            throw ApiProblem.badRequest("'expiresAt' " + until + " is not after the first time of the cron expression ("
                    + first + "): it would never fire");
        }
        return new Recurrence(cron.attributes(), zone, until, ttl);
    }

    private static String idempotencyKey(JsonObject obj, String headerKey) {
        String bodyKey = null;
        if (obj.containsKey("idempotencyKey")) {
            if (!(obj.get("idempotencyKey") instanceof JsonString s)) {
                throw ApiProblem.of(400, "invalid_idempotency_key", "'idempotencyKey' must be a string");
            }
            bodyKey = s.getString();
        }
        if (headerKey != null && bodyKey != null && !headerKey.equals(bodyKey)) {
            throw ApiProblem.of(
                    400,
                    "invalid_idempotency_key",
                    "the Idempotency-Key header and the body's 'idempotencyKey' differ; send one, or the same in both");
        }
        String key = headerKey != null ? headerKey : bodyKey;
        if (key != null) {
            String problem = io.pushhub.Push.idempotencyKeyProblem(key);
            if (problem != null) {
                throw ApiProblem.of(400, "invalid_idempotency_key", problem);
            }
        }
        return key;
    }

    /**
     * When the message expires, or null. A {@code ttl} counts from {@code due} (now, or the scheduled time); an
     * {@code expiresAt} must lie after {@code due}; neither more than {@code maxTtl} after it.
     */
    private static Instant expiry(JsonObject obj, Instant due, Duration maxTtl) {
        boolean hasTtl = obj.containsKey("ttl");
        boolean hasExpiresAt = obj.containsKey("expiresAt");
        if (hasTtl && hasExpiresAt) {
            throw ApiProblem.badRequest("use either 'ttl' or 'expiresAt', not both");
        }
        if (hasTtl) {
            Duration ttl = duration(obj, "ttl", maxTtl, MAX_TTL_KEY);
            if (ttl.isZero()) {
                throw ApiProblem.badRequest("'ttl' must be at least 1 ms");
            }
            return due.plus(ttl); // both bounded: cannot overflow
        }
        if (!hasExpiresAt) {
            return null;
        }
        if (!(obj.get("expiresAt") instanceof JsonString s)) {
            throw ApiProblem.badRequest("'expiresAt' must be an ISO-8601 instant string, e.g. 2026-11-22T10:05:00Z");
        }
        Instant at;
        try {
            at = Instant.parse(s.getString());
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest("'expiresAt' is not an ISO-8601 instant (e.g. 2026-11-22T10:05:00Z): "
                    + TopicName.printable(s.getString()));
        }
        if (!at.isAfter(due)) {
            throw ApiProblem.badRequest("'expiresAt' " + at + " is not after the time the push is due (" + due
                    + "): it would never be delivered");
        }
        if (Duration.between(due, at).compareTo(maxTtl) > 0) {
            throw tooFar("'expiresAt'", maxTtl, MAX_TTL_KEY);
        }
        return at;
    }

    private static Target target(JsonObject obj) {
        List<String> topics = names(obj, "topic", "topics");
        List<String> users = names(obj, "user", "users");
        List<String> connections = names(obj, "connection", "connections");
        int kinds = (topics != null ? 1 : 0) + (users != null ? 1 : 0) + (connections != null ? 1 : 0);
        if (kinds > 1) {
            throw ApiProblem.badRequest(
                    "name one kind of target: topic(s), user(s) or connection(s), or none for everyone");
        }
        if (topics != null) {
            for (String t : topics) {
                String reason = TopicName.problem(t);
                if (reason != null) {
                    throw ApiProblem.of(400, "invalid_topic", reason);
                }
            }
            return new Target.Topics(topics);
        }
        if (users != null) {
            return new Target.Users(users);
        }
        if (connections != null) {
            return new Target.Connections(connections);
        }
        return new Target.All();
    }

    /** The singular or plural field as a de-duplicated list, or null when neither is present. */
    private static List<String> names(JsonObject obj, String singular, String plural) {
        boolean one = obj.containsKey(singular);
        boolean many = obj.containsKey(plural);
        if (one && many) {
            throw ApiProblem.badRequest("use either '" + singular + "' or '" + plural + "', not both");
        }
        if (one) {
            JsonValue v = obj.get(singular);
            if (!(v instanceof JsonString s) || s.getString().isBlank()) {
                throw ApiProblem.badRequest("'" + singular + "' must be a non-empty string");
            }
            return List.of(s.getString());
        }
        if (many) {
            JsonValue v = obj.get(plural);
            if (!(v instanceof JsonArray arr) || arr.isEmpty()) {
                throw ApiProblem.badRequest("'" + plural + "' must be a non-empty array of strings");
            }
            if (arr.size() > MAX_TARGETS) {
                throw ApiProblem.badRequest("'" + plural + "' has " + arr.size() + " entries; at most " + MAX_TARGETS);
            }
            Set<String> out = new LinkedHashSet<>();
            for (JsonValue e : arr) {
                if (!(e instanceof JsonString s) || s.getString().isBlank()) {
                    throw ApiProblem.badRequest("'" + plural + "' must contain only non-empty strings");
                }
                out.add(s.getString());
            }
            return new ArrayList<>(out);
        }
        return null;
    }

    /**
     * When to deliver, or null for now. Everything is compared with {@code maxDelay} before any date arithmetic, so
     * no value (a delay of 2^63 seconds, 1e30 ms, the year 1000000000) can overflow: each is a 400 naming the field
     * and the maximum.
     */
    private static Instant when(JsonObject obj, Instant now, Duration maxDelay) {
        boolean hasAt = obj.containsKey("at");
        boolean hasDelay = obj.containsKey("delay");
        if (hasAt && hasDelay) {
            throw ApiProblem.badRequest("use either 'at' or 'delay', not both");
        }
        if (hasAt) {
            if (!(obj.get("at") instanceof JsonString s)) {
                throw ApiProblem.badRequest("'at' must be an ISO-8601 instant string, e.g. 2026-11-22T10:00:00Z");
            }
            Instant at;
            try {
                at = Instant.parse(s.getString());
            } catch (DateTimeParseException e) {
                throw ApiProblem.badRequest("'at' is not an ISO-8601 instant (e.g. 2026-11-22T10:00:00Z): "
                        + TopicName.printable(s.getString()));
            }
            if (at.isBefore(now)) {
                return now; // already due: deliver as soon as the timer fires
            }
            if (Duration.between(now, at).compareTo(maxDelay) > 0) {
                throw tooFar("'at'", maxDelay, MAX_DELAY_KEY);
            }
            return at;
        }
        if (!hasDelay) {
            return null;
        }
        Duration d = duration(obj, "delay", maxDelay, MAX_DELAY_KEY);
        try {
            return now.plus(d);
        } catch (java.time.DateTimeException | ArithmeticException e) {
            throw tooFar("'delay'", maxDelay, MAX_DELAY_KEY); // only with an absurd pushhub.scheduled.max-delay
        }
    }

    /**
     * A duration field: milliseconds (number) or an ISO-8601 duration (string), not negative, at most {@code max}
     * (named {@code maxKey} in the message). Compared with {@code max} before any arithmetic, so nothing overflows.
     */
    private static Duration duration(JsonObject obj, String field, Duration max, String maxKey) {
        JsonValue v = obj.get(field);
        Duration d;
        if (v instanceof JsonNumber n) {
            BigDecimal ms;
            try {
                ms = n.bigDecimalValue();
            } catch (RuntimeException e) {
                // JSON-P refuses numbers with absurd exponents (e.g. Parsson beyond a scale of 1100)
                throw ApiProblem.badRequest("'" + field + "' is not a usable number of milliseconds; at most "
                        + millis(max) + " (" + iso(max) + ", " + maxKey + ")");
            }
            if (ms.signum() < 0) {
                throw ApiProblem.badRequest("'" + field + "' must not be negative");
            }
            // Judge the magnitude from digits and exponent first: comparing or truncating 1e100000000 would make
            // BigDecimal compute a power of ten that large.
            long magnitude = (long) ms.precision() - ms.scale(); // digits before the decimal point
            if (magnitude > 19) {
                throw tooFar("'" + field + "'", max, maxKey);
            }
            if (magnitude <= 0) {
                d = Duration.ZERO; // less than 1 ms
            } else if (ms.compareTo(BigDecimal.valueOf(millis(max))) > 0) {
                throw tooFar("'" + field + "'", max, maxKey);
            } else {
                d = Duration.ofMillis(ms.longValue()); // fits: at most max in ms; fractions of a ms are dropped
            }
        } else if (v instanceof JsonString s) {
            try {
                d = Duration.parse(s.getString());
            } catch (DateTimeParseException | ArithmeticException e) {
                if (e.getCause() instanceof ArithmeticException || e instanceof ArithmeticException) {
                    // well-formed, but its number of days/hours/seconds does not fit in a Duration
                    throw s.getString().trim().startsWith("-")
                            ? ApiProblem.badRequest("'" + field + "' must not be negative")
                            : tooFar("'" + field + "'", max, maxKey);
                }
                throw ApiProblem.badRequest(
                        "'" + field + "' string is not an ISO-8601 duration (e.g. PT30S) within range: "
                                + TopicName.printable(s.getString()));
            }
            if (d.isNegative()) {
                throw ApiProblem.badRequest("'" + field + "' must not be negative");
            }
            if (d.compareTo(max) > 0) {
                throw tooFar("'" + field + "'", max, maxKey);
            }
        } else {
            throw ApiProblem.badRequest(
                    "'" + field + "' must be milliseconds (number) or an ISO-8601 duration (string)");
        }
        return d;
    }

    /** ISO-8601 as an operator writes it: P30D rather than Duration's PT720H. */
    static String iso(Duration d) {
        if (d.getNano() == 0 && d.getSeconds() % 86_400 == 0 && d.getSeconds() != 0) {
            return "P" + d.getSeconds() / 86_400 + "D";
        }
        return d.toString();
    }

    private static long millis(Duration d) {
        try {
            return d.toMillis();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static ApiProblem tooFar(String field, Duration max, String maxKey) {
        return ApiProblem.badRequest(
                field + " is too far ahead: the maximum is " + iso(max) + " (" + millis(max) + " ms; " + maxKey + ")");
    }
}
