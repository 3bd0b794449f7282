package io.pushhub.authorization;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hook's subscribe answers, reused for a short time so that a user who subscribes to the same topic again (a
 * reconnect, a second tab) does not cost the backend a request each time. Holds at most {@code size} answers, the
 * least recently used going first; an answer is never used after {@code ttl}. Failures are never cached. Thread-safe
 * (one lock; the work under it is a map lookup).
 */
final class DecisionCache {

    private final int size;
    private final long ttlNanos;
    private final LinkedHashMap<String, Entry> entries;

    private record Entry(HookDecision decision, long expiresNanos) {}

    DecisionCache(int size, Duration ttl) {
        this.size = size;
        this.ttlNanos = ttl.toNanos();
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > DecisionCache.this.size;
            }
        };
    }

    private boolean off() {
        return size == 0 || ttlNanos == 0;
    }

    /** The cached answer, or null (none, or too old). */
    HookDecision get(String key) {
        if (off()) {
            return null;
        }
        synchronized (entries) {
            Entry e = entries.get(key);
            if (e == null) {
                return null;
            }
            if (System.nanoTime() - e.expiresNanos() >= 0) {
                entries.remove(key);
                return null;
            }
            return e.decision();
        }
    }

    void put(String key, HookDecision decision) {
        if (off()) {
            return;
        }
        synchronized (entries) {
            entries.put(key, new Entry(decision, System.nanoTime() + ttlNanos));
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
