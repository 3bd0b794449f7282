package io.pushhub.hub;

import io.pushhub.Presence;
import io.pushhub.broker.Broker;
import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.Publication;
import io.pushhub.presence.PresenceStore;
import jakarta.json.Json;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Keeps the cluster's presence store up to date with this node's connections, and sends join/leave notices of
 * presence topics ({@code pushhub.presence.topics}) to this node's subscribers and to the other nodes. Notices to
 * other nodes are best effort: when the broker is down they are skipped, and members lists catch up from the store.
 *
 * <p>Any thread; the store's writes never block on the network.
 */
final class PresenceNotices {

    private static final Logger LOG = Logger.getLogger(PresenceNotices.class.getName());

    private final String nodeId;
    private final TopicRules rules;
    private final PresenceStore store;
    private final Broker broker;
    private final LocalDelivery local;
    private final ConnectionRegistry registry;
    private final io.pushhub.events.EventLedger ledger;

    PresenceNotices(
            String nodeId,
            TopicRules rules,
            PresenceStore store,
            Broker broker,
            LocalDelivery local,
            ConnectionRegistry registry,
            io.pushhub.events.EventLedger ledger) {
        this.nodeId = nodeId;
        this.rules = rules;
        this.store = store;
        this.broker = broker;
        this.local = local;
        this.registry = registry;
        this.ledger = ledger;
    }

    boolean hasPresence(String topic) {
        return rules.hasPresence(topic);
    }

    void opened(Connection c) {
        store.connected(c.id(), c.userId());
        ledger.connected(c.id(), c.userId());
    }

    /**
     * A connection ended: withdrawn from the store and the event ledger (with its WebSocket close code), and a leave
     * notice in each presence topic it was in.
     */
    void closed(Connection c, Set<String> topics, int closeCode) {
        store.disconnected(c.id(), c.userId(), topics);
        ledger.disconnected(c.id(), c.userId(), topics, closeCode);
        for (String topic : topics) {
            if (rules.hasPresence(topic)) {
                notice(topic, "leave", c.userId(), c.id());
            }
        }
    }

    /** A new subscription, in the store (the join notice follows the ack: {@link #joined}). */
    void subscribed(Connection c, String topic) {
        store.subscribed(c.id(), c.userId(), topic);
        ledger.subscribed(c.id(), c.userId(), topic);
    }

    /** The join notice of a presence topic, sent once the subscriber has its ack and replay. */
    void joined(Connection c, String topic) {
        if (rules.hasPresence(topic)) {
            notice(topic, "join", c.userId(), c.id());
        }
    }

    void unsubscribed(Connection c, String topic) {
        store.unsubscribed(c.id(), c.userId(), topic);
        ledger.unsubscribed(c.id(), c.userId(), topic);
        if (rules.hasPresence(topic)) {
            notice(topic, "leave", c.userId(), c.id());
        }
    }

    /** Users in a presence topic on every node (this node's connections count even before the store has them). */
    List<String> members(String topic) {
        Set<String> users = new TreeSet<>(registry.usersIn(topic));
        for (Presence.Entry e : store.topic(topic).entries()) {
            users.add(e.userId());
        }
        return List.copyOf(users);
    }

    /** A connection of a node that died: tell every node's subscribers of a presence topic that it left. */
    void departed(String topic, Presence.Entry e) {
        if (rules.hasPresence(topic)) {
            notice(topic, "leave", e.userId(), e.connectionId());
        }
    }

    private void notice(String topic, String event, String userId, String connectionId) {
        long now = System.currentTimeMillis();
        local.presenceNotice(topic, event, userId, connectionId, now);
        if (broker.distributed()) {
            try {
                broker.publish(new Publication(
                        nodeId,
                        Publication.Kind.PRESENCE,
                        List.of(topic),
                        connectionId,
                        userId,
                        now,
                        Json.createValue(event),
                        0,
                        null));
            } catch (BrokerUnavailableException ex) {
                LOG.fine(() -> event + " of " + connectionId + " in " + topic + " not sent to the cluster: "
                        + ex.getMessage());
            }
        }
    }
}
