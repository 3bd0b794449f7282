package io.pushhub.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Joins replay and live traffic for one connection resuming one topic, with no gap and no duplicate at the seam.
 * The gate is installed before the connection is subscribed, so every live message from then on passes it: while
 * history is being read it buffers them; once the replay is queued it lets through the buffered and later messages
 * except those the replay already covered (same epoch, offset at or below the seam). It stays as a duplicate filter
 * for as long as the subscription lasts, because a live copy of a replayed message can still be on its way from
 * another node. Thread-safe.
 *
 * @param <T> what a held message is (the hub holds {@link io.pushhub.delivery.Frame}s, so their expiry goes along)
 */
final class SeamGate<T> {

    private record Held<T>(long offset, String epoch, T text) {}

    private final int maxHeld;
    private List<Held<T>> held = new ArrayList<>();
    private boolean overflow;
    private long seamOffset;
    private String seamEpoch;

    SeamGate(int maxHeld) {
        this.maxHeld = maxHeld;
    }

    /**
     * Offers a live message.
     *
     * @return true when the caller must not deliver it now (buffered, or a duplicate of the replay)
     */
    synchronized boolean hold(long offset, String epoch, T text) {
        if (held != null) {
            if (held.size() >= maxHeld) {
                overflow = true;
            } else {
                held.add(new Held<>(offset, epoch, text));
            }
            return true;
        }
        return covered(offset, epoch);
    }

    /**
     * Ends buffering: delivers every held message the replay did not cover, in arrival order, before any later live
     * message can pass.
     *
     * @return false when more messages arrived during the read than could be held (the caller treats the connection as
     *     a slow consumer)
     */
    synchronized boolean open(long offset, String epoch, Consumer<T> deliver) {
        seamOffset = offset;
        seamEpoch = epoch;
        List<Held<T>> pending = held;
        held = null;
        for (Held<T> h : pending) {
            if (!covered(h.offset, h.epoch)) {
                deliver.accept(h.text);
            }
        }
        return !overflow;
    }

    private boolean covered(long offset, String epoch) {
        return epoch != null && epoch.equals(seamEpoch) && offset <= seamOffset;
    }
}
