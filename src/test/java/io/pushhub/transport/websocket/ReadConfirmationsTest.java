package io.pushhub.transport.websocket;

import static io.pushhub.transport.websocket.ReadConfirmations.ALLOWANCE;
import static io.pushhub.transport.websocket.ReadConfirmations.PING_EVERY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a client that reads, one that stops, and one that answers late see of the hub's sends on Payara. */
class ReadConfirmationsTest {

    private final List<Long> pings = new ArrayList<>();
    private final ReadConfirmations confirmations = new ReadConfirmations(pings::add);

    @Test
    void aClientThatReadsIsNeverHeldBack() {
        AtomicInteger done = new AtomicInteger();
        long frame = 1000;
        for (int i = 0; i < 10_000; i++) {
            confirmations.written(frame, t -> done.incrementAndGet());
            if (!pings.isEmpty()) {
                confirmations.pong(pings.remove(0)); // the client answers each ping at once
            }
        }
        assertEquals(10_000, done.get(), "every send completed at once");
        assertTrue(confirmations.unconfirmed() < PING_EVERY + frame, "confirmed as it went");
    }

    @Test
    void aClientThatStopsReadingHoldsTheSendInFlightOnceTheAllowanceIsUsed() {
        AtomicInteger done = new AtomicInteger();
        long frame = 10_000;
        int sends = 0;
        while (done.get() == sends) {
            sends++;
            confirmations.written(frame, t -> done.incrementAndGet());
            assertTrue(sends < 1000, "a send was held back at some point");
        }
        assertEquals(sends - 1, done.get());
        assertTrue(confirmations.unconfirmed() > ALLOWANCE, "held back only beyond the allowance");
        assertTrue(confirmations.unconfirmed() <= ALLOWANCE + frame, "held back as soon as it was exceeded");
        assertEquals(1, pings.size(), "one ping outstanding, no ping storm for a client that does not answer");
    }

    @Test
    void aLatePongReleasesTheHeldSendAndAsksAgainForTheRest() {
        AtomicInteger done = new AtomicInteger();
        int sends = 0;
        while (done.get() == sends) {
            sends++;
            confirmations.written(20_000, t -> done.incrementAndGet());
        }
        long sent = sends * 20_000L;
        long firstPing = pings.remove(0);
        assertEquals(40_000, firstPing, "the first ping went out once 32 KiB were unconfirmed");
        assertTrue(pings.isEmpty(), "no second ping while the first is outstanding");

        confirmations.pong(firstPing); // the client read that far
        assertEquals(sends, done.get(), "released: what is still unconfirmed is within the allowance");
        assertEquals(List.of(sent), pings, "asked again at once for everything sent, as no send will come to ask");
        assertEquals(sent - firstPing, confirmations.unconfirmed());

        confirmations.pong(pings.remove(0));
        assertEquals(0, confirmations.unconfirmed());
    }

    @Test
    void unsolicitedOrStalePongsChangeNothing() {
        AtomicInteger done = new AtomicInteger();
        while (confirmations.unconfirmed() <= ALLOWANCE) {
            confirmations.written(50_000, t -> done.incrementAndGet());
        }
        int before = done.get();
        confirmations.pong(12345);
        confirmations.pong(Long.MAX_VALUE);
        assertEquals(before, done.get(), "a pong the hub did not ask for proves nothing");
        assertFalse(pings.isEmpty());
    }

    @Test
    void aFrameLargerThanTheAllowanceGoesAloneAndWaitsForItsConfirmation() {
        AtomicInteger done = new AtomicInteger();
        confirmations.written(ALLOWANCE * 4, t -> done.incrementAndGet());
        assertEquals(0, done.get());
        assertEquals(List.of(ALLOWANCE * 4), pings);
        confirmations.pong(pings.remove(0));
        assertEquals(1, done.get());
    }
}
