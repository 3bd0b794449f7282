package io.pushhub;

import java.time.Instant;
import java.util.Set;

/**
 * A snapshot of one open connection of this node: taken when it was asked for, never updated (ask again for news).
 *
 * @param id the connection id ({@code c-...}), unique in the cluster
 * @param userId the user of its JWT, or the anonymous user id of its HTTP session
 * @param anonymous whether it connected without a JWT
 * @param transport {@code websocket} or {@code sse}
 * @param node the id of the node that holds it
 * @param openedAt when it was opened
 * @param topics the topics it was subscribed to at the time of the snapshot
 */
public record ConnectionView(
        String id,
        String userId,
        boolean anonymous,
        String transport,
        String node,
        Instant openedAt,
        Set<String> topics) {

    public ConnectionView {
        topics = Set.copyOf(topics);
    }
}
