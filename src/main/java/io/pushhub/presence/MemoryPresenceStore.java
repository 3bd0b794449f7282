package io.pushhub.presence;

import io.pushhub.Presence.Entry;
import io.pushhub.Presence.Snapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** Presence of a single node: answered from this node's {@link LocalConnections}, nothing to write. */
public final class MemoryPresenceStore implements PresenceStore {

    private static final Comparator<Entry> ORDER =
            Comparator.comparing(Entry::userId).thenComparing(Entry::connectionId);

    private final LocalConnections registry;
    private final String node;

    public MemoryPresenceStore(LocalConnections registry, String node) {
        this.registry = registry;
        this.node = node;
    }

    @Override
    public void connected(String connectionId, String userId) {}

    @Override
    public void disconnected(String connectionId, String userId, Set<String> topics) {}

    @Override
    public void subscribed(String connectionId, String userId, String topic) {}

    @Override
    public void unsubscribed(String connectionId, String userId, String topic) {}

    @Override
    public Snapshot topic(String topic) {
        return local(registry.subscribers(topic));
    }

    @Override
    public Snapshot user(String userId) {
        return local(registry.connectionsOf(userId));
    }

    @Override
    public Snapshot connections(List<String> connectionIds) {
        List<LocalConnections.Local> found = new ArrayList<>();
        for (String id : connectionIds) {
            LocalConnections.Local c = registry.find(id);
            if (c != null) {
                found.add(c);
            }
        }
        return local(found);
    }

    /** This node's view as a complete snapshot (a single node is the whole cluster). */
    private Snapshot local(List<? extends LocalConnections.Local> connections) {
        return new Snapshot(entries(connections, node), true, null);
    }

    /** Entries for connections of one node, in the order every snapshot uses (user, then connection id). */
    public static List<Entry> entries(List<? extends LocalConnections.Local> connections, String node) {
        List<Entry> out = new ArrayList<>();
        for (LocalConnections.Local c : connections) {
            out.add(new Entry(c.id(), c.userId(), node));
        }
        out.sort(ORDER);
        return out;
    }

    @Override
    public void stop() {}
}
