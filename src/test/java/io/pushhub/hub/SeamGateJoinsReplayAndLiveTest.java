package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeamGateJoinsReplayAndLiveTest {

    @Test
    void heldMessagesAfterTheSeamPassInOrderAndReplayedOnesNever() {
        SeamGate<String> gate = new SeamGate<>(10);
        assertTrue(gate.hold(19, "e", "19"), "held while the history is read");
        assertTrue(gate.hold(21, "e", "21"));
        assertTrue(gate.hold(0, null, "no-offset"));
        List<String> out = new ArrayList<>();
        assertTrue(gate.open(20, "e", out::add));
        assertEquals(List.of("21", "no-offset"), out, "19 was in the replay; 21 and the offset-less one were not");
        assertTrue(gate.hold(20, "e", "late copy of 20"), "a late live copy of a replayed offset is dropped");
        assertFalse(gate.hold(22, "e", "22"), "later messages pass straight through");
        assertFalse(gate.hold(3, "other-epoch", "3"), "another epoch is never a duplicate");
    }

    @Test
    void tooManyHeldMessagesIsReported() {
        SeamGate<String> gate = new SeamGate<>(2);
        gate.hold(1, "e", "1");
        gate.hold(2, "e", "2");
        gate.hold(3, "e", "3");
        List<String> out = new ArrayList<>();
        assertFalse(gate.open(0, "e", out::add), "overflow: the caller treats the connection as a slow consumer");
        assertEquals(List.of("1", "2"), out);
    }
}
