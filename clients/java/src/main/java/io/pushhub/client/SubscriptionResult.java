package io.pushhub.client;

/**
 * What {@link PushHubClient#subscribe} or {@link PushHubClient#unsubscribe} did.
 *
 * @param changed the user's connections on the node that answered that were subscribed (unsubscribed) now
 * @param already those that were subscribed already (were not subscribed)
 * @param skipped those at their subscription limit, not subscribed (0 for unsubscribe)
 * @param sticky subscribe: stored for the user's later connections; unsubscribe: a sticky one was removed
 * @param cluster null on a single node; {@code requested} when the other nodes were asked (they do not answer, so
 *     their connections are not counted); {@code unavailable} when they could not be ({@code clusterError} says why)
 */
public record SubscriptionResult(
        String userId,
        String topic,
        int changed,
        int already,
        int skipped,
        boolean sticky,
        String cluster,
        String clusterError) {}
