package io.pushhub.broker;

import java.util.List;
import java.util.function.Consumer;

/**
 * How the nodes of a cluster exchange pushes, and where topic history lives. One node uses {@link MemoryBroker} (the
 * default: no external service); several nodes share a {@link io.pushhub.broker.redis.RedisBroker}.
 *
 * <h2>Guarantees every implementation gives</h2>
 *
 * <ul>
 *   <li><b>At-most-once live delivery.</b> {@link #publish} and {@link #publishWithHistory} hand a publication to the
 *       other nodes' listeners at most once; a node that is disconnected from the broker when it is published never
 *       sees it live. Topics with history make up for this: a client resumes from its last offset.
 *   <li><b>Ordering per topic.</b> Publications of one topic reach each listener in the order the broker accepted
 *       them, which for history topics is offset order. (The publishing node delivers to its own connections itself,
 *       so it does not depend on the broker being up.)
 *   <li><b>History append and publish are atomic per topic.</b> {@link #publishWithHistory} assigns the next offset
 *       (1, 2, 3, ... per topic and epoch), appends to the history and publishes in one step: no listener sees a
 *       publication that is not in the history, and offsets have no holes or duplicates.
 *   <li><b>Epochs.</b> A topic's epoch changes whenever its offsets restart (history lost, e.g. Redis restarted
 *       without persistence). An offset means something only together with its epoch.
 *   <li><b>Own echoes.</b> The listener never receives the node's own publications.
 * </ul>
 *
 * <p>Thread-safe. Methods never block longer than the broker's command time-out; when the broker is unreachable they
 * throw {@link BrokerUnavailableException} at once instead of queueing. Returned values are immutable snapshots; no
 * argument or result is null unless stated.
 */
public interface Broker {

    /**
     * Starts the broker and delivers every publication of other nodes to {@code listener}, on a broker thread, one at
     * a time, in order. Calls to the listener are isolated: an exception it throws is logged and the next publication
     * is delivered. Never throws because the broker is unreachable: it keeps trying in the background.
     */
    void start(String nodeId, Consumer<Publication> listener);

    /**
     * Registers {@code callback} to run on the listener's thread (before any later publication is delivered) each time
     * the live feed was interrupted and is flowing again: publications made in between were not delivered, and the
     * node can read them from the history. A broker whose feed cannot be interrupted never calls it.
     */
    default void onFeedResumed(Runnable callback) {}

    /** Stops delivering and releases connections and threads. Idempotent. */
    void stop();

    /** Hands a publication without history (broadcast, users, connections, presence, topics without history) to the other nodes. */
    void publish(Publication publication) throws BrokerUnavailableException;

    /**
     * Appends a topic publication to the topic's history and publishes it, atomically.
     *
     * @param publication a {@link Publication.Kind#TOPIC} publication; its offset and epoch are ignored
     * @return the publication with the offset and epoch it was given
     */
    Publication publishWithHistory(Publication publication, HistoryPolicy policy) throws BrokerUnavailableException;

    /**
     * Claims an idempotency key and, only if this is the first claim within its window, hands the publications over
     * exactly as {@link #publish} (policy null) and {@link #publishWithHistory} (policy given) would, all in one atomic
     * step: no node sees a publication whose claim is not recorded, and no claim is recorded without its publications
     * (a node that dies in the middle leaves neither, so the caller's retry is safe). A repeat within the window
     * publishes nothing and returns the first claim's value. The caller delivers to its own connections only after
     * this returned the first claim.
     *
     * @param publications each with its history policy at the same index of {@code policies} (null: no history)
     * @throws BrokerUnavailableException when the broker cannot be asked: nothing may be delivered, since whether the
     *     key was seen is unknown (a time-out may still have made the claim; a retry then answers duplicate)
     */
    Idempotency.Claimed publishClaimed(
            Idempotency.Claim claim, List<Publication> publications, List<HistoryPolicy> policies)
            throws BrokerUnavailableException;

    /**
     * Claims an idempotency key without publishing (e.g. for a push scheduled for later).
     *
     * @return null when this is the first claim within the window; else the first claim's value
     */
    default String claim(Idempotency.Claim claim) throws BrokerUnavailableException {
        return publishClaimed(claim, List.of(), List.of()).firstValue();
    }

    /** Gives up a claim that still holds {@code value} (its push could not be made). Best effort. */
    void release(String key, String value) throws BrokerUnavailableException;

    /**
     * The idempotency keys this broker holds in this JVM's heap, or null when they live elsewhere (Redis).
     */
    default IdempotencyMemory idempotencyMemory() {
        return null;
    }

    /** Outcome of {@link #addSticky}. */
    enum StickyAdded {
        /** Stored now. */
        ADDED,
        /** Was stored already: nothing changed. */
        ALREADY,
        /** Not stored: the user has {@code maxPerUser} sticky subscriptions (or the store is at its bound). */
        FULL
    }

    /**
     * Stores a sticky subscription: every connection the user opens from now on, on any node, is subscribed to {@code
     * topic} when it opens, until {@link #removeSticky} (they outlive connections and node restarts; in the memory
     * broker, not the node's own restart). At most {@code maxPerUser} topics per user; atomic, so concurrent adds never
     * exceed it.
     */
    StickyAdded addSticky(String userId, String topic, int maxPerUser) throws BrokerUnavailableException;

    /** Removes a sticky subscription. @return whether it was stored */
    boolean removeSticky(String userId, String topic) throws BrokerUnavailableException;

    /** The user's sticky subscriptions, sorted by topic (a snapshot; empty when none). */
    List<String> stickyTopics(String userId) throws BrokerUnavailableException;

    /**
     * Reads a topic's history after {@code sinceOffset}, oldest first, at most {@code limit} publications, together
     * with the stream position at the time of the read (one consistent snapshot).
     */
    HistoryRead readHistory(String topic, long sinceOffset, int limit) throws BrokerUnavailableException;

    /**
     * The heap this broker's topic history holds and its budget, or null when the history is not in this JVM's heap
     * (Redis keeps it in Redis).
     */
    default HistoryMemory historyMemory() {
        return null;
    }

    /** Whether the broker is usable now, and why not. Never throws. */
    BrokerStatus status();

    /** True when other nodes can exist behind this broker (false for the single-node memory broker). */
    boolean distributed();
}
