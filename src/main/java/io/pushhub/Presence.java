package io.pushhub;

import java.util.List;

/**
 * Who is connected, across the whole cluster: an application-scoped CDI bean for the REST API and for applications
 * in the same server ({@code @Inject Presence presence}).
 *
 * <p><b>Snapshots.</b> Every answer is a snapshot taken when it was asked: later connects and disconnects do not
 * change it. Each says whether it is {@linkplain Snapshot#complete() complete}: with the memory broker (one node) it
 * always is; with Redis it is complete when every live node's connections are included, and when Redis cannot be
 * reached it lists only this node's connections, {@code complete == false} and the reason. The connections of a node
 * that died without a clean stop disappear within one lease ({@code pushhub.presence.ttl}).
 *
 * <p><b>Threading.</b> Any thread; a read may wait on Redis for its command time-out, never on a client.
 */
public interface Presence {

    /** One connection somewhere in the cluster. */
    record Entry(String connectionId, String userId, String node) {}

    /**
     * An answer.
     *
     * @param entries connections found, sorted by user then connection id
     * @param complete true when every live node's connections are included; false when only this node's are
     * @param problem why the answer is incomplete, else null
     */
    record Snapshot(List<Entry> entries, boolean complete, String problem) {
        public Snapshot {
            entries = List.copyOf(entries);
        }

        /** The distinct users among the entries, sorted. */
        public List<String> users() {
            return entries.stream().map(Entry::userId).distinct().sorted().toList();
        }
    }

    /** The connections subscribed to a topic, on every node. */
    Snapshot topic(String topic);

    /**
     * The sequence number of the latest {@link HubEvent} of a topic, cluster-wide; empty when it had none or hub events
     * are off (no webhook URL and no observer). Read it before the snapshot: the snapshot then already contains every
     * event up to it (docs/hooks.md, reconcile).
     */
    default java.util.OptionalLong topicSequence(String topic) {
        return java.util.OptionalLong.empty();
    }

    /** The sequence number of the latest {@link HubEvent} of a user, like {@link #topicSequence}. */
    default java.util.OptionalLong userSequence(String userId) {
        return java.util.OptionalLong.empty();
    }

    /** The connections of a user, on every node. */
    Snapshot user(String userId);

    /** The connections among these ids that exist somewhere in the cluster. */
    Snapshot connections(List<String> connectionIds);

    /**
     * The ids among {@code connectionIds} that name no open connection on any node, in the given order. When the
     * cluster cannot be asked, no id counts as unknown (a push to them goes out and reports the cluster problem).
     */
    List<String> unknownConnections(List<String> connectionIds);
}
