package io.pushhub.broker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
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
 */
public final class MemoryBroker implements Broker {

    private static final Logger LOG = Logger.getLogger(MemoryBroker.class.getName());
    /** Every this many appends, topics whose history or epoch expired are swept, so idle topics do not pile up. */
    private static final int SWEEP_EVERY = 1024;

    /** The state that nodes sharing one memory broker have in common: topic streams and the nodes. */
    public static final class Bus {
        final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();
        final CopyOnWriteArrayList<MemoryBroker> nodes = new CopyOnWriteArrayList<>();
        final AtomicLong appends = new AtomicLong();
    }

    /** One topic's stream. Guarded by its own monitor. */
    static final class Stream {
        final String epoch;
        long offset;
        Instant lastAppend;
        HistoryPolicy policy;
        final ArrayDeque<Publication> kept = new ArrayDeque<>();

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
        synchronized (s) {
            if (s.historyExpired(now)) {
                s.kept.clear();
            }
            s.policy = policy;
            s.lastAppend = now;
            s.offset++;
            stored = publication.at(s.offset, s.epoch);
            s.kept.addLast(stored);
            while (s.kept.size() > policy.size()) {
                s.kept.removeFirst();
            }
            dispatch(stored);
        }
        if (bus.appends.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(now);
        }
        return stored;
    }

    /** The topic's stream, replaced by a new epoch when its epoch expired. */
    private Stream liveStream(String topic, Instant now) {
        return bus.streams.compute(topic, (t, s) -> s == null || s.metaExpired(now) ? new Stream(Epochs.next(), now) : s);
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
                s.kept.clear();
            }
            List<Publication> out = new ArrayList<>();
            for (Publication p : s.kept) {
                if (p.offset() > sinceOffset && out.size() < limit) {
                    out.add(p);
                }
            }
            boolean kept = !s.kept.isEmpty() || s.offset == 0;
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
                    bus.streams.remove(topic, s);
                } else if (s.historyExpired(now)) {
                    s.kept.clear();
                }
            }
        });
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
