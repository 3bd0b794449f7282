package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.broker.HistoryRead;
import io.pushhub.broker.Publication;
import io.pushhub.broker.StreamPosition;
import jakarta.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecoveryDecidesReplayOrLossTest {

    private static HistoryRead read(long latest, String epoch, long first, boolean kept) {
        List<Publication> ps = new ArrayList<>();
        for (long o = first; first > 0 && o <= latest; o++) {
            ps.add(new Publication(
                    "n", Publication.Kind.TOPIC, List.of("t"), "m" + o, null, 0, Json.createValue(o), o, epoch));
        }
        return new HistoryRead(new StreamPosition(latest, epoch), ps, kept);
    }

    @Test
    void everyMissedOffsetKeptMeansRecoveredWithExactlyThose() {
        Recovery r = Recovery.of(17, "e1", read(20, "e1", 18, true));
        assertTrue(r.recovered());
        assertEquals(
                List.of(18L, 19L, 20L),
                r.replay().stream().map(Publication::offset).toList());
        assertEquals(20, r.position().offset());
    }

    @Test
    void upToDateClientRecoversNothing() {
        Recovery r = Recovery.of(20, "e1", read(20, "e1", 0, true));
        assertTrue(r.recovered());
        assertEquals(List.of(), r.replay());
    }

    @Test
    void trimmedHistoryNamesTheWholeMissedRange() {
        Recovery r = Recovery.of(17, "e1", read(25, "e1", 21, true));
        assertFalse(r.recovered());
        assertEquals(Recovery.TRIMMED, r.reason());
        assertEquals(18, r.missedFrom());
        assertEquals(25, r.missedTo());
        assertEquals(List.of(), r.replay(), "no partial replay: the client is told what it missed");
    }

    @Test
    void expiredHistory() {
        Recovery r = Recovery.of(17, "e1", read(25, "e1", 0, false));
        assertEquals(Recovery.EXPIRED, r.reason());
        assertEquals(18, r.missedFrom());
        assertEquals(25, r.missedTo());
    }

    @Test
    void otherEpochOrAnOffsetFromTheFutureIsAnEpochChange() {
        Recovery r = Recovery.of(17, "old", read(3, "new", 1, true));
        assertEquals(Recovery.EPOCH_CHANGED, r.reason());
        assertEquals(1, r.missedFrom());
        assertEquals(3, r.missedTo());
        assertEquals("new", r.position().epoch());
        Recovery ahead = Recovery.of(30, "e1", read(25, "e1", 1, true));
        assertEquals(Recovery.EPOCH_CHANGED, ahead.reason());
        Recovery emptyNew = Recovery.of(5, "old", read(0, "new", 0, true));
        assertEquals(0, emptyNew.missedTo(), "nothing published in the new epoch yet: no range");
    }
}
