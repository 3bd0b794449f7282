package io.pushhub.hub;

import io.pushhub.ConnectionView;
import io.pushhub.Connections;
import io.pushhub.delivery.DeliveryEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** The {@link Connections} bean: snapshots of this node's registry and counters. */
@ApplicationScoped
public class HubConnections implements Connections {

    @Inject
    Hub hub;

    @Override
    public Optional<ConnectionView> find(String connectionId) {
        return Optional.ofNullable(hub.registry().find(connectionId)).map(c -> c.view(hub.nodeId()));
    }

    @Override
    public int count() {
        return hub.registry().size();
    }

    @Override
    public Map<String, Integer> countByTransport() {
        Map<String, Integer> out = new TreeMap<>(Map.of("websocket", 0, "sse", 0));
        for (Connection c : hub.registry().all()) {
            out.merge(c.channel().transportName(), 1, Integer::sum);
        }
        return out;
    }

    @Override
    public int users() {
        return hub.registry().userCount();
    }

    @Override
    public int subscriptions() {
        return hub.registry().subscriptionCount();
    }

    @Override
    public SortedMap<String, List<String>> idsByUser() {
        return new TreeMap<>(hub.registry().connectionIdsByUser());
    }

    @Override
    public SortedMap<String, Integer> topicCounts() {
        return new TreeMap<>(hub.registry().topicCounts());
    }

    @Override
    public boolean close(String connectionId, int code, String reason) {
        Connection c = hub.registry().find(connectionId);
        if (c == null) {
            return false;
        }
        hub.disconnect(c, code, reason);
        return true;
    }

    @Override
    public Totals totals() {
        HubStats stats = hub.stats();
        DeliveryEngine engine = hub.engine();
        return new Totals(
                stats.connectionsOpened(),
                stats.pushes(),
                stats.enqueued(),
                engine.sentMessages(),
                engine.sentFrames(),
                engine.droppedMessages(),
                stats.slowConsumerDisconnects(),
                stats.sendFailures(),
                stats.handshakesRejected(),
                stats.errorTotal());
    }
}
