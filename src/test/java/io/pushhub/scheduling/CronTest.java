package io.pushhub.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The EJB ScheduleExpression semantics that recurring pushes rely on. */
class CronTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static List<Instant> times(Cron c, Instant from, int n) {
        List<Instant> out = new ArrayList<>();
        Instant t = from;
        for (int i = 0; i < n; i++) {
            t = c.next(t);
            out.add(t);
        }
        return out;
    }

    @Test
    void defaultsAreThoseOfScheduleExpressionMidnightEveryDay() {
        Cron c = Cron.of(Map.of(), UTC);
        assertEquals(Instant.parse("2026-12-03T00:00:00Z"), c.next(Instant.parse("2026-12-02T06:00:00Z")));
        assertEquals("0", c.attributes().get("second"));
        assertEquals("*", c.attributes().get("dayOfWeek"));
    }

    @Test
    void incrementsAndRangesInTheStringForm() {
        Cron c = Cron.parse("*/20 0/15 8-9 * * Mon-Fri", UTC);
        // Friday 2026-12-04 09:45:40 -> next is Monday 08:00:00
        assertEquals(
                List.of(Instant.parse("2026-12-07T08:00:00Z"), Instant.parse("2026-12-07T08:00:20Z")),
                times(c, Instant.parse("2026-12-04T09:45:40Z"), 2));
    }

    @Test
    void wrappingRangeOfHours() {
        Cron c = Cron.parse("0 0 22-1 * * *", UTC);
        assertEquals(
                List.of(
                        Instant.parse("2026-12-02T22:00:00Z"),
                        Instant.parse("2026-12-02T23:00:00Z"),
                        Instant.parse("2026-12-03T00:00:00Z"),
                        Instant.parse("2026-12-03T01:00:00Z"),
                        Instant.parse("2026-12-03T22:00:00Z")),
                times(c, Instant.parse("2026-12-02T12:00:00Z"), 5));
    }

    @Test
    void lastDayNthWeekdayAndDaysBeforeTheLast() {
        assertEquals(
                Instant.parse("2027-02-28T12:00:00Z"),
                Cron.of(Map.of("hour", "12", "dayOfMonth", "Last"), UTC).next(Instant.parse("2027-02-01T00:00:00Z")));
        assertEquals(
                Instant.parse("2026-12-08T00:00:00Z"),
                Cron.of(Map.of("dayOfMonth", "2nd Tue"), UTC).next(Instant.parse("2026-12-02T00:00:00Z")));
        assertEquals(
                Instant.parse("2026-12-25T00:00:00Z"),
                Cron.of(Map.of("dayOfMonth", "Last Fri"), UTC).next(Instant.parse("2026-12-02T00:00:00Z")));
        assertEquals(
                Instant.parse("2026-12-29T00:00:00Z"),
                Cron.of(Map.of("dayOfMonth", "-2"), UTC).next(Instant.parse("2026-12-02T00:00:00Z")));
    }

    @Test
    void dayOfMonthOrDayOfWeekWhenBothAreRestricted() {
        // the 15th, or any Sunday (EJB: either matches)
        Cron c = Cron.of(Map.of("dayOfMonth", "15", "dayOfWeek", "Sun"), UTC);
        assertEquals(
                List.of(
                        Instant.parse("2026-12-06T00:00:00Z"),
                        Instant.parse("2026-12-13T00:00:00Z"),
                        Instant.parse("2026-12-15T00:00:00Z")),
                times(c, Instant.parse("2026-12-02T00:00:00Z"), 3));
    }

    @Test
    void timeZoneAndDaylightSavingChanges() {
        Cron nine = Cron.parse("0 0 9 * * *", BERLIN);
        assertEquals(Instant.parse("2026-12-03T08:00:00Z"), nine.next(Instant.parse("2026-12-02T09:00:00Z")));
        assertEquals(Instant.parse("2026-07-03T07:00:00Z"), nine.next(Instant.parse("2026-07-02T09:00:00Z")));
        // 02:30 does not exist on 2026-03-29 in Berlin: fired at the first instant after the gap (03:30 CEST)
        Cron gap = Cron.parse("0 30 2 * * *", BERLIN);
        assertEquals(Instant.parse("2026-03-29T01:30:00Z"), gap.next(Instant.parse("2026-03-28T12:00:00Z")));
        // 02:30 happens twice on 2026-10-25: fired once, at the earlier offset
        List<Instant> twice = times(gap, Instant.parse("2026-10-24T12:00:00Z"), 2);
        assertEquals(List.of(Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z")), twice);
    }

    @Test
    void namesAndSundayAsSeven() {
        Cron c = Cron.of(Map.of("month", "Feb", "dayOfWeek", "7", "dayOfMonth", "*"), UTC);
        assertEquals(Instant.parse("2027-02-07T00:00:00Z"), c.next(Instant.parse("2026-12-02T00:00:00Z")));
    }

    @Test
    void yearsInThePastNeverFire() {
        assertNull(Cron.parse("0 0 0 * * * 2001", UTC).next(Instant.parse("2026-12-02T00:00:00Z")));
        assertNull(Cron.parse("0 0 0 1 1 * 2027", UTC).next(Instant.parse("2027-06-01T00:00:00Z")));
    }

    @Test
    void badInputNamesTheAttribute() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("61 * * * * *", UTC))
                .getMessage()
                .contains("'second'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 0 0 1/2 * *", UTC))
                .getMessage()
                .contains("increments"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.of(Map.of("minutes", "1"), UTC))
                .getMessage()
                .contains("unknown cron attribute"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("* * *", UTC))
                .getMessage()
                .contains("6 or 7"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.of(Map.of("dayOfMonth", "6th Mon"), UTC))
                .getMessage()
                .contains("dayOfMonth"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 0 0 31 Feb *", UTC))
                .getMessage()
                .contains("never fires"));
        String longList = "1" + ",1".repeat(70);
        assertThrows(IllegalArgumentException.class, () -> Cron.of(Map.of("minute", longList), UTC));
    }
}
