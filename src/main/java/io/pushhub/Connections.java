package io.pushhub;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * This node's open connections, read as snapshots, and the operator's way to close one. An application-scoped CDI
 * bean; for the whole cluster ask {@link Presence}.
 *
 * <p>Every method may be called from any thread and returns at once: reads copy the hub's indexes (lock-free), and
 * {@link #close} only asks the transport to close, on the delivery engine's threads.
 */
public interface Connections {

    /** One open connection of this node, or empty. */
    Optional<ConnectionView> find(String connectionId);

    /** How many connections are open on this node. */
    int count();

    /** How many are open over each transport ({@code websocket}, {@code sse}); every transport is listed. */
    Map<String, Integer> countByTransport();

    /** How many distinct users have a connection here. */
    int users();

    /** Subscriptions held by this node's connections (a connection in three topics counts three). */
    int subscriptions();

    /** Connection ids of each user, users sorted, ids sorted. */
    SortedMap<String, List<String>> idsByUser();

    /** Topics with at least one subscriber on this node, and how many, sorted by topic. */
    SortedMap<String, Integer> topicCounts();

    /**
     * Closes a connection of this node with a WebSocket close code and reason (SSE clients get the {@code closed}
     * event with them). What is still queued for it is dropped.
     *
     * @return false when this node has no open connection with this id
     */
    boolean close(String connectionId, int code, String reason);

    /** Counters since this node started, for dashboards (rates are the reader's business). */
    Totals totals();

    /**
     * @param connectionsOpened connections ever opened
     * @param pushes pushes accepted (one per push call, whatever the number of recipients)
     * @param enqueued messages queued for a connection
     * @param delivered messages written to clients
     * @param frames frames written (a batch frame carries several messages)
     * @param dropped messages dropped (closed connections, drop-oldest policy)
     * @param slowConsumerDisconnects connections closed because their queue was full
     * @param sendFailures writes that failed or timed out
     * @param handshakesRejected handshakes refused (origin, token)
     * @param errors error frames sent to clients
     */
    record Totals(
            long connectionsOpened,
            long pushes,
            long enqueued,
            long delivered,
            long frames,
            long dropped,
            long slowConsumerDisconnects,
            long sendFailures,
            long handshakesRejected,
            long errors) {}
}
