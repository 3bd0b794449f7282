package io.pushhub.events;

/**
 * Where a topic's or user's sequence starts: the clock in milliseconds times 1000. A sequence then grows by one per
 * event; when its counter was forgotten (idle longer than its retention) it starts again from the clock, which is
 * above every number it gave before (unless it gave more than 1000 events per millisecond of its life), so a receiver
 * sees a jump (a gap: time to reconcile), never a number going back. The values stay below 2^53, exact in JSON and
 * JavaScript.
 */
final class Seqs {

    private Seqs() {}

    static long start(long nowMillis) {
        return nowMillis * 1000;
    }
}
