package io.pushhub.broker;

import io.pushhub.stats.Count;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The single-node broker (the default): history in this JVM's memory, nothing to publish to. Every guarantee of
 * {@link Broker} holds; the history is lost when the node stops, and the next start begins new epochs.
 *
 * <p>Several instances can share one {@link Bus} to behave like nodes of a cluster within one JVM (the contract tests
 * do that); a server uses one instance with its own bus.
 *
 * <p><b>Memory bound.</b> Besides each topic's size and TTL, all topics of a bus share one budget in bytes ({@code
 * pushhub.history.max-bytes}). Each kept message is stored as its encoded JSON and charged that text's size in the
 * heap (1 byte per character when every character is Latin-1, else 2) plus {@link #ENTRY_OVERHEAD}. When the total is
 * over the budget, the oldest messages of the least recently used topic (appended to or read longest ago) are evicted
 * first; a resume across them is answered {@code trimmed}. A message charged more than {@link #MAX_MESSAGE_SHARE} of
 * the budget is not kept at all (it still gets its offset and is delivered); the messages kept before it are dropped
 * too, so that a resume never skips it silently.
 */
public final class MemoryBroker implements Broker {

    private static final Logger LOG = Logger.getLogger(MemoryBroker.class.getName());
    /** Every this many appends, topics whose history or epoch expired are swept, so idle topics do not pile up. */
    private static final int SWEEP_EVERY = 1024;

    /** Default of {@code pushhub.idempotency.max-keys}. */
    public static final int DEFAULT_IDEMPOTENCY_KEYS = 100_000;
    /** Default of {@code pushhub.history.max-bytes}: 64 MiB. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    /** Bytes charged per kept message on top of its text: the entry, its deque slot and the String header. */
    static final int ENTRY_OVERHEAD = 64;
    /** A message charged more than budget / this is not kept in history. */
    public static final int MAX_MESSAGE_SHARE = 16;

    /**
     * The state that nodes sharing one memory broker have in common: topic streams, the nodes, and the history budget.
     *
     * <p>Locks: a stream's monitor may be held while taking {@link #lru}'s monitor, never the other way round.
     */
    public static final class Bus implements HistoryMemory {
        final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();
        final CopyOnWriteArrayList<MemoryBroker> nodes = new CopyOnWriteArrayList<>();
        final AtomicLong appends = new AtomicLong();
        final long maxBytes;
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong messages = new AtomicLong();
        final Count evicted = new Count();
        final Count notKept = new Count();
        final IdempotencyMemory idempotency;
        final StickyMemory sticky = new StickyMemory(StickyMemory.DEFAULT_MAX_USERS);
        /** Topics with kept messages, least recently used first (access order). */
        private final LinkedHashMap<String, Stream> lru = new LinkedHashMap<>(64, 0.75f, true);

        public Bus() {
            this(DEFAULT_MAX_BYTES);
        }

        /** @param maxBytes the budget for all topics' kept messages, at least 1024 */
        public Bus(long maxBytes) {
            this(maxBytes, DEFAULT_IDEMPOTENCY_KEYS);
        }

        /**
         * @param maxBytes the budget for all topics' kept messages, at least 1024
         * @param maxKeys idempotency keys held at most, at least 1
         */
        public Bus(long maxBytes, int maxKeys) {
            this.idempotency = new IdempotencyMemory(maxKeys);
            if (maxBytes < 1024) {
                throw new IllegalArgumentException("pushhub.history.max-bytes must be at least 1024, got " + maxBytes);
            }
            this.maxBytes = maxBytes;
        }

        void touch(String topic, Stream s) {
            synchronized (lru) {
                lru.put(topic, s);
            }
        }

        void forget(String topic, Stream s) {
            synchronized (lru) {
                lru.remove(topic, s);
            }
        }

        /** Evicts the oldest messages of the least recently used topics until the budget holds. No lock held. */
        void enforce() {
            while (bytes.get() > maxBytes) {
                String topic;
                Stream s;
                synchronized (lru) {
                    Iterator<Map.Entry<String, Stream>> it = lru.entrySet().iterator();
                    if (!it.hasNext()) {
                        return;
                    }
                    Map.Entry<String, Stream> eldest = it.next();
                    topic = eldest.getKey();
                    s = eldest.getValue();
                }
                synchronized (s) {
                    while (bytes.get() > maxBytes && !s.kept.isEmpty()) {
                        s.dropOldest(this);
                        evicted.increment();
                    }
                    if (s.kept.isEmpty()) {
                        s.trimmedAway = s.offset > 0;
                        forget(topic, s);
                    }
                }
            }
        }

        @Override
        public long maxBytes() {
            return maxBytes;
        }

        @Override
        public long bytes() {
            return bytes.get();
        }

        @Override
        public long messages() {
            return messages.get();
        }

        @Override
        public Count evicted() {
            return evicted;
        }

        @Override
        public Count notKept() {
            return notKept;
        }
    }

    /** A kept message: its encoded publication (without offset and epoch) and what it is charged. */
    record Entry(long offset, String json, long charge) {}

    /** What a message's text costs in the heap (compact strings: 1 byte per Latin-1 character, else 2). */
    static long charge(String json) {
        int n = json.length();
        for (int i = 0; i < n; i++) {
            if (json.charAt(i) > 0xFF) {
                return 2L * n + ENTRY_OVERHEAD;
            }
        }
        return n + ENTRY_OVERHEAD;
    }

    /** One topic's stream. Guarded by its own monitor. */
    static final class Stream {
        final String epoch;
        long offset;
        Instant lastAppend;
        HistoryPolicy policy;
        final ArrayDeque<Entry> kept = new ArrayDeque<>();
        /** Everything kept was evicted for the budget (or was too big): a read says trimmed, not expired. */
        boolean trimmedAway;

        void add(Entry e, Bus bus) {
            kept.addLast(e);
            bus.bytes.addAndGet(e.charge());
            bus.messages.incrementAndGet();
        }

        void dropOldest(Bus bus) {
            Entry e = kept.removeFirst();
            bus.bytes.addAndGet(-e.charge());
            bus.messages.decrementAndGet();
        }

        void dropAll(Bus bus) {
            while (!kept.isEmpty()) {
                dropOldest(bus);
            }
        }

        /** A stream read before its first append keeps its epoch for {@link HistoryPolicy#META_TTL}. */
        Stream(String epoch, Instant now) {
            this.epoch = epoch;
            this.lastAppend = now;
            this.policy = new HistoryPolicy(1, Duration.ofSeconds(1));
        }

        boolean historyExpired(Instant now) {
            return now.isAfter(lastAppend.plus(policy.ttl()));
        }

        boolean metaExpired(Instant now) {
            return now.isAfter(lastAppend.plus(policy.metaTtl()));
        }
    }

    private final Bus bus;
    private final Clock clock;
    private final Instant created;
    private volatile String nodeId;
    private volatile Consumer<Publication> listener;

    public MemoryBroker() {
        this(new Bus(), Clock.systemUTC());
    }

    public MemoryBroker(Bus bus, Clock clock) {
        this.bus = bus;
        this.clock = clock;
        this.created = clock.instant();
    }

    @Override
    public void start(String nodeId, Consumer<Publication> listener) {
        this.nodeId = nodeId;
        this.listener = listener;
        bus.nodes.addIfAbsent(this);
    }

    @Override
    public void stop() {
        bus.nodes.remove(this);
        listener = null;
    }

    @Override
    public void publish(Publication publication) {
        dispatch(publication);
    }

    @Override
    public Publication publishWithHistory(Publication publication, HistoryPolicy policy) {
        String topic = publication.topic();
        Instant now = clock.instant();
        Publication stored;
        // Holding the stream's monitor while dispatching keeps every listener's view in offset order.
        Stream s = liveStream(topic, now);
        String json = publication.at(0, null).toJson();
        long charge = charge(json);
        synchronized (s) {
            if (s.historyExpired(now)) {
                s.dropAll(bus);
                s.trimmedAway = false;
            }
            s.policy = policy;
            s.lastAppend = now;
            s.offset++;
            stored = publication.at(s.offset, s.epoch);
            if (charge > bus.maxBytes / MAX_MESSAGE_SHARE) {
                // Too big to keep: what came before it goes too, so no resume replays across the hole.
                s.dropAll(bus);
                s.trimmedAway = true;
                bus.notKept.increment();
                bus.forget(topic, s);
            } else {
                s.add(new Entry(s.offset, json, charge), bus);
                while (s.kept.size() > policy.size()) {
                    s.dropOldest(bus);
                }
                bus.touch(topic, s);
            }
            dispatch(stored);
        }
        bus.enforce();
        if (bus.appends.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(now);
        }
        return stored;
    }

    /**
     * Claims in this bus's {@link IdempotencyMemory}, then publishes. One JVM: a crash loses the claims and the
     * publications together, so the claim needs no stronger atomicity than the store's lock.
     */
    @Override
    public Idempotency.Claimed publishClaimed(
            Idempotency.Claim claim, List<Publication> publications, List<HistoryPolicy> policies) {
        String first =
                bus.idempotency.claim(claim.key(), claim.value(), claim.window().toMillis(), clock.millis());
        if (first != null) {
            return Idempotency.Claimed.repeat(first);
        }
        List<Publication> out = new ArrayList<>(publications.size());
        for (int i = 0; i < publications.size(); i++) {
            HistoryPolicy policy = policies.get(i);
            if (policy == null) {
                publish(publications.get(i));
                out.add(publications.get(i));
            } else {
                out.add(publishWithHistory(publications.get(i), policy));
            }
        }
        return Idempotency.Claimed.first(out);
    }

    @Override
    public void release(String key, String value) {
        bus.idempotency.release(key, value);
    }

    @Override
    public IdempotencyMemory idempotencyMemory() {
        return bus.idempotency;
    }

    /** The topic's stream, replaced by a new epoch when its epoch expired. */
    private Stream liveStream(String topic, Instant now) {
        Stream[] replaced = {null};
        Stream live = bus.streams.compute(topic, (t, s) -> {
            if (s == null || s.metaExpired(now)) {
                replaced[0] = s;
                return new Stream(Epochs.next(), now);
            }
            return s;
        });
        if (replaced[0] != null) { // outside compute: a stream's monitor is never taken under the map's bin lock
            synchronized (replaced[0]) {
                replaced[0].dropAll(bus);
            }
            bus.forget(topic, replaced[0]);
        }
        return live;
    }

    @Override
    public HistoryRead readHistory(String topic, long sinceOffset, int limit) {
        Instant now = clock.instant();
        Stream s = bus.streams.get(topic);
        if (s == null) {
            return new HistoryRead(new StreamPosition(0, peekEpoch(topic, now)), List.of(), true);
        }
        synchronized (s) {
            if (s.metaExpired(now)) {
                return new HistoryRead(new StreamPosition(0, peekEpoch(topic, now)), List.of(), true);
            }
            if (s.historyExpired(now)) {
                s.dropAll(bus);
                s.trimmedAway = false;
                bus.forget(topic, s);
            }
            List<Publication> out = new ArrayList<>();
            for (Entry e : s.kept) {
                if (e.offset() > sinceOffset && out.size() < limit) {
                    out.add(Publication.fromJson(e.json()).at(e.offset(), s.epoch));
                }
            }
            if (!s.kept.isEmpty() && limit > 0) {
                bus.touch(topic, s); // a resume uses the topic: it is not the first to be evicted
            }
            boolean kept = !s.kept.isEmpty() || s.offset == 0 || s.trimmedAway;
            return new HistoryRead(new StreamPosition(s.offset, s.epoch), out, kept);
        }
    }

    /** A topic without a stream gets one (with an epoch, no offsets) so that its epoch is stable from now on. */
    private String peekEpoch(String topic, Instant now) {
        Stream s = liveStream(topic, now);
        return s.epoch;
    }

    private void dispatch(Publication p) {
        for (MemoryBroker node : bus.nodes) {
            Consumer<Publication> l = node.listener;
            if (node == this || l == null) {
                continue; // never our own echo
            }
            try {
                l.accept(p);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "listener of node " + node.nodeId + " failed on " + p.messageId(), e);
            }
        }
    }

    private void sweep(Instant now) {
        bus.streams.forEach((topic, s) -> {
            synchronized (s) {
                if (s.metaExpired(now)) {
                    s.dropAll(bus);
                    bus.streams.remove(topic, s);
                    bus.forget(topic, s);
                } else if (s.historyExpired(now)) {
                    s.dropAll(bus);
                    s.trimmedAway = false;
                    bus.forget(topic, s);
                }
            }
        });
    }

    @Override
    public StickyAdded addSticky(String userId, String topic, int maxPerUser) {
        return bus.sticky.add(userId, topic, maxPerUser);
    }

    @Override
    public boolean removeSticky(String userId, String topic) {
        return bus.sticky.remove(userId, topic);
    }

    @Override
    public List<String> stickyTopics(String userId) {
        return bus.sticky.topics(userId);
    }

    /** The history budget of this broker's bus. */
    @Override
    public HistoryMemory historyMemory() {
        return bus;
    }

    @Override
    public BrokerStatus status() {
        return BrokerStatus.up("memory", created);
    }

    @Override
    public boolean distributed() {
        return false;
    }
}
