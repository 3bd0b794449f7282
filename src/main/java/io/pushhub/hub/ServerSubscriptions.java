package io.pushhub.hub;

import io.pushhub.ConnectionEvent;
import io.pushhub.StickySubscriptionException;
import io.pushhub.Subscriptions;
import io.pushhub.broker.Broker;
import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.Publication;
import io.pushhub.delivery.Frame;
import io.pushhub.protocol.Codec;
import io.pushhub.protocol.ErrorCode;
import io.pushhub.protocol.ServerFrame;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Subscriptions made by the server for a user ({@link Subscriptions}): applied to this node's connections of the user,
 * sent to the other nodes as a {@link Publication.Kind#SUBSCRIBE}/{@link Publication.Kind#UNSUBSCRIBE} publication on
 * the broker's bus (so they are applied in order with the pushes that follow from this node), and, when sticky, stored
 * in the broker and applied to each connection the user opens later ({@link #opened}).
 *
 * <p>Thread-safe; called by the API on request threads, by the cluster relay on the broker's thread and by the hub on
 * the thread that opens a connection. Never blocks on a client: frames are queued like any reply.
 */
final class ServerSubscriptions {

    private static final Logger LOG = Logger.getLogger(ServerSubscriptions.class.getName());
    private static final JsonProvider JSON = JsonProvider.provider();

    private final String nodeId;
    private final Broker broker;
    private final ConnectionRegistry registry;
    private final LocalDelivery local;
    private final PresenceNotices presence;
    private final ConnectionEvents events;
    private final IntSupplier maxSubscriptions;
    private final IntSupplier maxSticky;
    private final Supplier<String> requestIds;

    ServerSubscriptions(
            String nodeId,
            Broker broker,
            ConnectionRegistry registry,
            LocalDelivery local,
            PresenceNotices presence,
            ConnectionEvents events,
            IntSupplier maxSubscriptions,
            IntSupplier maxSticky,
            Supplier<String> requestIds) {
        this.nodeId = nodeId;
        this.broker = broker;
        this.registry = registry;
        this.local = local;
        this.presence = presence;
        this.events = events;
        this.maxSubscriptions = maxSubscriptions;
        this.maxSticky = maxSticky;
        this.requestIds = requestIds;
    }

    /** This node's outcome for one user: how many connections changed, were unchanged, were at their limit. */
    record Counts(int changed, int unchanged, int skipped) {}

    Subscriptions.Change subscribe(String userId, String topic, boolean sticky) {
        checkTopic(topic);
        boolean stored = false;
        if (sticky) {
            // Stored before the live connections are changed: a connection opening meanwhile is either in the registry
            // below or reads the stored topic when it opens (both: the second finds it subscribed, and sends nothing).
            Broker.StickyAdded added;
            try {
                added = broker.addSticky(userId, topic, maxSticky.getAsInt());
            } catch (BrokerUnavailableException e) {
                throw new StickySubscriptionException(
                        "the sticky subscription could not be stored, so nothing was changed: " + e.getMessage(),
                        false,
                        e);
            }
            if (added == Broker.StickyAdded.FULL) {
                throw new StickySubscriptionException(
                        "user " + userId + " has " + maxSticky.getAsInt()
                                + " sticky subscriptions already (pushhub.subscriptions.max-sticky); delete one first",
                        true,
                        null);
            }
            stored = true;
        }
        Counts here = applySubscribe(userId, topic);
        String[] cluster = toCluster(Publication.Kind.SUBSCRIBE, userId, topic);
        return new Subscriptions.Change(
                userId, topic, here.changed(), here.unchanged(), here.skipped(), stored, cluster[0], cluster[1]);
    }

    Subscriptions.Change unsubscribe(String userId, String topic) {
        checkTopic(topic);
        boolean removed;
        try {
            removed = broker.removeSticky(userId, topic);
        } catch (BrokerUnavailableException e) {
            throw new StickySubscriptionException(
                    "the sticky subscription could not be removed, so nothing was changed: " + e.getMessage(),
                    false,
                    e);
        }
        Counts here = applyUnsubscribe(userId, topic);
        String[] cluster = toCluster(Publication.Kind.UNSUBSCRIBE, userId, topic);
        return new Subscriptions.Change(
                userId, topic, here.changed(), here.unchanged(), 0, removed, cluster[0], cluster[1]);
    }

    List<String> sticky(String userId) {
        try {
            return broker.stickyTopics(userId);
        } catch (BrokerUnavailableException e) {
            throw new StickySubscriptionException(
                    "the sticky subscriptions could not be read: " + e.getMessage(), false, e);
        }
    }

    /**
     * A connection was opened (its welcome is queued): subscribes it to its user's sticky topics, each with its {@code
     * subscribed} frame. When the broker cannot be asked, the connection goes on without them (logged).
     */
    void opened(Connection c) {
        List<String> topics;
        try {
            topics = broker.stickyTopics(c.userId());
        } catch (BrokerUnavailableException | RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "could not read the sticky subscriptions of " + c + "; it starts without them: " + e.getMessage());
            return;
        }
        for (String topic : topics) {
            subscribeOne(c, topic);
        }
    }

    /** A request of another node. Runs on the broker's thread. */
    void fromCluster(Publication p) {
        if (!(p.data() instanceof JsonString topic) || TopicRules.invalidReason(topic.getString()) != null) {
            LOG.warning(() -> "ignoring a malformed " + p.kind().wire() + " request from node " + p.node());
            return;
        }
        for (String user : p.targets()) {
            if (p.kind() == Publication.Kind.SUBSCRIBE) {
                applySubscribe(user, topic.getString());
            } else {
                applyUnsubscribe(user, topic.getString());
            }
        }
    }

    Counts applySubscribe(String userId, String topic) {
        int changed = 0;
        int unchanged = 0;
        int skipped = 0;
        for (Connection c : registry.connectionsOf(userId)) {
            switch (subscribeOne(c, topic)) {
                case ADDED -> changed++;
                case ALREADY -> unchanged++;
                case LIMIT -> skipped++;
                case CLOSED -> {} // closing now: not counted
            }
        }
        return new Counts(changed, unchanged, skipped);
    }

    Counts applyUnsubscribe(String userId, String topic) {
        int changed = 0;
        int unchanged = 0;
        for (Connection c : registry.connectionsOf(userId)) {
            c.serverTopics.remove(topic);
            if (registry.unsubscribe(c, topic)) {
                c.seams.remove(topic);
                local.deliver(c, notice(ServerFrame.unsubscribedByServer(topic)));
                presence.unsubscribed(c, topic);
                events.fire(() -> new ConnectionEvent.Unsubscribed(c.view(nodeId), topic));
                changed++;
            } else {
                unchanged++;
            }
        }
        return new Counts(changed, unchanged, 0);
    }

    private ConnectionRegistry.Subscribed subscribeOne(Connection c, String topic) {
        ConnectionRegistry.Subscribed r = registry.subscribe(c, topic, maxSubscriptions.getAsInt());
        switch (r) {
            case ADDED -> {
                c.serverTopics.add(topic);
                presence.subscribed(c, topic);
                local.deliver(c, notice(ServerFrame.subscribedByServer(topic)));
                presence.joined(c, topic);
                events.fire(() -> new ConnectionEvent.Subscribed(c.view(nodeId), topic));
            }
            case LIMIT ->
                local.error(
                        c,
                        null,
                        ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                        "the server subscribed this connection to " + topic + ", but it has "
                                + maxSubscriptions.getAsInt()
                                + " subscriptions already (the limit); unsubscribe from one and ask again");
            default -> {}
        }
        return r;
    }

    /** Sends the request to the other nodes. @return {cluster, clusterError} as in {@link Subscriptions.Change} */
    private String[] toCluster(Publication.Kind kind, String userId, String topic) {
        if (!broker.distributed()) {
            return new String[] {null, null};
        }
        Publication p = new Publication(
                nodeId,
                kind,
                List.of(userId),
                requestIds.get(),
                null,
                System.currentTimeMillis(),
                JSON.createValue(topic),
                0,
                null);
        try {
            broker.publish(p);
            return new String[] {Subscriptions.Change.REQUESTED, null};
        } catch (BrokerUnavailableException e) {
            LOG.warning(() -> "could not send the " + kind.wire() + " of user " + userId + " to " + topic
                    + " to the other nodes: " + e.getMessage());
            return new String[] {Subscriptions.Change.UNAVAILABLE, e.getMessage()};
        }
    }

    private static Frame notice(ServerFrame frame) {
        return Frame.notice(Codec.encode(frame), Frame.Type.OTHER);
    }

    private static void checkTopic(String topic) {
        String reason = topic == null ? "a topic is required" : TopicRules.invalidReason(topic);
        if (reason == null && topic.startsWith("$")) {
            reason = "topics starting with '$' are reserved for the hub";
        }
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
    }
}
