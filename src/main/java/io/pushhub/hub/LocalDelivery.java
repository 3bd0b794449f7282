package io.pushhub.hub;

import io.pushhub.broker.Publication;
import io.pushhub.delivery.DeliveryWatch;
import io.pushhub.delivery.Frame;
import io.pushhub.delivery.Outbox;
import io.pushhub.protocol.Codec;
import io.pushhub.protocol.ErrorCode;
import io.pushhub.protocol.ServerFrame;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Fan-out to this node's connections, and the slow-consumer policy. Every message is encoded once and the same text
 * queued for each recipient; queuing never waits for a client. A recipient whose queue is full is disconnected (close
 * 1013) and the others never notice.
 *
 * <p>Who calls it: the client commands (replies, client publishes), the cluster relay (pushes of this node and of
 * others), presence notices. Any thread; no locks of its own.
 */
final class LocalDelivery {

    private static final Logger LOG = Logger.getLogger(LocalDelivery.class.getName());
    /** WebSocket close code 1013 "try again later", used for the slow-consumer disconnect. */
    static final int CLOSE_SLOW_CONSUMER = 1013;
    /** WebSocket close code 1011 "internal error": a write to the client failed or timed out. */
    static final int CLOSE_SEND_FAILED = 1011;

    /** What fan-out to a history topic tells the cluster catch-up. */
    interface TopicWatch {
        /** No connection of this node is subscribed: nothing to catch up for. */
        void noSubscribers(String topic);

        /** This node's subscribers were handed {@code offset} of {@code epoch}. */
        void delivered(String topic, long offset, String epoch);

        TopicWatch NONE = new TopicWatch() {
            @Override
            public void noSubscribers(String topic) {}

            @Override
            public void delivered(String topic, long offset, String epoch) {}
        };
    }

    private final ConnectionRegistry registry;
    private final HubStats stats;
    /** Removes a connection from the hub (indexes, presence, leave notices): {@link Hub#closed}. */
    private final Consumer<Connection> forget;

    private volatile TopicWatch watch = TopicWatch.NONE;
    /**
     * Who wants to hear, recipient by recipient, what becomes of a publication's message on this node (receipts,
     * trace journal): the {@link DeliveryWatch} its frame carries, or null (almost always: nothing is tracked).
     * Consulted only for publications whose {@link Publication#tracking()} is not {@code NONE}.
     */
    private volatile Function<Publication, DeliveryWatch> watches = p -> null;

    /**
     * The trace of a traced publication's fan-out on this node ({@link FanOutTrace}: journal, span), or null. Consulted
     * only for publications with a traceparent or journaled; untracked ones pay the {@code tracking().none()} check.
     */
    private volatile Function<Publication, FanOutTrace> traces = p -> null;

    LocalDelivery(ConnectionRegistry registry, HubStats stats, Consumer<Connection> forget) {
        this.registry = registry;
        this.stats = stats;
        this.forget = forget;
    }

    void watch(TopicWatch watch) {
        this.watch = watch;
    }

    /** Adds a source of {@link DeliveryWatch}es for tracked publications; all sources' watches are told. */
    synchronized void addWatches(Function<Publication, DeliveryWatch> more) {
        Function<Publication, DeliveryWatch> before = watches;
        watches = p -> DeliveryWatch.both(before.apply(p), more.apply(p));
    }

    /** Sets where traced publications' fan-out traces come from (the hub's {@link io.pushhub.tracing.Tracing}). */
    void traceWith(Function<Publication, FanOutTrace> f) {
        this.traces = f;
    }

    private FanOutTrace traceFor(Publication p) {
        if (p == null || p.tracking().none()) {
            return null;
        }
        return p.tracking().traceparent() == null && !p.tracking().journal() ? null : traces.apply(p);
    }

    private static boolean receipt(Publication p) {
        return p != null && p.tracking().receipt();
    }

    private static ServerFrame.Message receipt(ServerFrame.Message m, Publication p) {
        return receipt(p) ? m.askingReceipt() : m;
    }

    /** The watch for a publication's frame on this node, or null. */
    private DeliveryWatch watchFor(Publication p) {
        return p == null || p.tracking().none() ? null : watches.apply(p);
    }

    /**
     * A message to this node's subscribers of a topic; {@code epoch} null when the topic keeps no history; {@code
     * expiresAt} epoch ms, 0 for never (the delivery engine drops it unsent after that).
     * {@code acceptedNanos}: when the hub on this node accepted it ({@link System#nanoTime()}), for the latency metric.
     * {@code except}: null, or the id of a connection that is skipped (and not counted). {@code source}: the
     * publication this delivers (for its {@link Publication#tracking()}), or null for an untracked node-local message.
     */
    int toTopic(
            String messageId,
            String topic,
            String from,
            JsonValue data,
            long time,
            long offset,
            String epoch,
            long expiresAt,
            long acceptedNanos,
            String except,
            Publication source) {
        List<Connection> subscribers = registry.subscribers(topic);
        FanOutTrace trace = traceFor(source);
        if (subscribers.isEmpty()) {
            watch.noSubscribers(topic);
            if (trace != null) {
                trace.noSubscriber(topic);
                trace.done();
            }
            return 0;
        }
        ServerFrame.Message m = ServerFrame.message(messageId, topic, from, time, expiresAt, data, offset, epoch);
        String text = Codec.encode(receipt(source) ? m.askingReceipt() : m);
        // one frame, queued for every subscriber
        Frame frame =
                Frame.message(text, acceptedNanos, expiresAt).watched(DeliveryWatch.both(watchFor(source), trace));
        if (epoch != null) {
            watch.delivered(topic, offset, epoch);
        }
        int reached = 0;
        for (Connection c : subscribers) {
            if (except != null && except.equals(c.id())) {
                if (trace != null) {
                    trace.excluded(c);
                }
                continue; // the excluded connection (typically the sender's): see Push#exceptConnection
            }
            SeamGate<Frame> gate = c.seams.get(topic);
            if (gate != null && gate.hold(offset, epoch, frame)) {
                continue; // held back until this connection's replay is queued, or already replayed
            }
            if (trace != null) {
                trace.matched(c);
            }
            reached += deliver(c, frame) ? 1 : 0;
        }
        if (trace != null) {
            trace.done();
        }
        return reached;
    }

    /** A publication to this node's recipients among its targets (any kind), accepted at {@code acceptedNanos}. */
    int toRecipients(Publication p, long acceptedNanos) {
        if (p.kind() == Publication.Kind.TOPIC) {
            return toTopic(
                    p.messageId(),
                    p.topic(),
                    p.from(),
                    p.data(),
                    p.time(),
                    p.offset(),
                    p.epoch(),
                    p.expiresAt(),
                    acceptedNanos,
                    p.except(),
                    p);
        }
        Frame text = Frame.message(
                        Codec.encode(receipt(
                                ServerFrame.message(
                                        p.messageId(), p.kind().wire(), null, null, p.time(), p.expiresAt(), p.data()),
                                p)),
                        acceptedNanos,
                        p.expiresAt())
                .watched(watchFor(p));
        FanOutTrace trace = traceFor(p);
        if (trace != null) {
            return toRecipientsTraced(p, text.watched(DeliveryWatch.both(text.watch(), trace)), trace);
        }
        int reached = 0;
        if (p.kind() == Publication.Kind.USERS) {
            for (String user : p.targets()) {
                for (Connection c : registry.connectionsOf(user)) {
                    if (p.excludes(c.id())) {
                        continue;
                    }
                    reached += deliver(c, text) ? 1 : 0;
                }
            }
        } else if (p.kind() == Publication.Kind.CONNECTIONS) {
            for (String id : p.targets()) {
                Connection c = registry.find(id);
                if (c != null && !p.excludes(c.id())) {
                    reached += deliver(c, text) ? 1 : 0;
                }
            }
        } else {
            for (Connection c : registry.all()) {
                if (p.excludes(c.id())) {
                    continue;
                }
                reached += deliver(c, text) ? 1 : 0;
            }
        }
        return reached;
    }

    /**
     * {@link #toRecipients} for a traced publication: the same fan-out, telling {@code trace} what it matched, excluded
     * and found nobody for (kept apart so that the untraced loop stays as it was).
     */
    private int toRecipientsTraced(Publication p, Frame text, FanOutTrace trace) {
        int reached = 0;
        if (p.kind() == Publication.Kind.USERS) {
            for (String user : p.targets()) {
                List<Connection> of = registry.connectionsOf(user);
                if (of.isEmpty()) {
                    trace.noConnection(user);
                }
                for (Connection c : of) {
                    reached += deliverTraced(p, c, text, trace);
                }
            }
        } else if (p.kind() == Publication.Kind.CONNECTIONS) {
            for (String id : p.targets()) {
                Connection c = registry.find(id);
                if (c != null) {
                    reached += deliverTraced(p, c, text, trace);
                }
            }
        } else {
            for (Connection c : registry.all()) {
                reached += deliverTraced(p, c, text, trace);
            }
        }
        trace.done();
        return reached;
    }

    private int deliverTraced(Publication p, Connection c, Frame text, FanOutTrace trace) {
        if (p.excludes(c.id())) {
            trace.excluded(c);
            return 0;
        }
        trace.matched(c);
        return deliver(c, text) ? 1 : 0;
    }

    /** A join or leave notice to this node's subscribers of a presence topic. */
    void presenceNotice(String topic, String event, String userId, String connectionId, long time) {
        Frame text = Frame.notice(
                Codec.encode(ServerFrame.presence(topic, event, userId, connectionId, time)), Frame.Type.PRESENCE);
        for (Connection c : registry.subscribers(topic)) {
            deliver(c, text);
        }
    }

    /** Tells this node's subscribers of a history topic which offsets they will not get (cluster catch-up failed). */
    void gap(String topic, long from, long to, String epoch, String reason, String message) {
        Frame text =
                Frame.notice(Codec.encode(ServerFrame.gap(topic, from, to, epoch, reason, message)), Frame.Type.GAP);
        for (Connection c : registry.subscribers(topic)) {
            deliver(c, text);
        }
    }

    /** Queues an encoded message (a replay: not timed) for one connection. @return whether its queue accepted it */
    boolean deliver(Connection c, String text) {
        return deliver(c, Frame.text(text));
    }

    /** Queues a fan-out frame (a message or a notice) for one connection. @return whether its queue accepted it */
    boolean deliver(Connection c, Frame frame) {
        Outbox.Offer offer = c.outbox().offer(frame);
        switch (offer) {
            case ACCEPTED, ACCEPTED_AFTER_DROP -> {
                if (frame.type() == Frame.Type.MESSAGE) {
                    stats.countEnqueued();
                }
                return true;
            }
            case FULL -> {
                slowConsumer(c);
                return false;
            }
            default -> {
                return false; // closed: skipped, the transport's close callback cleans up
            }
        }
    }

    /** A notice already encoded (e.g. a {@code retract}) to one connection; a full queue is a slow consumer. */
    void control(Connection c, String text) {
        deliver(c, Frame.notice(text, Frame.Type.OTHER));
    }

    /** A reply (welcome, ack, error, pong) to one connection. */
    void reply(Connection c, ServerFrame frame) {
        if (c.outbox().offer(new Frame(Codec.encode(frame), frame)) == Outbox.Offer.FULL) {
            slowConsumer(c);
        }
    }

    void error(Connection c, String id, ErrorCode code, String message) {
        stats.error(code);
        reply(c, ServerFrame.error(id, code, message));
    }

    /** The policy for a full queue: the connection goes (1013), its queue is dropped, nobody else waits. */
    void slowConsumer(Connection c) {
        stats.countSlowConsumerDisconnect();
        if (c.outbox().isClosed()) {
            return; // already being disconnected by a concurrent push
        }
        LOG.warning(() -> "disconnecting slow consumer " + c + ": outbound queue full ("
                + c.outbox().queuedMessages() + " messages, " + c.outbox().queuedBytes() + " bytes)");
        c.closeCode = CLOSE_SLOW_CONSUMER;
        forget.accept(c);
        c.outbox().closeSlow(CLOSE_SLOW_CONSUMER, "slow consumer: outbound queue full");
    }

    /** The delivery engine's report that a write failed or timed out: the connection goes (1011). */
    void sendFailed(Connection c, Throwable cause) {
        stats.countSendFailure();
        LOG.fine(() -> "send to " + c + " failed (" + cause + "); dropping the connection");
        disconnect(c, CLOSE_SEND_FAILED, "send failed");
    }

    /**
     * Removes a connection from the hub and asks its transport to close, on the delivery engine's closer threads once
     * no send is in flight (a close never waits behind a write; the caller may be a pusher). Safe to call more than
     * once.
     */
    void disconnect(Connection c, int code, String reason) {
        if (c.closeCode == 0) {
            c.closeCode = code;
        }
        forget.accept(c);
        c.outbox().close(code, reason);
    }
}
