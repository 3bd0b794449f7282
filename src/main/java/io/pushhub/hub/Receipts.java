package io.pushhub.hub;

import io.pushhub.DeliveryReceipts.State;
import io.pushhub.Push;
import io.pushhub.PushResult;
import io.pushhub.TooManyEscalationsException;
import io.pushhub.broker.Broker;
import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.Publication;
import io.pushhub.broker.Tracking;
import io.pushhub.delivery.DeliveryWatch;
import io.pushhub.events.EventLedger;
import io.pushhub.protocol.Codec;
import io.pushhub.protocol.ServerFrame;
import io.pushhub.receipts.ReceiptStore;
import io.pushhub.receipts.ReceiptStore.Who;
import io.pushhub.stats.Count;
import jakarta.json.JsonValue;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivery receipts, collapse-on-ack and escalation of one node (docs/receipts.md, ADR 0013).
 *
 * <ul>
 *   <li>{@link #track} sets a push's receipt fields in its {@link Tracking}, which travels with the publication;
 *   <li>{@link #watch} gives tracked publications a {@link DeliveryWatch} on every node: queued, written and dropped
 *       go to the {@link ReceiptStore}; a queued message is remembered on its connection until acknowledged;
 *   <li>{@link #received} takes a client's {@code received}: only for a message queued for that connection (anything
 *       else is ignored and counted), recorded once; with collapseOnAck it retracts the message on the user's other
 *       connections here and, through a {@link Publication.Kind#RETRACT} on the bus, on the other nodes;
 *   <li>{@link #accepted}: the node that accepted a push with {@code escalateAfter} owns one timer per user on one
 *       scheduler thread; when it fires it reads the receipts (cluster-wide) and, when no connection of the user
 *       acknowledged, reports {@code push.unacknowledged} through the {@link EventLedger} (webhook and CDI event). If
 *       that node dies before, the escalation is lost (documented).
 * </ul>
 *
 * <p>No thread waits: store writes are asynchronous, the timer reads the store asynchronously. Untracked pushes never
 * reach this class (the relay and {@link LocalDelivery} check {@link Tracking#none()} first).
 */
final class Receipts {

    private static final Logger LOG = Logger.getLogger(Receipts.class.getName());
    /** Receipt messages remembered per connection until acknowledged; beyond it the oldest is forgotten. */
    static final int MAX_UNACKED_PER_CONNECTION = 1024;

    private final String nodeId;
    private final ReceiptStore store;
    private final ConnectionRegistry registry;
    private final LocalDelivery local;
    private final Broker broker;
    private final Supplier<EventLedger> ledger;
    private final ScheduledExecutorService timer;
    private final int maxEscalations;
    private final AtomicInteger pendingEscalations = new AtomicInteger();

    final Count written = new Count();
    final Count acknowledged = new Count();
    final Count dropped = new Count();
    final Count ignoredAcks = new Count();
    final Count retracted = new Count();
    final Count escalated = new Count();

    Receipts(
            String nodeId,
            ReceiptStore store,
            ConnectionRegistry registry,
            LocalDelivery local,
            Broker broker,
            Supplier<EventLedger> ledger,
            ScheduledExecutorService timer,
            int maxEscalations) {
        this.nodeId = nodeId;
        this.store = store;
        this.registry = registry;
        this.local = local;
        this.broker = broker;
        this.ledger = ledger;
        this.timer = timer;
        this.maxEscalations = maxEscalations;
    }

    ReceiptStore store() {
        return store;
    }

    int pendingEscalations() {
        return pendingEscalations.get();
    }

    /** {@code t} with the push's receipt options set (the other parts of {@code t}, e.g. tracing, kept). */
    static Tracking track(Push push, Tracking t) {
        Push.Receipt r = push.receipt();
        if (r == null) {
            return t;
        }
        long ea = r.escalateAfter() == null ? 0 : r.escalateAfter().toMillis();
        return new Tracking(true, r.collapseOnAck(), ea, t.traceparent(), t.journal());
    }

    // ---------------------------------------------------------------- escalation timers (the accepting node)

    /**
     * Reserves the escalation timers a push will need (one per user), before it is made.
     *
     * @throws TooManyEscalationsException beyond {@code pushhub.receipts.max-escalations} (nothing reserved)
     */
    void reserve(Push push) {
        int n = escalations(push);
        if (n == 0) {
            return;
        }
        if (pendingEscalations.addAndGet(n) > maxEscalations) {
            pendingEscalations.addAndGet(-n);
            throw new TooManyEscalationsException(maxEscalations);
        }
    }

    /** Gives a reservation back: the push failed before it was made. */
    void abandoned(Push push) {
        pendingEscalations.addAndGet(-escalations(push));
    }

    /** The push was made (or found a duplicate): its receipts start, its escalation timers run. */
    void accepted(Push push, String messageId, PushResult result) {
        Push.Receipt r = push.receipt();
        if (r == null) {
            return;
        }
        int n = escalations(push);
        if (result.duplicate()) {
            pendingEscalations.addAndGet(-n); // the first push has its own timers
            return;
        }
        long pushedAt = System.currentTimeMillis();
        store.pushed(messageId, pushedAt, nodeId);
        if (n == 0) {
            return;
        }
        long after = r.escalateAfter().toMillis();
        for (String user : push.target().names()) {
            timer.schedule(() -> due(messageId, user, pushedAt, after), after, TimeUnit.MILLISECONDS);
        }
    }

    private static int escalations(Push push) {
        return push.receipt() == null || push.receipt().escalateAfter() == null
                ? 0
                : push.target().names().size();
    }

    /** On the timer thread: escalate unless a connection of the user acknowledged (cluster-wide, from the store). */
    private void due(String messageId, String user, long pushedAt, long after) {
        pendingEscalations.decrementAndGet();
        try {
            store.read(messageId).whenComplete((sheet, e) -> {
                boolean acked = e == null
                        && sheet.isPresent()
                        && sheet.get().recipients().stream()
                                .anyMatch(rc -> user.equals(rc.user()) && rc.acknowledgedAt() != null);
                if (e != null) {
                    // Better one notification too many than a user never told: escalate when the store cannot say.
                    LOG.warning(() ->
                            "receipts of " + messageId + " unreadable (" + e + "); escalating for " + user + " anyway");
                }
                if (!acked) {
                    escalated.increment();
                    ledger.get().unacknowledged(messageId, user, pushedAt, after);
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "escalation of " + messageId + " for " + user + " failed", e);
        }
    }

    // ---------------------------------------------------------------- per recipient (every node)

    /** The watch for a tracked publication's frame on this node, or null when it asked for no receipt. */
    DeliveryWatch watch(Publication p) {
        Tracking t = p.tracking();
        if (!t.receipt()) {
            return null;
        }
        String messageId = p.messageId();
        boolean collapse = t.collapseOnAck();
        return new DeliveryWatch() {
            @Override
            public void enqueued(Object owner) {
                if (owner instanceof Connection c) {
                    remember(c, messageId, collapse);
                    store.note(messageId, who(c), State.QUEUED, System.currentTimeMillis(), null);
                }
            }

            @Override
            public void written(Object owner) {
                if (owner instanceof Connection c) {
                    written.increment();
                    store.note(messageId, who(c), State.WRITTEN, System.currentTimeMillis(), null);
                }
            }

            @Override
            public void dropped(Object owner, Drop reason) {
                if (owner instanceof Connection c) {
                    dropped.increment();
                    forget(c, messageId);
                    store.note(messageId, who(c), State.DROPPED, System.currentTimeMillis(), reason.label());
                }
            }
        };
    }

    private Who who(Connection c) {
        return new Who(c.id(), c.userId(), nodeId);
    }

    private static void remember(Connection c, String messageId, boolean collapse) {
        LinkedHashMap<String, Boolean> m = c.unacked;
        if (m == null) {
            synchronized (c) {
                m = c.unacked;
                if (m == null) {
                    m = new LinkedHashMap<>();
                    c.unacked = m;
                }
            }
        }
        synchronized (m) {
            m.put(messageId, collapse);
            if (m.size() > MAX_UNACKED_PER_CONNECTION) {
                Iterator<Map.Entry<String, Boolean>> it = m.entrySet().iterator();
                it.next();
                it.remove();
            }
        }
    }

    /** Takes a message off the connection's unacknowledged ones: its collapse flag, or null when it was not there. */
    private static Boolean forget(Connection c, String messageId) {
        LinkedHashMap<String, Boolean> m = c.unacked;
        if (m == null) {
            return null;
        }
        synchronized (m) {
            return m.remove(messageId);
        }
    }

    /**
     * The client acknowledged {@code messageId} after its handler ran. Ignored (counted) unless the message asked for a
     * receipt and was queued for this very connection and not acknowledged yet: a flood of acks costs a map lookup
     * each and the command rate limit applies before this.
     *
     * @return whether it was taken
     */
    boolean received(Connection c, String messageId) {
        Boolean collapse = forget(c, messageId);
        if (collapse == null) {
            ignoredAcks.increment();
            return false;
        }
        acknowledged.increment();
        store.note(messageId, who(c), State.ACKNOWLEDGED, System.currentTimeMillis(), null);
        if (collapse) {
            retractLocally(c.userId(), messageId, c.id());
            Publication p = new Publication(
                    nodeId,
                    Publication.Kind.RETRACT,
                    List.of(c.userId()),
                    messageId,
                    null,
                    System.currentTimeMillis(),
                    JsonValue.NULL,
                    0,
                    null,
                    0,
                    c.id());
            if (broker.distributed()) {
                try {
                    broker.publish(p);
                } catch (BrokerUnavailableException e) {
                    // The other nodes' copies stay on screen; this node's are retracted. Logged, not retried.
                    LOG.fine(() -> "retract of " + messageId + " not published: " + e.getMessage());
                }
            }
        }
        return true;
    }

    /** Another node's {@link Publication.Kind#RETRACT}: this node's connections of the user let the message go. */
    void fromCluster(Publication p) {
        for (String user : p.targets()) {
            retractLocally(user, p.messageId(), p.except());
        }
    }

    private void retractLocally(String user, String messageId, String except) {
        String text = null;
        for (Connection other : registry.connectionsOf(user)) {
            if (other.id().equals(except) || forget(other, messageId) == null) {
                continue; // the acknowledging one, or one that never had it
            }
            if (text == null) {
                text = Codec.encode(ServerFrame.retract(messageId));
            }
            retracted.increment();
            local.control(other, text);
        }
    }
}
