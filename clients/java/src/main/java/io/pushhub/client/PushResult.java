package io.pushhub.client;

/**
 * What the hub answered to a push delivered now.
 *
 * @param messageId the id every recipient sees in the message frame ({@code m-...})
 * @param reached connections on the node that took the push whose queue accepted the message (other nodes' connections
 *     are not counted)
 * @param cluster null on a single node; in a cluster {@code published} (the other nodes were handed the message) or
 *     {@code unavailable}
 * @param clusterError null, or why the other nodes were not reached when {@code cluster} is {@code unavailable}
 * @param duplicate true when the push repeated an {@code Idempotency-Key} the hub saw within its window (on any node):
 *     nothing was delivered again, {@code messageId} is the first push's and {@code reached} is 0
 */
public record PushResult(String messageId, int reached, String cluster, String clusterError, boolean duplicate) {

    /** A push that was delivered (not a duplicate). */
    public PushResult(String messageId, int reached, String cluster, String clusterError) {
        this(messageId, reached, cluster, clusterError, false);
    }

    /** True when the hub runs in a cluster and could not hand the message to the other nodes. */
    public boolean clusterUnavailable() {
        return "unavailable".equals(cluster);
    }
}
