package io.pushhub.broker;

import java.time.Duration;

/**
 * How much history one topic keeps.
 *
 * @param size publications kept (the oldest are trimmed first), at least 1
 * @param ttl how long the history is kept after the topic's last publication, at least one second
 */
public record HistoryPolicy(int size, Duration ttl) {

    /**
     * How long a topic's epoch and last offset outlive its history, so that a client resuming after the history
     * expired hears "expired" (with the range it missed) rather than "epoch_changed".
     */
    public static final Duration META_TTL = Duration.ofDays(30);

    public HistoryPolicy {
        if (size < 1) {
            throw new IllegalArgumentException("history size must be at least 1, got " + size);
        }
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("history ttl must be at least PT1S, got " + ttl);
        }
    }

    /** How long the epoch and offset of a topic are kept after its last publication. */
    public Duration metaTtl() {
        return ttl.compareTo(META_TTL) > 0 ? ttl : META_TTL;
    }
}
