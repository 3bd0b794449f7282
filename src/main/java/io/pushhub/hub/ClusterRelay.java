package io.pushhub.hub;

import io.pushhub.IdempotencyUnavailableException;
import io.pushhub.Push;
import io.pushhub.PushResult;
import io.pushhub.Target;
import io.pushhub.broker.Broker;
import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.HistoryPolicy;
import io.pushhub.broker.HistoryRead;
import io.pushhub.broker.Idempotency;
import io.pushhub.broker.Publication;
import io.pushhub.broker.Tracking;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Where a push goes after the API: this node's recipients directly (so local delivery works while the broker is down)
 * and the {@link Broker} for the other nodes; and where the other nodes' publications come in ({@link #fromCluster}).
 * A topic with history gets its offset from the broker first, under the topic's lock, so this node's subscribers see
 * its pushes in offset order. What this node missed while its live feed was cut is delivered (or reported as a gap)
 * by the {@link ClusterCatchUp}.
 *
 * <p>Thread-safe; pushes come from any thread, publications of other nodes on the broker's thread.
 */
final class ClusterRelay {

    private final String nodeId;
    private final Broker broker;
    private final HistoryRules history;
    private final LocalDelivery local;
    private final HubStats stats;
    private final ClusterCatchUp catchUp;
    /** Topics that only {@link #pushLocal} feeds: every node produces them itself, so they keep no history. */
    private final Set<String> localTopics = ConcurrentHashMap.newKeySet();
    /** Pushes to one history topic from this node take the same lock, so local delivery follows offset order. */
    private final Object[] topicLocks = new Object[64];

    private final AtomicLong messageSeq = new AtomicLong();
    /** Where another node's server-side (un)subscribe requests go ({@link ServerSubscriptions#fromCluster}). */
    private volatile java.util.function.Consumer<Publication> control = p -> {};
    /** How long an idempotency key holds ({@code pushhub.idempotency.window}). */
    private final Duration idempotencyWindow;

    ClusterRelay(
            String nodeId,
            Broker broker,
            HistoryRules history,
            LocalDelivery local,
            ConnectionRegistry registry,
            HubStats stats,
            ScheduledExecutorService catchUpRetries) {
        this(nodeId, broker, history, local, registry, stats, catchUpRetries, Duration.ofHours(1));
    }

    ClusterRelay(
            String nodeId,
            Broker broker,
            HistoryRules history,
            LocalDelivery local,
            ConnectionRegistry registry,
            HubStats stats,
            ScheduledExecutorService catchUpRetries,
            Duration idempotencyWindow) {
        this.idempotencyWindow = idempotencyWindow;
        this.nodeId = nodeId;
        this.broker = broker;
        this.history = history;
        this.local = local;
        this.stats = stats;
        for (int i = 0; i < topicLocks.length; i++) {
            topicLocks[i] = new Object();
        }
        this.catchUp = new ClusterCatchUp(
                broker::readHistory, new CatchUpTarget(registry), catchUpRetries, ClusterCatchUp.Backoff.DEFAULT);
        local.watch(new LocalDelivery.TopicWatch() {
            @Override
            public void noSubscribers(String topic) {
                catchUp.forget(topic); // nobody here to catch up for
            }

            @Override
            public void delivered(String topic, long offset, String epoch) {
                catchUp.delivered(topic, offset, epoch);
            }
        });
        broker.onFeedResumed(catchUp::feedResumed);
    }

    String nodeId() {
        return nodeId;
    }

    /** Where another node's {@code RETRACT}s go ({@link Receipts#fromCluster}). */
    private volatile java.util.function.Consumer<Publication> retracts = p -> {};

    void onRetract(java.util.function.Consumer<Publication> handler) {
        this.retracts = handler;
    }

    /** Sets the handler of other nodes' {@code SUBSCRIBE}/{@code UNSUBSCRIBE} requests. */
    void onControl(java.util.function.Consumer<Publication> handler) {
        this.control = handler;
    }

    /**
     * What a push asks every node to track (receipts, trace), from the push and the calling context; {@link
     * Tracking#NONE} unless a feature sets it ({@link #trackWith}).
     */
    private volatile java.util.function.Function<Push, Tracking> tracking = p -> Tracking.NONE;

    /** Sets how a push's {@link Tracking} is derived (the hub composes receipts and tracing). */
    void trackWith(java.util.function.Function<Push, Tracking> f) {
        this.tracking = f;
    }

    String nextMessageId() {
        return "m-" + nodeId + "-" + Long.toHexString(messageSeq.incrementAndGet());
    }

    /** The topic's history policy, or null when it keeps none (not configured, or a node topic). */
    HistoryPolicy policy(String topic) {
        return localTopics.contains(topic) ? null : history.policyFor(topic);
    }

    void declareLocalTopic(String topic) {
        localTopics.add(topic);
    }

    HistoryRead readHistory(String topic, long sinceOffset, int limit) throws BrokerUnavailableException {
        return broker.readHistory(topic, sinceOffset, limit);
    }

    /** Pushes to a target now, on every node, with this message id. */
    PushResult push(Target target, JsonValue data, String messageId) {
        return push(target, data, messageId, 0);
    }

    /**
     * Pushes with options: without an idempotency key as {@link #push(Target, JsonValue, String, long)}; with one,
     * claimed and published in one broker step ({@link Broker#publishClaimed}), and delivered here only when the claim
     * was the first.
     *
     * @throws IdempotencyUnavailableException when the push has a key and the broker cannot be asked (nothing done)
     */
    PushResult push(Push push, String messageId) {
        long expiresAt = push.expiresAt() == null ? 0 : push.expiresAt().toEpochMilli();
        if (expiresAt != 0 && System.currentTimeMillis() >= expiresAt) {
            stats.countExpiredBeforePush(); // e.g. a scheduled push that fired after its expiry: not delivered
            return new ClusterOutcome(false).result(messageId, 0);
        }
        if (push.idempotencyKey() == null) {
            return push(
                    push.target(), push.data(), messageId, expiresAt, push.exceptConnection(), tracking.apply(push));
        }
        return pushClaimed(push, messageId, expiresAt, tracking.apply(push));
    }

    /** Pushes to a target now, on every node, with this message id, expiring at {@code expiresAt} (0: never). */
    PushResult push(Target target, JsonValue data, String messageId, long expiresAt) {
        return push(target, data, messageId, expiresAt, null);
    }

    /** As {@link #push(Target, JsonValue, String, long)}, skipping the connection {@code except} (null: none). */
    PushResult push(Target target, JsonValue data, String messageId, long expiresAt, String except) {
        return push(target, data, messageId, expiresAt, except, Tracking.NONE);
    }

    /** As {@link #push(Target, JsonValue, String, long, String)}, tracking {@code t} on every node. */
    PushResult push(Target target, JsonValue data, String messageId, long expiresAt, String except, Tracking t) {
        long accepted = System.nanoTime();
        stats.countPush();
        ClusterOutcome cluster = new ClusterOutcome(broker.distributed());
        int reached = 0;
        if (target instanceof Target.Topics topics) {
            for (String topic : topics.topics()) {
                reached += publishTopic(messageId, topic, null, data, expiresAt, except, t, cluster, accepted);
            }
            return cluster.result(messageId, reached);
        }
        Publication p = new Publication(
                nodeId,
                kindOf(target),
                target.names(),
                messageId,
                null,
                System.currentTimeMillis(),
                data,
                0,
                null,
                expiresAt,
                except,
                t);
        if (cluster.distributed) {
            try {
                broker.publish(p);
            } catch (BrokerUnavailableException e) {
                cluster.failed(e.getMessage());
            }
        }
        return cluster.result(messageId, local.toRecipients(p, accepted));
    }

    private PushResult pushClaimed(Push push, String messageId, long expiresAt, Tracking t) {
        long accepted = System.nanoTime();
        long now = System.currentTimeMillis();
        stats.countPush();
        List<Publication> publications = new ArrayList<>();
        List<HistoryPolicy> policies = new ArrayList<>();
        TreeSet<Integer> locks = new TreeSet<>();
        if (push.target() instanceof Target.Topics topics) {
            for (String topic : topics.topics()) {
                HistoryPolicy policy = policy(topic);
                publications.add(new Publication(
                        nodeId,
                        Publication.Kind.TOPIC,
                        List.of(topic),
                        messageId,
                        null,
                        now,
                        push.data(),
                        0,
                        null,
                        expiresAt,
                        push.exceptConnection(),
                        t));
                policies.add(policy);
                if (policy != null) {
                    locks.add(lockIndex(topic));
                }
            }
        } else {
            publications.add(new Publication(
                    nodeId,
                    kindOf(push.target()),
                    push.target().names(),
                    messageId,
                    null,
                    now,
                    push.data(),
                    0,
                    null,
                    expiresAt,
                    push.exceptConnection(),
                    t));
            policies.add(null);
        }
        Idempotency.Claim claim = new Idempotency.Claim(
                push.idempotencyKey(), ClaimValue.pushed(messageId).encode(), idempotencyWindow);
        // The history topics' locks, in index order (no deadlock between pushes), around the claim and the local
        // delivery: this node's subscribers see the offsets in order, as for pushes without a key.
        return underLocks(locks.stream().mapToInt(Integer::intValue).toArray(), 0, () -> {
            Idempotency.Claimed claimed;
            try {
                claimed = broker.publishClaimed(claim, publications, policies);
            } catch (BrokerUnavailableException e) {
                throw new IdempotencyUnavailableException(
                        "the idempotency key could not be checked, so nothing was delivered: " + e.getMessage()
                                + "; retry with the same key",
                        e);
            }
            if (claimed.duplicate()) {
                stats.countDuplicate();
                return new PushResult(ClaimValue.decode(claimed.firstValue()).messageId(), 0, null, null, true, false);
            }
            int reached = 0;
            for (Publication p : claimed.published()) {
                reached += local.toRecipients(p, accepted);
            }
            return new ClusterOutcome(broker.distributed()).result(messageId, reached);
        });
    }

    /**
     * Claims an idempotency key without pushing (a scheduled push), for {@code window}.
     *
     * @return null when first; else the first claim's value
     * @throws IdempotencyUnavailableException when the broker cannot be asked
     */
    String claim(String key, String value, Duration window) {
        try {
            String first = broker.claim(new Idempotency.Claim(key, value, window));
            if (first != null) {
                stats.countDuplicate();
            }
            return first;
        } catch (BrokerUnavailableException e) {
            throw new IdempotencyUnavailableException(
                    "the idempotency key could not be checked, so nothing was scheduled: " + e.getMessage()
                            + "; retry with the same key",
                    e);
        }
    }

    /** Gives a claim up (its scheduled push could not be made). Best effort: the key then holds until its window ends. */
    void release(String key, String value) {
        try {
            broker.release(key, value);
        } catch (BrokerUnavailableException e) {
            java.util.logging.Logger.getLogger(ClusterRelay.class.getName())
                    .warning(() -> "could not release idempotency key " + key + ": " + e.getMessage());
        }
    }

    Duration idempotencyWindow() {
        return idempotencyWindow;
    }

    private <T> T underLocks(int[] indexes, int i, Supplier<T> body) {
        if (i == indexes.length) {
            return body.get();
        }
        synchronized (topicLocks[indexes[i]]) {
            return underLocks(indexes, i + 1, body);
        }
    }

    private int lockIndex(String topic) {
        return Math.floorMod(topic.hashCode(), topicLocks.length);
    }

    /** A client's publish to a topic: like a push, with the publishing user as {@code from}. */
    PushResult publish(String messageId, String topic, String from, JsonValue data) {
        long accepted = System.nanoTime();
        stats.countPush();
        ClusterOutcome cluster = new ClusterOutcome(broker.distributed());
        return cluster.result(
                messageId, publishTopic(messageId, topic, from, data, 0, null, Tracking.NONE, cluster, accepted));
    }

    /** To this node's subscribers of a node topic only, without history. */
    int pushLocal(String topic, JsonValue data) {
        stats.countPush();
        long accepted = System.nanoTime();
        return local.toTopic(
                nextMessageId(), topic, null, data, System.currentTimeMillis(), 0, null, 0, accepted, null, null);
    }

    private int publishTopic(
            String messageId,
            String topic,
            String from,
            JsonValue data,
            long expiresAt,
            String except,
            Tracking t,
            ClusterOutcome cluster,
            long accepted) {
        long now = System.currentTimeMillis();
        Publication p = new Publication(
                nodeId,
                Publication.Kind.TOPIC,
                List.of(topic),
                messageId,
                from,
                now,
                data,
                0,
                null,
                expiresAt,
                except,
                t);
        HistoryPolicy policy = policy(topic);
        if (policy == null) {
            if (cluster.distributed) {
                try {
                    broker.publish(p);
                } catch (BrokerUnavailableException e) {
                    cluster.failed(e.getMessage());
                }
            }
            return local.toTopic(messageId, topic, from, data, now, 0, null, expiresAt, accepted, except, p);
        }
        synchronized (topicLocks[lockIndex(topic)]) {
            try {
                p = broker.publishWithHistory(p, policy);
            } catch (BrokerUnavailableException e) {
                // Delivered here without an offset: it is in no history, and resuming clients will not see it again.
                cluster.failed(e.getMessage());
            }
            return local.toTopic(
                    messageId, topic, from, data, now, p.offset(), p.epoch(), expiresAt, accepted, except, p);
        }
    }

    /** A publication of another node: deliver it to this node's recipients. Runs on the broker's thread. */
    void fromCluster(Publication p) {
        long accepted = System.nanoTime(); // when this node got it: the latency metric measures this node's part
        if (nodeId.equals(p.node())) {
            return; // our own echo: delivered locally when it was pushed
        }
        if (p.kind() == Publication.Kind.TOPIC && !catchUp.admit(p)) {
            return; // held until its topic's catch-up is done, or delivered by it already
        }
        if (p.kind() == Publication.Kind.SUBSCRIBE || p.kind() == Publication.Kind.UNSUBSCRIBE) {
            control.accept(p); // a server-side subscription request, not a message
            return;
        }
        if (p.kind() == Publication.Kind.RETRACT) {
            retracts.accept(p); // delivery receipts: another node's connection acknowledged, collapse here
            return;
        }
        if (p.kind() == Publication.Kind.PRESENCE) {
            String event = p.data() instanceof JsonString s ? s.getString() : String.valueOf(p.data());
            local.presenceNotice(p.topic(), event, p.from(), p.messageId(), p.time());
            return;
        }
        local.toRecipients(p, accepted);
    }

    /** What the cluster catch-up acts on: this node's subscribers. */
    private final class CatchUpTarget implements ClusterCatchUp.Target {
        private final ConnectionRegistry registry;

        CatchUpTarget(ConnectionRegistry registry) {
            this.registry = registry;
        }

        @Override
        public HistoryPolicy policy(String topic) {
            return ClusterRelay.this.policy(topic);
        }

        @Override
        public boolean hasSubscribers(String topic) {
            return registry.hasSubscribers(topic);
        }

        @Override
        public void deliver(Publication p) {
            local.toRecipients(p, System.nanoTime());
        }

        @Override
        public void gap(String topic, long from, long to, String epoch, String reason, String message) {
            local.gap(topic, from, to, epoch, reason, message);
        }
    }

    private static Publication.Kind kindOf(Target target) {
        return switch (target.scope()) {
            case "user" -> Publication.Kind.USERS;
            case "connection" -> Publication.Kind.CONNECTIONS;
            default -> Publication.Kind.ALL;
        };
    }

    /** Whether the other nodes got a push; several topics in one push share it (the worst outcome wins). */
    private static final class ClusterOutcome {
        final boolean distributed;
        String problem;

        ClusterOutcome(boolean distributed) {
            this.distributed = distributed;
        }

        void failed(String why) {
            if (problem == null) {
                problem = why;
            }
        }

        PushResult result(String messageId, int reached) {
            if (!distributed) {
                return new PushResult(messageId, reached, null, null);
            }
            return problem == null
                    ? new PushResult(messageId, reached, PushResult.PUBLISHED, null)
                    : new PushResult(messageId, reached, PushResult.UNAVAILABLE, problem);
        }
    }
}
