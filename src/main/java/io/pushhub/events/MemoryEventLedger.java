package io.pushhub.events;

import io.pushhub.HubEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The ledger of a single node (memory broker): this JVM sees every connection, so each transition is decided under one
 * lock and its event handed to the sink at once, in order. {@code user.offline} is scheduled {@code grace} after the
 * user's last connection closed and cancelled if the user connects again meanwhile (then no {@code user.online}
 * either: the user never went away).
 *
 * <p>Bounds: the state is one entry per open connection, subscription, pending offline and sequence counter. Counters
 * of idle topics and users are kept up to {@value #MAX_IDLE_SEQS}; beyond that the idle ones are forgotten (their next
 * sequence starts from the clock, see {@link Seqs}).
 */
public final class MemoryEventLedger implements EventLedger {

    private static final Logger LOG = Logger.getLogger(MemoryEventLedger.class.getName());
    static final int MAX_IDLE_SEQS = 100_000;

    private final String node;
    private final Predicate<String> presenceTopic;
    private final Duration grace;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Consumer<HubEvent> sink;

    // All guarded by "this".
    private final Map<String, Set<String>> topicConnections = new HashMap<>();
    private final Map<String, Map<String, Integer>> topicMembers = new HashMap<>();
    private final Map<String, Set<String>> userConnections = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> pendingOffline = new HashMap<>();
    private final Map<String, Long> topicSeqs = new HashMap<>();
    private final Map<String, Long> userSeqs = new HashMap<>();
    private long ids;

    /**
     * @param presenceTopic which topics have members ({@code pushhub.presence.topics})
     * @param grace {@code pushhub.webhook.offline-grace}
     * @param timer runs the offline checks (one thread is plenty; tasks are short)
     * @param sink receives each event once, in order, under the ledger's lock (it must not block)
     */
    public MemoryEventLedger(
            String node,
            Predicate<String> presenceTopic,
            Duration grace,
            Clock clock,
            ScheduledExecutorService timer,
            Consumer<HubEvent> sink) {
        this.node = node;
        this.presenceTopic = presenceTopic;
        this.grace = grace;
        this.clock = clock;
        this.timer = timer;
        this.sink = sink;
    }

    @Override
    public synchronized void connected(String connectionId, String userId) {
        Set<String> conns = userConnections.computeIfAbsent(userId, u -> new HashSet<>());
        if (!conns.add(connectionId) || conns.size() > 1) {
            return;
        }
        ScheduledFuture<?> offline = pendingOffline.remove(userId);
        if (offline != null) {
            offline.cancel(false); // back within the grace: neither offline nor online
            return;
        }
        emit(new HubEvent.UserOnline(id(), userId, next(userSeqs, userId), now(), node));
    }

    @Override
    public synchronized void subscribed(String connectionId, String userId, String topic) {
        Set<String> open = userConnections.get(userId);
        if (open == null || !open.contains(connectionId)) {
            return; // its close was reported first (a subscribe racing the close): it must not stay in the topic
        }
        Set<String> conns = topicConnections.computeIfAbsent(topic, t -> new HashSet<>());
        if (!conns.add(connectionId)) {
            return;
        }
        if (conns.size() == 1) {
            emit(new HubEvent.TopicOccupied(id(), topic, next(topicSeqs, topic), now(), node));
        }
        if (presenceTopic.test(topic)) {
            Map<String, Integer> members = topicMembers.computeIfAbsent(topic, t -> new HashMap<>());
            if (members.merge(userId, 1, Integer::sum) == 1) {
                emit(new HubEvent.MemberJoined(id(), topic, userId, next(topicSeqs, topic), now(), node));
            }
        }
    }

    @Override
    public synchronized void unsubscribed(String connectionId, String userId, String topic) {
        Set<String> conns = topicConnections.get(topic);
        if (conns == null || !conns.remove(connectionId)) {
            return;
        }
        Map<String, Integer> members = topicMembers.get(topic);
        if (members != null && members.containsKey(userId)) {
            if (members.merge(userId, -1, Integer::sum) <= 0) {
                members.remove(userId);
                if (members.isEmpty()) {
                    topicMembers.remove(topic);
                }
                emit(new HubEvent.MemberLeft(id(), topic, userId, next(topicSeqs, topic), now(), node));
            }
        }
        if (conns.isEmpty()) {
            topicConnections.remove(topic);
            emit(new HubEvent.TopicVacated(id(), topic, next(topicSeqs, topic), now(), node));
        }
    }

    @Override
    public synchronized void disconnected(String connectionId, String userId, Set<String> topics, int closeCode) {
        for (String topic : topics) {
            unsubscribed(connectionId, userId, topic);
        }
        Set<String> conns = userConnections.get(userId);
        if (conns == null || !conns.remove(connectionId)) {
            return;
        }
        emit(new HubEvent.ConnectionClosed(id(), userId, connectionId, closeCode, next(userSeqs, userId), now(), node));
        if (!conns.isEmpty()) {
            return;
        }
        userConnections.remove(userId);
        if (grace.isZero()) {
            offline(userId, null);
            return;
        }
        ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
        synchronized (self) {
            self[0] = timer.schedule(
                    () -> {
                        synchronized (self) {
                            offline(userId, self[0]);
                        }
                    },
                    grace.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        pendingOffline.put(userId, self[0]);
    }

    /** The grace is over: offline unless the user came back (then the task was cancelled or replaced). */
    private synchronized void offline(String userId, ScheduledFuture<?> task) {
        if (task != null && pendingOffline.get(userId) != task) {
            return;
        }
        pendingOffline.remove(userId);
        if (userConnections.containsKey(userId)) {
            return;
        }
        try {
            emit(new HubEvent.UserOffline(id(), userId, next(userSeqs, userId), now(), node));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "user.offline of " + userId + " failed", e); // the timer thread must go on
        }
    }

    @Override
    public synchronized void unacknowledged(String messageId, String userId, long pushedAt, long escalateAfterMillis) {
        emit(new HubEvent.PushUnacknowledged(
                id(),
                messageId,
                userId,
                Instant.ofEpochMilli(pushedAt),
                Duration.ofMillis(escalateAfterMillis),
                next(userSeqs, userId),
                now(),
                node));
    }

    @Override
    public synchronized OptionalLong topicSeq(String topic) {
        Long s = topicSeqs.get(topic);
        return s == null ? OptionalLong.empty() : OptionalLong.of(s);
    }

    @Override
    public synchronized OptionalLong userSeq(String userId) {
        Long s = userSeqs.get(userId);
        return s == null ? OptionalLong.empty() : OptionalLong.of(s);
    }

    /** Pending offline checks are dropped: a stopping node's users are not reported offline by it. */
    @Override
    public synchronized void stop() {
        pendingOffline.values().forEach(f -> f.cancel(false));
        pendingOffline.clear();
    }

    private long next(Map<String, Long> seqs, String key) {
        long s = seqs.merge(key, Seqs.start(clock.millis()) + 1, (old, start) -> old + 1);
        if (seqs.size() > MAX_IDLE_SEQS + topicConnections.size() + userConnections.size()) {
            forgetIdle();
        }
        return s;
    }

    /** Forgets the counters of topics and users with nothing open, down to half the idle bound. */
    private void forgetIdle() {
        int toForget = MAX_IDLE_SEQS / 2;
        for (Iterator<String> it = topicSeqs.keySet().iterator(); it.hasNext() && toForget > 0; ) {
            if (!topicConnections.containsKey(it.next())) {
                it.remove();
                toForget--;
            }
        }
        for (Iterator<String> it = userSeqs.keySet().iterator(); it.hasNext() && toForget > 0; ) {
            String u = it.next();
            if (!userConnections.containsKey(u) && !pendingOffline.containsKey(u)) {
                it.remove();
                toForget--;
            }
        }
    }

    private String id() {
        return node + "-" + Long.toHexString(++ids);
    }

    private Instant now() {
        return clock.instant();
    }

    private void emit(HubEvent e) {
        try {
            sink.accept(e);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "hub event " + e.type() + " could not be handed on", ex);
        }
    }
}
