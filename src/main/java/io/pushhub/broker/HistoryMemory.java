package io.pushhub.broker;

import io.pushhub.stats.Count;

/** Topic history held in this JVM's heap against the budget {@code pushhub.history.max-bytes} (memory broker). */
public interface HistoryMemory {

    /** The budget in bytes for all topics' kept messages. */
    long maxBytes();

    /** Bytes charged for the messages kept now (encoded JSON text plus a small per-message overhead). */
    long bytes();

    /** Messages kept now, over all topics. */
    long messages();

    /** Messages evicted since start because the budget was exceeded (oldest of the least recently used topics). */
    Count evicted();

    /** Messages not kept at all since start because each alone was charged more than budget / 16. */
    Count notKept();
}
