package io.pushhub.broker;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sticky subscriptions in this JVM's heap (the memory broker's): user id to topics. Bounded twice: {@code maxPerUser}
 * topics per user (the caller's, {@code pushhub.subscriptions.max-sticky}) and {@link #maxUsers} users in all, so a
 * backend that stores one per user for millions of users cannot exhaust the heap; past either bound an add is
 * refused ({@link Broker.StickyAdded#FULL}), never an older entry dropped silently.
 *
 * <p>Thread-safe: each user's set is changed under the map's per-key lock.
 */
public final class StickyMemory {

    /** Users with sticky subscriptions held at most by one memory broker. */
    public static final int DEFAULT_MAX_USERS = 100_000;

    private final ConcurrentHashMap<String, Set<String>> byUser = new ConcurrentHashMap<>();
    private final int maxUsers;

    public StickyMemory(int maxUsers) {
        if (maxUsers < 1) {
            throw new IllegalArgumentException("maxUsers must be at least 1, got " + maxUsers);
        }
        this.maxUsers = maxUsers;
    }

    Broker.StickyAdded add(String userId, String topic, int maxPerUser) {
        Broker.StickyAdded[] out = {Broker.StickyAdded.FULL};
        byUser.compute(userId, (user, set) -> {
            if (set == null) {
                if (byUser.size() >= maxUsers) {
                    return null; // FULL: the store is at its bound
                }
                set = new LinkedHashSet<>();
            }
            if (set.contains(topic)) {
                out[0] = Broker.StickyAdded.ALREADY;
            } else if (set.size() < maxPerUser) {
                set.add(topic);
                out[0] = Broker.StickyAdded.ADDED;
            }
            return set.isEmpty() ? null : set;
        });
        return out[0];
    }

    boolean remove(String userId, String topic) {
        boolean[] removed = {false};
        byUser.computeIfPresent(userId, (user, set) -> {
            removed[0] = set.remove(topic);
            return set.isEmpty() ? null : set;
        });
        return removed[0];
    }

    List<String> topics(String userId) {
        List<String>[] out = new List[] {List.of()};
        byUser.computeIfPresent(userId, (user, set) -> {
            out[0] = set.stream().sorted().toList();
            return set;
        });
        return out[0];
    }

    /** Users with at least one sticky subscription. */
    public int users() {
        return byUser.size();
    }
}
