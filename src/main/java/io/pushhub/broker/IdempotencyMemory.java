package io.pushhub.broker;

import io.pushhub.stats.Count;
import java.util.HashMap;
import java.util.PriorityQueue;

/**
 * The idempotency keys of the memory broker: a bounded map from key to the value of its first claim, each held until
 * its window ends.
 *
 * <p><b>Bounds.</b> At most {@code maxKeys} keys; a claim that finds the store full first drops the keys whose window
 * has ended, then, if it is still full, evicts the key whose window ends soonest (with one window for all pushes: the
 * oldest). An evicted key's window is cut short: a repeat after its eviction is delivered again. Evictions are counted
 * ({@link #evicted()}, metric {@code pushhub_idempotency_evicted}). Each key costs about 200 bytes plus its text, so
 * the default 100,000 keys take about 30 MB at the most.
 *
 * <p><b>Threads and time.</b> Thread-safe (one lock, held for a map and a heap operation: O(log n)); no thread and no
 * timer per key: ended windows are dropped by the claims themselves. Time is passed in (epoch ms), so tests control
 * it.
 */
public final class IdempotencyMemory {

    /** One held key; {@code seq} breaks ties between equal ends so the older one goes first. */
    private record Held(String key, String value, long endsAt, long seq) {}

    private final int maxKeys;
    private final HashMap<String, Held> keys = new HashMap<>();
    private final PriorityQueue<Held> byEnd = new PriorityQueue<>(
            (a, b) -> a.endsAt != b.endsAt ? Long.compare(a.endsAt, b.endsAt) : Long.compare(a.seq, b.seq));
    private final Count evicted = new Count();
    private long seq;

    /** @param maxKeys at most this many keys are held, at least 1 */
    public IdempotencyMemory(int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("pushhub.idempotency.max-keys must be at least 1, got " + maxKeys);
        }
        this.maxKeys = maxKeys;
    }

    /**
     * Claims {@code key} for {@code windowMillis} from {@code nowMillis}.
     *
     * @return null when this claim is the first in the key's window (the value is now held); else the value of the
     *     first claim
     */
    public synchronized String claim(String key, String value, long windowMillis, long nowMillis) {
        dropEnded(nowMillis); // every ended key is at the head of the heap: after this, all held keys are live
        Held h = keys.get(key);
        if (h != null) {
            return h.value;
        }
        while (keys.size() >= maxKeys) {
            Held eldest = byEnd.poll();
            keys.remove(eldest.key);
            evicted.increment();
        }
        Held fresh = new Held(key, value, nowMillis + windowMillis, seq++);
        keys.put(key, fresh);
        byEnd.add(fresh);
        return null;
    }

    /**
     * Gives a key up again, if it still holds {@code value} (a claim whose push could not be made after all). O(n):
     * only for that rare case.
     */
    public synchronized void release(String key, String value) {
        Held h = keys.get(key);
        if (h != null && h.value.equals(value)) {
            keys.remove(key);
            byEnd.remove(h);
        }
    }

    private void dropEnded(long nowMillis) {
        Held head;
        while ((head = byEnd.peek()) != null && head.endsAt <= nowMillis) {
            byEnd.poll();
            keys.remove(head.key);
        }
    }

    /** Keys held now (some may have ended and not been dropped yet: that happens at the next claim). */
    public synchronized int size() {
        return keys.size();
    }

    public int maxKeys() {
        return maxKeys;
    }

    /** Keys evicted before their window ended because the store was full. */
    public Count evicted() {
        return evicted;
    }
}
