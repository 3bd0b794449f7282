package io.pushhub.hub;

import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.HistoryPolicy;
import io.pushhub.broker.HistoryRead;
import io.pushhub.broker.Publication;
import io.pushhub.broker.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * After the broker's live feed was cut and is back, delivers from the history what this node's subscribers missed on
 * every history topic they follow, in offset order, before any later live message of that topic.
 *
 * <p>The feed usually comes back before the command connection can read (after a Redis restart both reconnect on
 * their own schedule), so a read that fails is <b>retried</b> with a doubling delay ({@link Backoff}); meanwhile live
 * publications of that topic are held back (up to {@link #MAX_HELD} per topic). When the retries are used up, or what
 * was missed is no longer kept, the topic's subscribers get a {@code gap} notice naming the topic, the epoch and the
 * missed offsets (docs/protocol.md), and live delivery goes on.
 *
 * <p>Which offsets a node delivered is tracked per topic as a contiguous mark plus the offsets delivered beyond it
 * (this node's own pushes, delivered directly, may run ahead of the feed), so a catch-up reads from the first offset
 * actually missed and never delivers one twice.
 *
 * <p>Threads: {@link #feedResumed} and {@link #admit} run on the broker's listener thread; retries on the scheduler;
 * {@link #delivered} on any pushing thread. Catch-up deliveries and the decision to let a live publication through
 * happen under one lock, so the listener never overtakes a catch-up of the same topic.
 */
final class ClusterCatchUp {

    private static final Logger LOG = Logger.getLogger(ClusterCatchUp.class.getName());
    /** Live publications of one topic held back while its catch-up is retried; more gives up at once. */
    static final int MAX_HELD = 10_000;
    /** Offsets delivered ahead of the contiguous mark that are remembered per topic. */
    private static final int MAX_AHEAD = 1024;

    public static final String REASON_UNAVAILABLE = "unavailable";

    /** How often and how long a failed read is retried. */
    record Backoff(Duration first, Duration max, int attempts) {
        static final Backoff DEFAULT = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 8);

        Duration delay(int failures) {
            long ms = first.toMillis() << Math.min(20, Math.max(0, failures - 1));
            return Duration.ofMillis(Math.min(ms, max.toMillis()));
        }
    }

    /** Reads a topic's history (the broker). */
    interface Reader {
        HistoryRead read(String topic, long sinceOffset, int limit) throws BrokerUnavailableException;
    }

    /** What the catch-up acts on: the hub. */
    interface Target {
        /** The topic's history policy, or null when it keeps none. */
        HistoryPolicy policy(String topic);

        boolean hasSubscribers(String topic);

        /** Delivers a topic publication to this node's subscribers (and reports it back with {@link #delivered}). */
        void deliver(Publication p);

        /** Tells the topic's subscribers on this node that offsets {@code from..to} are lost ({@code to} 0: unknown). */
        void gap(String topic, long from, long to, String epoch, String reason, String message);
    }

    /** Offsets of one topic delivered here: everything up to {@code contiguous}, plus {@code ahead}. */
    private static final class Mark {
        String epoch;
        long contiguous;
        final TreeSet<Long> ahead = new TreeSet<>();
        /** After an open-ended gap notice: the next offset delivered ends the reported range. */
        boolean resync;

        Mark(long offset, String epoch) {
            this.epoch = epoch;
            this.contiguous = offset;
        }

        synchronized void add(long offset, String e) {
            if (!e.equals(epoch)) {
                epoch = e;
                contiguous = offset;
                ahead.clear();
                resync = false;
                return;
            }
            if (resync) {
                resync = false;
                coverTo(offset - 1);
            }
            if (offset <= contiguous) {
                return;
            }
            if (offset == contiguous + 1 && ahead.isEmpty()) {
                contiguous = offset; // the usual case: in order
                return;
            }
            ahead.add(offset);
            if (ahead.size() > MAX_AHEAD) { // a hole that never filled: stop tracking it
                contiguous = ahead.pollFirst();
            }
            while (!ahead.isEmpty() && ahead.first() == contiguous + 1) {
                contiguous = ahead.pollFirst();
            }
        }

        /** Everything up to {@code to} counts as handled (delivered, or reported as a gap). */
        synchronized void coverTo(long to) {
            if (to > contiguous) {
                contiguous = to;
            }
            while (!ahead.isEmpty() && ahead.first() <= contiguous + 1) {
                contiguous = Math.max(contiguous, ahead.pollFirst());
            }
        }

        synchronized void resyncOnNext() {
            resync = true;
        }

        synchronized boolean has(long offset, String e) {
            return e.equals(epoch) && (offset <= contiguous || ahead.contains(offset));
        }

        synchronized StreamPosition position() {
            return new StreamPosition(contiguous, epoch);
        }
    }

    /** A topic whose catch-up has not succeeded yet. Guarded by {@link #lock}. */
    private static final class Pending {
        final List<Publication> held = new ArrayList<>();
        int failures;
        String lastProblem;
    }

    private final Reader reader;
    private final Target target;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff;
    private final ConcurrentHashMap<String, Mark> marks = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final Map<String, Pending> pending = new HashMap<>();
    /** After a catch-up: live copies at or below these offsets were already delivered. Guarded by {@link #lock}. */
    private final Map<String, StreamPosition> caughtUpTo = new HashMap<>();
    /** Whether {@link #pending} or {@link #caughtUpTo} has entries: the live path only takes the lock then. */
    private volatile boolean active;

    ClusterCatchUp(Reader reader, Target target, ScheduledExecutorService scheduler, Backoff backoff) {
        this.reader = reader;
        this.target = target;
        this.scheduler = scheduler;
        this.backoff = backoff;
    }

    /** A topic publication with an offset was delivered to this node's subscribers (live, local or caught up). */
    void delivered(String topic, long offset, String epoch) {
        Mark m = marks.get(topic);
        if (m == null) {
            m = marks.computeIfAbsent(topic, t -> new Mark(offset, epoch));
        }
        m.add(offset, epoch);
    }

    /** Nobody here follows the topic any more: nothing to catch up for it. */
    void forget(String topic) {
        marks.remove(topic);
    }

    /** Topics being retried now (for tests and logs). */
    int pendingTopics() {
        synchronized (lock) {
            return pending.size();
        }
    }

    /**
     * A live publication of another node (listener thread): whether to deliver it now. False when its topic's
     * catch-up is still running (it is held and delivered after the catch-up) or when the catch-up delivered it.
     */
    boolean admit(Publication p) {
        if (!active || !p.hasOffset()) {
            return true;
        }
        synchronized (lock) {
            String topic = p.topic();
            Pending pd = pending.get(topic);
            if (pd != null) {
                pd.held.add(p);
                if (pd.held.size() > MAX_HELD) {
                    giveUp(
                            topic,
                            pd,
                            "more than " + MAX_HELD + " live messages arrived while history could not be read");
                }
                return false;
            }
            StreamPosition upTo = caughtUpTo.get(topic);
            if (upTo != null && upTo.epoch().equals(p.epoch())) {
                if (p.offset() <= upTo.offset()) {
                    return false; // delivered by the catch-up already
                }
                caughtUpTo.remove(topic);
                active = !pending.isEmpty() || !caughtUpTo.isEmpty();
            }
            return true;
        }
    }

    /** The live feed is back (listener thread): catch up every topic followed here, retrying reads that fail. */
    void feedResumed() {
        List<String> topics = new ArrayList<>();
        for (String topic : marks.keySet()) {
            if (target.policy(topic) == null || !target.hasSubscribers(topic)) {
                marks.remove(topic);
                continue;
            }
            synchronized (lock) {
                if (pending.containsKey(topic)) {
                    continue; // already being retried: its next attempt reads from its mark
                }
                pending.put(topic, new Pending());
                active = true;
            }
            topics.add(topic);
        }
        int[] delivered = {0};
        String problem = null;
        for (String topic : topics) {
            if (problem != null) {
                // Redis cannot be read now: do not make the listener wait for one failure per topic.
                retryLater(topic, problem);
                continue;
            }
            int n = attempt(topic);
            if (n < 0) {
                synchronized (lock) {
                    Pending pd = pending.get(topic);
                    problem = pd != null && pd.lastProblem != null ? pd.lastProblem : "history unavailable";
                }
            } else {
                delivered[0] += n;
            }
        }
        int waiting = pendingTopics();
        LOG.info(() -> "caught up " + delivered[0] + " message(s) missed while the live feed was down"
                + (waiting > 0 ? "; " + waiting + " topic(s) wait for the history to be readable, retrying" : ""));
    }

    /**
     * One try at catching up a pending topic; schedules the next on failure. Returns the messages delivered, or -1
     * when the history could not be read.
     */
    private int attempt(String topic) {
        Mark mark = marks.get(topic);
        HistoryPolicy policy = target.policy(topic);
        synchronized (lock) {
            Pending pd = pending.get(topic);
            if (pd == null) {
                return 0;
            }
            if (mark == null || policy == null) { // nobody follows it any more
                release(topic, pd, null);
                return 0;
            }
        }
        StreamPosition from = mark.position();
        List<Publication> read = new ArrayList<>();
        StreamPosition at;
        try {
            long since = from.offset();
            while (true) {
                HistoryRead r = reader.read(topic, since, policy.size());
                at = r.position();
                read.addAll(r.publications());
                if (!at.epoch().equals(from.epoch())
                        || r.publications().size() < policy.size()
                        || read.get(read.size() - 1).offset() >= at.offset()) {
                    break;
                }
                since = read.get(read.size() - 1).offset();
            }
        } catch (BrokerUnavailableException e) {
            retryLater(topic, e.getMessage());
            return -1;
        }
        StreamPosition now = at;
        synchronized (lock) {
            Pending pd = pending.remove(topic);
            if (pd == null) {
                return 0; // given up meanwhile
            }
            if (!now.epoch().equals(from.epoch())) {
                LOG.info(() -> "topic " + topic + " changed epoch while the feed was down (" + from.epoch() + " -> "
                        + now.epoch() + "): nothing to catch up");
                release(topic, pd, null);
                return 0;
            }
            int delivered = 0;
            long expected = from.offset() + 1;
            for (Publication p : read) {
                if (p.offset() < expected) {
                    continue;
                }
                if (p.offset() > expected) {
                    lost(topic, expected, p.offset() - 1, from.epoch(), mark, "trimmed");
                }
                if (!mark.has(p.offset(), p.epoch())) { // not already delivered (this node's own pushes)
                    target.deliver(p);
                    delivered++;
                }
                expected = p.offset() + 1;
            }
            if (at.offset() >= expected) {
                lost(topic, expected, at.offset(), from.epoch(), mark, "trimmed");
            }
            long last = Math.max(from.offset(), at.offset());
            release(topic, pd, new StreamPosition(last, at.epoch()));
            return delivered;
        }
    }

    /** Reports offsets from..to as lost, unless this node delivered them all itself. Under {@link #lock}. */
    private void lost(String topic, long from, long to, String epoch, Mark mark, String reason) {
        long a = from;
        while (a <= to && mark.has(a, epoch)) {
            a++;
        }
        long b = to;
        while (b >= a && mark.has(b, epoch)) {
            b--;
        }
        if (a > b) {
            return;
        }
        long f = a;
        long t = b;
        LOG.warning(() -> "topic " + topic + ": offsets " + f + ".." + t + " of epoch " + epoch
                + " were missed while the live feed was down and are no longer kept; telling the subscribers");
        mark.coverTo(t); // reported: a later catch-up starts after them
        target.gap(
                topic,
                f,
                t,
                epoch,
                reason,
                "messages " + f + ".." + t
                        + " were published while this node's live feed was down and are no longer in the history");
    }

    private void retryLater(String topic, String problem) {
        synchronized (lock) {
            Pending pd = pending.get(topic);
            if (pd == null) {
                return;
            }
            pd.failures++;
            pd.lastProblem = problem;
            if (pd.failures >= backoff.attempts()) {
                giveUp(topic, pd, problem);
                return;
            }
            Duration delay = backoff.delay(pd.failures);
            LOG.warning(() -> "cannot catch up topic " + topic + " after the feed was restored (attempt " + pd.failures
                    + " of " + backoff.attempts() + "): " + problem + "; retrying in " + delay.toMillis() + " ms");
            try {
                scheduler.schedule(
                        () -> {
                            int n = attempt(topic);
                            if (n > 0) {
                                LOG.info(() -> "caught up " + n + " message(s) of " + topic + " after a retry");
                            }
                        },
                        delay.toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                giveUp(topic, pd, "the node is stopping");
            }
        }
    }

    /**
     * The history stayed unreadable: tell the subscribers which offsets they missed (up to the first held live one,
     * or open-ended when none came), then let the held publications through. Under {@link #lock}.
     */
    private void giveUp(String topic, Pending pd, String problem) {
        pending.remove(topic);
        Mark mark = marks.get(topic);
        if (mark != null) {
            StreamPosition from = mark.position();
            Publication first = pd.held.stream()
                    .filter(p -> from.epoch().equals(p.epoch()))
                    .findFirst()
                    .orElse(null);
            String message = "messages published while this node's live feed was down could not be read from the"
                    + " history (" + problem + "); they may still be kept: GET /api/topics/{topic}/history?since="
                    + from.offset();
            if (first == null) {
                LOG.warning(() -> "giving up catching up topic " + topic + " from offset " + (from.offset() + 1) + ": "
                        + problem + "; telling the subscribers");
                target.gap(topic, from.offset() + 1, 0, from.epoch(), REASON_UNAVAILABLE, message);
                mark.resyncOnNext();
            } else if (first.offset() > from.offset() + 1) {
                long to = first.offset() - 1;
                LOG.warning(() -> "giving up catching up topic " + topic + " offsets " + (from.offset() + 1) + ".." + to
                        + ": " + problem + "; telling the subscribers");
                target.gap(topic, from.offset() + 1, to, from.epoch(), REASON_UNAVAILABLE, message);
                mark.coverTo(to);
            }
        }
        release(topic, pd, null);
    }

    /** Ends a topic's catch-up: delivers the held live publications after {@code upTo}. Under {@link #lock}. */
    private void release(String topic, Pending pd, StreamPosition upTo) {
        pending.remove(topic, pd);
        for (Publication p : pd.held) {
            if (upTo != null && upTo.epoch().equals(p.epoch()) && p.offset() <= upTo.offset()) {
                continue; // the catch-up delivered it
            }
            target.deliver(p);
        }
        if (upTo != null) {
            caughtUpTo.put(topic, upTo);
        }
        active = !pending.isEmpty() || !caughtUpTo.isEmpty();
    }
}
