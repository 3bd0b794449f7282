package io.pushhub;

/**
 * What became of one push at the moment it was handed over.
 *
 * @param messageId the id every recipient sees in the message frame
 * @param reached connections on this node whose outbound queue accepted the message (at-most-once delivery from there
 *     on); connections on other nodes are not counted
 * @param cluster {@code null} on a single node (memory broker); {@link #PUBLISHED} when the other nodes were handed the
 *     message; {@link #UNAVAILABLE} when they could not be (only this node's connections got it)
 * @param clusterProblem why the cluster was unavailable, else null
 * @param duplicate true when this push repeated an idempotency key seen within the window: nothing was delivered, and
 *     {@code messageId} is the first push's
 * @param deferred true when the push was made inside a JTA transaction and waits for its commit
 */
public record PushResult(
        String messageId, int reached, String cluster, String clusterProblem, boolean duplicate, boolean deferred) {

    /** A push that was delivered (not a duplicate, not deferred). */
    public PushResult(String messageId, int reached, String cluster, String clusterProblem) {
        this(messageId, reached, cluster, clusterProblem, false, false);
    }

    public static final String PUBLISHED = "published";
    public static final String UNAVAILABLE = "unavailable";

    /** Whether the other nodes of a cluster could not be handed the message. */
    public boolean clusterUnavailable() {
        return UNAVAILABLE.equals(cluster);
    }
}
