package io.pushhub;

import java.util.List;

/**
 * Server-side subscriptions: the backend subscribes or unsubscribes every connection of a user, on every node, to a
 * topic ({@code POST/DELETE /api/users/{id}/subscriptions}, or {@code @Inject Subscriptions} in an application in the
 * same server). Each connection that changes gets a {@code subscribed} / {@code unsubscribed} frame with {@code "by":
 * "server"}. An application-scoped CDI bean; every method may be called from any thread.
 *
 * <p><b>The same rules as a client's subscribe</b>, where they make sense: the topic name must be valid, and a
 * connection at its {@code pushhub.ws.max-subscriptions} is skipped (it gets an error frame {@code
 * too_many_subscriptions}; the answer counts it). The topic rules for clients ({@code pushhub.subscribe.deny-topics},
 * the {@code user:{id}} topics) do not apply: the backend, which holds the publisher credentials, decides who may
 * read what.
 *
 * <p><b>Sticky</b> subscriptions are stored in the broker (memory, or Redis for a cluster), at most {@code
 * pushhub.subscriptions.max-sticky} per user, and applied to every connection the user opens later, on any node, right
 * after its welcome frame, until removed by {@link #unsubscribe}.
 *
 * <p><b>Counts.</b> A {@link Change} counts this node's connections only: the other nodes apply the change when the
 * broker hands them the request (before any later push from this node reaches them), and do not answer.
 */
public interface Subscriptions {

    /**
     * Subscribes every connection of {@code userId} on every node to {@code topic}; with {@code sticky}, also every
     * connection the user opens later. An unknown user is no error (0 connections).
     *
     * @throws IllegalArgumentException for an invalid topic name (the message says why)
     * @throws StickySubscriptionException when {@code sticky} and the user has {@code pushhub.subscriptions.max-sticky}
     *     sticky topics already, or the broker cannot store it (nothing was changed then)
     */
    Change subscribe(String userId, String topic, boolean sticky);

    /**
     * Unsubscribes every connection of {@code userId} on every node from {@code topic} (also subscriptions the clients
     * made themselves) and removes the sticky subscription, if any.
     *
     * @throws IllegalArgumentException for an invalid topic name
     * @throws StickySubscriptionException when the broker cannot be asked to remove the sticky subscription (nothing was
     *     changed then)
     */
    Change unsubscribe(String userId, String topic);

    /**
     * The user's sticky subscriptions, sorted.
     *
     * @throws StickySubscriptionException when the broker cannot be asked
     */
    List<String> sticky(String userId);

    /**
     * What a subscribe or unsubscribe did.
     *
     * @param changed this node's connections that were subscribed (unsubscribed) now, each told by a frame
     * @param unchanged this node's connections that were subscribed already (not subscribed)
     * @param skipped this node's connections at their subscription limit, not subscribed (always 0 for unsubscribe)
     * @param sticky whether the topic is now stored as sticky (subscribe), or was removed from the sticky ones
     *     (unsubscribe)
     * @param cluster null on a single node; {@code requested} when the other nodes were sent the request (they apply
     *     it without answering); {@code unavailable} when they could not be (the broker is down; see {@code
     *     clusterError})
     */
    record Change(
            String userId,
            String topic,
            int changed,
            int unchanged,
            int skipped,
            boolean sticky,
            String cluster,
            String clusterError) {

        /** {@link #cluster()} when the other nodes were sent the request. */
        public static final String REQUESTED = "requested";
        /** {@link #cluster()} when the broker could not be reached. */
        public static final String UNAVAILABLE = "unavailable";
    }
}
