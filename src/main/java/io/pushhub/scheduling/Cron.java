package io.pushhub.scheduling;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A calendar schedule with the semantics of {@code jakarta.ejb.ScheduleExpression} (EJB 4.0 spec, section "Timer
 * Schedule Expression Syntax"): seven attributes, each a single value, {@code *}, a range {@code a-b} (wrapping when
 * {@code a > b}), a list {@code a,b-c}, or (second, minute, hour only) an increment {@code x/y} or {@code * /y};
 * month and day-of-week names ({@code Jan}, {@code Mon}; 0 and 7 are Sunday); day-of-month {@code Last}, {@code -n}
 * (n days before the last), {@code 1st Mon} ... {@code 5th Fri}, {@code Last Fri}. When both day-of-month and
 * day-of-week are restricted, a day matches if <em>either</em> matches (as the spec says). Defaults as in
 * {@code ScheduleExpression}: second 0, minute 0, hour 0, every day, month and year. Evaluated in {@link #zone()}: a
 * local time skipped by a daylight-saving change fires at the first instant after the gap; a repeated one fires once,
 * at the earlier offset.
 *
 * <p>Immutable. Parsing never throws anything but {@link IllegalArgumentException} with a message naming the
 * attribute; every input is bounded (at most 64 characters per attribute, {@value #MAX_LIST} list items).
 */
public final class Cron {

    /** The attribute names, in the order of the string form. */
    public static final List<String> ATTRIBUTES =
            List.of("second", "minute", "hour", "dayOfMonth", "month", "dayOfWeek", "year");

    private static final Map<String, String> DEFAULTS = Map.of(
            "second", "0",
            "minute", "0",
            "hour", "0",
            "dayOfMonth", "*",
            "month", "*",
            "dayOfWeek", "*",
            "year", "*");

    static final int MAX_LIST = 60;
    private static final int MAX_ATTRIBUTE_CHARS = 64;
    private static final int MIN_YEAR = 1970;
    private static final int MAX_YEAR = 9999;
    private static final List<String> MONTHS =
            List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
    private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");
    private static final List<String> ORDINALS = List.of("1st", "2nd", "3rd", "4th", "5th", "last");

    private final Map<String, String> text;
    private final ZoneId zone;
    private final BitSet seconds;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet months; // 1..12
    private final BitSet years; // by year; null: any
    private final BitSet daysOfMonth; // 1..31, plain values
    private final List<DaySpec> daySpecs; // Last, -n, nth weekday
    private final BitSet daysOfWeek; // 0..6, 0 = Sunday
    private final boolean domWild;
    private final boolean dowWild;

    /** A day-of-month form that depends on the month: {@code Last}, {@code -n}, {@code 2nd Tue}, {@code Last Fri}. */
    private record DaySpec(int ordinal, int dayOfWeek, int beforeLast) {
        boolean matches(LocalDate d) {
            int last = d.lengthOfMonth();
            if (dayOfWeek < 0) {
                return d.getDayOfMonth() == last - beforeLast;
            }
            DayOfWeek dow = DayOfWeek.of(dayOfWeek == 0 ? 7 : dayOfWeek);
            LocalDate target = ordinal == 6
                    ? d.with(TemporalAdjusters.lastInMonth(dow))
                    : d.with(TemporalAdjusters.dayOfWeekInMonth(ordinal, dow));
            return target.getMonth() == d.getMonth() && target.equals(d);
        }
    }

    private Cron(Map<String, String> text, ZoneId zone) {
        this.text = text;
        this.zone = zone;
        this.seconds = values("second", text.get("second"), 0, 59, null, true);
        this.minutes = values("minute", text.get("minute"), 0, 59, null, true);
        this.hours = values("hour", text.get("hour"), 0, 23, null, true);
        this.months = values("month", text.get("month"), 1, 12, MONTHS, false);
        String y = text.get("year");
        this.years = y.equals("*") ? null : values("year", y, MIN_YEAR, MAX_YEAR, null, false);
        String dow = text.get("dayOfWeek");
        this.dowWild = dow.equals("*");
        BitSet w = values("dayOfWeek", dow.replace("7", "0"), 0, 6, DAYS, false);
        this.daysOfWeek = w;
        String dom = text.get("dayOfMonth");
        this.domWild = dom.equals("*");
        this.daysOfMonth = new BitSet(32);
        this.daySpecs = new ArrayList<>();
        if (domWild) {
            daysOfMonth.set(1, 32);
        } else {
            parseDaysOfMonth(dom);
        }
    }

    /**
     * Parses the attributes (missing ones take {@code ScheduleExpression}'s defaults) in {@code zone}.
     *
     * @throws IllegalArgumentException naming the attribute and what is wrong with it
     */
    public static Cron of(Map<String, String> attributes, ZoneId zone) {
        Map<String, String> t = new LinkedHashMap<>();
        for (String k : attributes.keySet()) {
            if (!ATTRIBUTES.contains(k)) {
                throw new IllegalArgumentException(
                        "unknown cron attribute '" + k + "'; allowed: " + String.join(", ", ATTRIBUTES));
            }
        }
        for (String a : ATTRIBUTES) {
            String v = attributes.getOrDefault(a, DEFAULTS.get(a));
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("cron attribute '" + a + "' is empty");
            }
            v = v.trim().replaceAll("\\s+", " ");
            if (v.length() > MAX_ATTRIBUTE_CHARS) {
                throw new IllegalArgumentException(
                        "cron attribute '" + a + "' is longer than " + MAX_ATTRIBUTE_CHARS + " characters");
            }
            t.put(a, v);
        }
        Cron c = new Cron(t, zone == null ? ZoneId.of("UTC") : zone);
        if (c.next(Instant.EPOCH) == null) {
            throw new IllegalArgumentException("the cron expression never fires: " + c);
        }
        return c;
    }

    /**
     * Parses the string form: six or seven attributes separated by spaces, in {@link #ATTRIBUTES} order ({@code
     * "0 0/15 8-17 * * Mon-Fri"}); the year defaults to {@code *}. Day-of-month forms with a space ({@code 1st Mon})
     * need the attribute form.
     */
    public static Cron parse(String expression, ZoneId zone) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("cron expression is empty");
        }
        if (expression.length() > 7 * MAX_ATTRIBUTE_CHARS) {
            throw new IllegalArgumentException("cron expression is too long");
        }
        String[] parts = expression.trim().split("\\s+");
        if (parts.length < 6 || parts.length > 7) {
            throw new IllegalArgumentException("cron expression must have 6 or 7 space-separated attributes ("
                    + String.join(" ", ATTRIBUTES) + "), got " + parts.length);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            m.put(ATTRIBUTES.get(i), parts[i]);
        }
        return of(m, zone);
    }

    /** The seven attributes, defaults filled in, in {@link #ATTRIBUTES} order. */
    public Map<String, String> attributes() {
        return java.util.Collections.unmodifiableMap(text);
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first firing strictly after {@code after}, or null when there is none (a year list in the past). */
    public Instant next(Instant after) {
        ZonedDateTime z = after.atZone(zone);
        LocalDateTime t = z.toLocalDateTime().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        // Each step moves forward to the next candidate of one attribute; a few hundred steps per year at most.
        for (int guard = 0; guard < 100_000; guard++) {
            if (t.getYear() > MAX_YEAR) {
                return null;
            }
            if (years != null && !years.get(t.getYear())) {
                int ny = years.nextSetBit(t.getYear());
                if (ny < 0) {
                    return null;
                }
                t = LocalDateTime.of(ny, 1, 1, 0, 0);
                continue;
            }
            if (!months.get(t.getMonthValue())) {
                t = YearMonth.from(t).plusMonths(1).atDay(1).atStartOfDay();
                continue;
            }
            if (!dayMatches(t.toLocalDate())) {
                t = t.toLocalDate().plusDays(1).atStartOfDay();
                continue;
            }
            int h = hours.nextSetBit(t.getHour());
            if (h < 0) {
                t = t.toLocalDate().plusDays(1).atStartOfDay();
                continue;
            }
            if (h != t.getHour()) {
                t = t.toLocalDate().atTime(h, 0);
            }
            int m = minutes.nextSetBit(t.getMinute());
            if (m < 0) {
                t = t.toLocalDate().atTime(t.getHour(), 0).plusHours(1);
                continue;
            }
            if (m != t.getMinute()) {
                t = t.toLocalDate().atTime(t.getHour(), m);
            }
            int s = seconds.nextSetBit(t.getSecond());
            if (s < 0) {
                t = t.toLocalDate().atTime(t.getHour(), t.getMinute()).plusMinutes(1);
                continue;
            }
            t = t.toLocalDate().atTime(LocalTime.of(t.getHour(), t.getMinute(), s));
            Instant i = zoned(t);
            if (i.isAfter(after)) {
                return i;
            }
            t = t.plusSeconds(1); // a local time repeated by a DST change: already fired at the earlier offset
        }
        return null;
    }

    private Instant zoned(LocalDateTime t) {
        try {
            return ZonedDateTime.ofLocal(t, zone, null).toInstant(); // a gap: shifted forward by its length
        } catch (DateTimeException e) {
            return t.atZone(zone).toInstant();
        }
    }

    private boolean dayMatches(LocalDate d) {
        boolean dom = daysOfMonth.get(d.getDayOfMonth()) || daySpecs.stream().anyMatch(s -> s.matches(d));
        boolean dow = daysOfWeek.get(d.getDayOfWeek().getValue() % 7);
        if (!domWild && !dowWild) {
            return dom || dow; // EJB: either restricted attribute may match
        }
        return dom && dow;
    }

    private void parseDaysOfMonth(String dom) {
        String[] items = dom.split(",");
        if (items.length > MAX_LIST) {
            throw new IllegalArgumentException("cron attribute 'dayOfMonth' has more than " + MAX_LIST + " items");
        }
        for (String raw : items) {
            String item = raw.trim().toLowerCase(Locale.ROOT);
            if (item.equals("last")) {
                daySpecs.add(new DaySpec(0, -1, 0));
            } else if (item.matches("-[1-7]")) {
                daySpecs.add(new DaySpec(0, -1, Integer.parseInt(item.substring(1))));
            } else if (item.contains(" ")) {
                String[] p = item.split(" ");
                int ord = ORDINALS.indexOf(p[0]);
                int day = p.length == 2 ? DAYS.indexOf(p[1]) : -1;
                if (p.length != 2 || ord < 0 || day < 0) {
                    throw new IllegalArgumentException("cron attribute 'dayOfMonth': '" + raw.trim()
                            + "' is not of the form '1st Mon' ... '5th Sun' or 'Last Fri'");
                }
                daySpecs.add(new DaySpec(ord + 1, day, 0));
            } else {
                daysOfMonth.or(values("dayOfMonth", item, 1, 31, null, false));
            }
        }
    }

    /** One attribute's values as a bit set over min..max. */
    private static BitSet values(
            String attribute, String value, int min, int max, List<String> names, boolean increments) {
        BitSet b = new BitSet(max + 1);
        String[] items = value.split(",", -1);
        if (items.length > MAX_LIST) {
            throw new IllegalArgumentException(
                    "cron attribute '" + attribute + "' has more than " + MAX_LIST + " items");
        }
        for (String raw : items) {
            String item = raw.trim().toLowerCase(Locale.ROOT);
            if (item.equals("*")) {
                b.set(min, max + 1);
            } else if (item.contains("/")) {
                if (!increments) {
                    throw new IllegalArgumentException("cron attribute '" + attribute
                            + "': increments (x/y) are allowed only for second, minute and hour");
                }
                String[] p = item.split("/", -1);
                int start = p[0].equals("*") ? min : number(attribute, p[0], min, max, names);
                int step = number(attribute, p[1], 1, max + 1, null);
                for (int i = start; i <= max; i += step) {
                    b.set(i);
                }
            } else if (item.indexOf('-', 1) > 0) {
                int dash = item.indexOf('-', 1);
                int a = number(attribute, item.substring(0, dash), min, max, names);
                int z = number(attribute, item.substring(dash + 1), min, max, names);
                if (a <= z) {
                    b.set(a, z + 1);
                } else if (attribute.equals("year")) {
                    throw new IllegalArgumentException("cron attribute 'year': range " + item + " runs backwards");
                } else { // wraps: 22-2 is 22..max and min..2
                    b.set(a, max + 1);
                    b.set(min, z + 1);
                }
            } else {
                b.set(number(attribute, item, min, max, names));
            }
        }
        return b;
    }

    private static int number(String attribute, String s, int min, int max, List<String> names) {
        String t = s.trim();
        if (names != null) {
            int i = names.indexOf(t);
            if (i >= 0) {
                return names == MONTHS ? i + 1 : i;
            }
        }
        if (!t.matches("\\d{1,4}")) {
            throw new IllegalArgumentException("cron attribute '" + attribute + "': '" + s + "' is not a value"
                    + (names != null ? " (a number or a name like " + names.get(1) + ")" : ""));
        }
        int n = Integer.parseInt(t);
        if (n < min || n > max) {
            throw new IllegalArgumentException(
                    "cron attribute '" + attribute + "': " + n + " is outside " + min + ".." + max);
        }
        return n;
    }

    @Override
    public String toString() {
        return text + " " + zone;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cron c && c.text.equals(text) && c.zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + zone.hashCode();
    }
}
