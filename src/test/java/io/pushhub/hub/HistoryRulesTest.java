package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.broker.HistoryPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryRulesTest {

    @Test
    void firstMatchingEntryWinsAndEntriesMayOverrideSizeAndTtl() {
        HistoryRules r =
                new HistoryRules(List.of("chat:*;size=500;ttl=PT1H", " news ", "*"), 100, Duration.ofMinutes(10));
        assertEquals(new HistoryPolicy(500, Duration.ofHours(1)), r.policyFor("chat:lobby"));
        assertEquals(new HistoryPolicy(100, Duration.ofMinutes(10)), r.policyFor("news"));
        assertEquals(new HistoryPolicy(100, Duration.ofMinutes(10)), r.policyFor("anything"));
        assertEquals(500, r.maxSize());
    }

    @Test
    void anExclamationMarkExcludesTopics() {
        HistoryRules r = new HistoryRules(List.of("!time", "!internal:*", "*"), 100, Duration.ofMinutes(10));
        assertNull(r.policyFor("time"));
        assertNull(r.policyFor("internal:x"));
        assertEquals(100, r.policyFor("news").size());
    }

    @Test
    void noEntriesMeansNoHistory() {
        HistoryRules r = new HistoryRules(List.of(), 100, Duration.ofMinutes(10));
        assertNull(r.policyFor("news"));
    }

    @Test
    void badEntriesAreRefusedNamingTheEntry() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new HistoryRules(List.of("news;size=lots"), 100, Duration.ofMinutes(1)));
        assertTrue(e.getMessage().contains("news;size=lots"), e.getMessage());
        IllegalArgumentException zero = assertThrows(
                IllegalArgumentException.class,
                () -> new HistoryRules(List.of("news;size=0"), 100, Duration.ofMinutes(1)));
        assertTrue(zero.getMessage().contains("at least 1"), zero.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new HistoryRules(List.of("news;colour=red"), 100, Duration.ofMinutes(1)));
    }
}
