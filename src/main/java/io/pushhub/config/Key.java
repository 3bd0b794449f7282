package io.pushhub.config;

import java.math.BigInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One configuration key, declared once (in {@link Keys}): its name, type, default, allowed range or values, and a line
 * of documentation. {@link #resolve(String)} turns the configured text into the value to use and, when that is not
 * what was configured, says why; {@link HubConfig} logs that once at start-up.
 *
 * <p>What a value the key cannot use turns into:
 *
 * <ul>
 *   <li>a number or duration outside the range: the nearest bound;
 *   <li>text that is not a number or an ISO-8601 duration: the default;
 *   <li>a choice outside the allowed values: the default, or, for a key declared {@link #strict()}, a refusal to start
 *       ({@link IllegalArgumentException});
 *   <li>a switch that is neither true nor false: {@code false}, as MicroProfile Config reads it, which is the safe side
 *       of every pushhub switch.
 * </ul>
 *
 * @param <T> {@link Integer}, {@link Long}, {@link Duration}, {@link Boolean} or {@link String}
 */
public final class Key<T extends Comparable<? super T>> {

    /** How numbers of a key are written in ranges and messages. */
    enum Unit {
        NONE,
        BYTES
    }

    private static final Set<String> TRUE = Set.of("true", "1", "yes", "y", "on");
    private static final Set<String> FALSE = Set.of("false", "0", "no", "n", "off");

    private final String name;
    private final Class<T> type;
    private final String defaultText;
    private final T defaultValue;
    private final T min;
    private final T max;
    private final List<String> allowed;
    private final boolean strict;
    private final Unit unit;
    private final String doc;

    private Key(
            String name,
            Class<T> type,
            String defaultText,
            T min,
            T max,
            List<String> allowed,
            boolean strict,
            Unit unit,
            String doc) {
        this.name = Objects.requireNonNull(name);
        this.type = type;
        this.defaultText = defaultText;
        this.min = min;
        this.max = max;
        this.allowed = List.copyOf(allowed);
        this.strict = strict;
        this.unit = unit;
        this.doc = Objects.requireNonNull(doc);
        this.defaultValue = defaultText == null ? null : parse(defaultText);
        if (defaultValue != null && (below(defaultValue) || above(defaultValue) || !isAllowed(defaultValue))) {
            throw new IllegalStateException(name + ": default " + defaultText + " is outside " + allowedText());
        }
    }

    // ---------------------------------------------------------------- declarations

    static Key<Integer> integer(String name, int defaultValue, int min, int max, String doc) {
        return new Key<>(
                name, Integer.class, Integer.toString(defaultValue), min, max, List.of(), false, Unit.NONE, doc);
    }

    /** An int at least {@code min}, with no upper bound but the type's. */
    static Key<Integer> integer(String name, int defaultValue, int min, String doc) {
        return new Key<>(
                name, Integer.class, Integer.toString(defaultValue), min, null, List.of(), false, Unit.NONE, doc);
    }

    /** An int number of bytes: ranges read {@code 256 B – 16 MiB}. */
    static Key<Integer> bytes(String name, int defaultValue, int min, int max, String doc) {
        return new Key<>(
                name, Integer.class, Integer.toString(defaultValue), min, max, List.of(), false, Unit.BYTES, doc);
    }

    /** A long number of bytes, at least {@code min}. */
    static Key<Long> bytes(String name, long defaultValue, long min, String doc) {
        return new Key<>(name, Long.class, Long.toString(defaultValue), min, null, List.of(), false, Unit.BYTES, doc);
    }

    /** An ISO-8601 duration; {@code max} null: no upper bound. */
    static Key<Duration> duration(String name, String defaultValue, String min, String max, String doc) {
        return new Key<>(
                name,
                Duration.class,
                defaultValue,
                Duration.parse(min),
                max == null ? null : Duration.parse(max),
                List.of(),
                false,
                Unit.NONE,
                doc);
    }

    static Key<Boolean> flag(String name, boolean defaultValue, String doc) {
        return new Key<>(
                name, Boolean.class, Boolean.toString(defaultValue), null, null, List.of(), false, Unit.NONE, doc);
    }

    /** Free text; {@code defaultValue} null: unset unless configured. */
    static Key<String> text(String name, String defaultValue, String doc) {
        return new Key<>(name, String.class, defaultValue, null, null, List.of(), false, Unit.NONE, doc);
    }

    /**
     * One of {@code values} (lower case; read case-insensitively, {@code _} as {@code -}), the first being the default.
     */
    static Key<String> choice(String name, String doc, String... values) {
        return new Key<>(name, String.class, values[0], null, null, List.of(values), false, Unit.NONE, doc);
    }

    /** This key, but a value it cannot use stops the start instead of falling back to the default. */
    Key<T> strict() {
        return new Key<>(name, type, defaultText, min, max, allowed, true, unit, doc);
    }

    // ---------------------------------------------------------------- what a key is

    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    /** The default as it is written in the documentation (e.g. {@code P30D}), or null when the key has none. */
    public String defaultText() {
        return defaultText;
    }

    /** The default value, or null when the key has none (unset). */
    public T defaultValue() {
        return defaultValue;
    }

    /** Smallest allowed value, or null. */
    public T min() {
        return min;
    }

    /** Largest allowed value, or null. */
    public T max() {
        return max;
    }

    /** The values a choice key allows; empty for other keys. */
    public List<String> allowedValues() {
        return allowed;
    }

    public boolean isStrict() {
        return strict;
    }

    /** One line: what the key is for. */
    public String doc() {
        return doc;
    }

    /**
     * The allowed range as the README writes it: {@code 1 – 10000}, {@code 256 B – 16 MiB}, {@code 100 ms – 10 min},
     * {@code ≥ 1 KiB}; empty when any value of the type is allowed (and for choices, see {@link #allowedValues()}).
     */
    public String rangeText() {
        if (min != null && max != null) {
            return format(min) + " – " + format(max);
        }
        if (min != null) {
            return "≥ " + format(min);
        }
        if (max != null) {
            return "≤ " + format(max);
        }
        return "";
    }

    private String allowedText() {
        if (!allowed.isEmpty()) {
            return "one of " + String.join(", ", allowed);
        }
        String range = rangeText();
        return range.isEmpty() ? "any " + typeText() : range;
    }

    private String typeText() {
        if (type == Duration.class) {
            return "ISO-8601 duration (e.g. PT5S)";
        }
        if (type == Boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == Long.class) {
            return "whole number";
        }
        return "text";
    }

    @Override
    public String toString() {
        return name;
    }

    // ---------------------------------------------------------------- reading a value

    /**
     * The value to use for a key and, when it is not what was configured, the warning that says so.
     *
     * @param value never null when the key has a default
     * @param warning null when the configured value (or, with none configured, the default) is used as it is
     */
    public record Resolved<T>(T value, String warning) {}

    /**
     * The value to use when the key is configured as {@code raw} (null: not configured).
     *
     * @throws IllegalArgumentException for a {@link #strict()} key with a value it cannot use
     */
    public Resolved<T> resolve(String raw) {
        if (raw == null) {
            return new Resolved<>(defaultValue, null);
        }
        if (type == Boolean.class) {
            return resolveFlag(raw);
        }
        T parsed;
        try {
            parsed = parse(raw);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return refuse(raw, "is not " + article(typeText()));
        }
        if (!isAllowed(parsed)) {
            return refuse(raw, "is not " + allowedText());
        }
        if (below(parsed) || above(parsed)) {
            T used = below(parsed) ? min : max;
            return new Resolved<>(
                    used, name + "=" + raw.trim() + " is out of range (" + rangeText() + "); using " + format(used));
        }
        return new Resolved<>(parsed, null);
    }

    private Resolved<T> refuse(String raw, String why) {
        String problem = name + "='" + raw + "' " + why;
        if (strict) {
            throw new IllegalArgumentException(problem);
        }
        String range = rangeText();
        return new Resolved<>(
                defaultValue,
                problem + "; using the default " + (defaultText == null ? "(unset)" : defaultText)
                        + (range.isEmpty() ? "" : " (allowed: " + range + ")"));
    }

    @SuppressWarnings("unchecked")
    private Resolved<T> resolveFlag(String raw) {
        String v = raw.trim().toLowerCase(Locale.ROOT);
        if (TRUE.contains(v)) {
            return new Resolved<>((T) Boolean.TRUE, null);
        }
        if (FALSE.contains(v)) {
            return new Resolved<>((T) Boolean.FALSE, null);
        }
        return new Resolved<>(
                (T) Boolean.FALSE,
                name + "='" + raw + "' is not true or false; using false (the safe "
                        + "side of every pushhub switch, and what MicroProfile Config reads it as)");
    }

    /** Parses text of this key's type; numbers beyond the type's range come back as its nearest bound. */
    @SuppressWarnings("unchecked")
    private T parse(String raw) {
        String s = raw.trim();
        if (type == Integer.class) {
            return (T) Integer.valueOf(bounded(new BigInteger(s), Integer.MIN_VALUE, Integer.MAX_VALUE)
                    .intValue());
        }
        if (type == Long.class) {
            return (T) Long.valueOf(
                    bounded(new BigInteger(s), Long.MIN_VALUE, Long.MAX_VALUE).longValue());
        }
        if (type == Duration.class) {
            return (T) Duration.parse(s);
        }
        if (type == Boolean.class) {
            return (T) Boolean.valueOf(TRUE.contains(s.toLowerCase(Locale.ROOT)));
        }
        if (!allowed.isEmpty()) {
            return (T) s.toLowerCase(Locale.ROOT).replace('_', '-');
        }
        return (T) raw;
    }

    private static BigInteger bounded(BigInteger v, long min, long max) {
        return v.max(BigInteger.valueOf(min)).min(BigInteger.valueOf(max));
    }

    private boolean below(T v) {
        return min != null && v.compareTo(min) < 0;
    }

    private boolean above(T v) {
        return max != null && v.compareTo(max) > 0;
    }

    private boolean isAllowed(T v) {
        return allowed.isEmpty() || allowed.contains(v);
    }

    private static String article(String noun) {
        return (noun.startsWith("a") || noun.startsWith("I") ? "an " : "a ") + noun;
    }

    /** A value as ranges and messages write it. */
    String format(T v) {
        if (v instanceof Duration d) {
            return formatDuration(d);
        }
        if (unit == Unit.BYTES && v instanceof Number n) {
            return formatBytes(n.longValue());
        }
        return String.valueOf(v);
    }

    static String formatBytes(long b) {
        if (b >= 1 << 20 && b % (1 << 20) == 0) {
            return (b >> 20) + " MiB";
        }
        if (b >= 1 << 10 && b % (1 << 10) == 0) {
            return (b >> 10) + " KiB";
        }
        return b + " B";
    }

    static String formatDuration(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.isNegative() || d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + " ms";
        }
        long s = ms / 1000;
        if (s % 60 != 0) {
            return s + " s";
        }
        if (s % 3600 != 0) {
            return s / 60 + " min";
        }
        if (s % 86400 != 0) {
            return s / 3600 + " h";
        }
        long days = s / 86400;
        return days == 1 ? "1 day" : days + " days";
    }
}
