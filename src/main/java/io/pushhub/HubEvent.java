package io.pushhub;

import java.time.Instant;

/**
 * What the backend hears about topics and users, cluster-wide: the same events the hub sends to the webhook URLs
 * ({@code pushhub.webhook.urls}, docs/hooks.md) also fire as CDI events in this application. Observe {@code HubEvent}
 * for all of them or one record, e.g. {@code void vacated(@Observes HubEvent.TopicVacated e)}.
 *
 * <p><b>Guarantees.</b> Each transition is decided once for the whole cluster (atomically in Redis with {@code
 * pushhub.broker=redis}, in this JVM with the memory broker), and its event fires on exactly one node: the node that
 * made the transition (the one whose client subscribed, left or closed; for the connections of a node that died, the
 * surviving node that cleaned up after it; for {@code user.offline}, the node that found the grace over). Observers run
 * on the pushhub event thread, as for {@link ConnectionEvent}, isolated from each other and from delivery. Every event
 * carries a {@link #seq() sequence number} that grows by one per event of its topic (topic and member events) or of its
 * user (user and connection events), so a receiver can order them and see a gap; {@code GET
 * /api/topics/{topic}/presence} and {@code GET /api/users/{id}} answer the current one.
 */
public sealed interface HubEvent {

    /** The wire name, e.g. {@code topic.vacated}. */
    String type();

    /** Sequence number within the event's topic or user. */
    long seq();

    /** When the transition was made. */
    Instant time();

    /** The node that made the transition (for a crashed node's connections: the node they were on). */
    String node();

    /** The event's id: unique per cluster, the same in every webhook delivery of it. */
    String id();

    /** The first subscriber of a topic arrived (cluster-wide). Sequence: the topic's. */
    record TopicOccupied(String id, String topic, long seq, Instant time, String node) implements HubEvent {
        @Override
        public String type() {
            return "topic.occupied";
        }
    }

    /** The last subscriber of a topic left (cluster-wide). Sequence: the topic's. */
    record TopicVacated(String id, String topic, long seq, Instant time, String node) implements HubEvent {
        @Override
        public String type() {
            return "topic.vacated";
        }
    }

    /** A user's first connection joined a presence topic ({@code pushhub.presence.topics}). Sequence: the topic's. */
    record MemberJoined(String id, String topic, String userId, long seq, Instant time, String node)
            implements HubEvent {
        @Override
        public String type() {
            return "member.joined";
        }
    }

    /** A user's last connection left a presence topic. Sequence: the topic's. */
    record MemberLeft(String id, String topic, String userId, long seq, Instant time, String node) implements HubEvent {
        @Override
        public String type() {
            return "member.left";
        }
    }

    /** A user's first connection anywhere in the cluster (not after a reconnect within the grace). */
    record UserOnline(String id, String userId, long seq, Instant time, String node) implements HubEvent {
        @Override
        public String type() {
            return "user.online";
        }
    }

    /** A user has had no connection anywhere for {@code pushhub.webhook.offline-grace}. */
    record UserOffline(String id, String userId, long seq, Instant time, String node) implements HubEvent {
        @Override
        public String type() {
            return "user.offline";
        }
    }

    /**
     * A connection ended, with its WebSocket close code (1000 normal, 1001 going away, 1006 gone without a close: for
     * a node that died, all of its connections). Sequence: the user's.
     */
    record ConnectionClosed(
            String id, String userId, String connectionId, int code, long seq, Instant time, String node)
            implements HubEvent {
        @Override
        public String type() {
            return "connection.closed";
        }
    }

    /**
     * No connection of {@code userId} acknowledged the push {@code messageId} (asked with {@code escalateAfter}) within
     * {@code escalateAfter} of {@code pushedAt}; a user with no connection at all escalates too. Fired once per user
     * and message, by the node that accepted the push (docs/receipts.md). Sequence: the user's.
     */
    record PushUnacknowledged(
            String id,
            String messageId,
            String userId,
            Instant pushedAt,
            java.time.Duration escalateAfter,
            long seq,
            Instant time,
            String node)
            implements HubEvent {
        @Override
        public String type() {
            return "push.unacknowledged";
        }
    }
}
