package io.pushhub.hub;

/**
 * @param messageId the id every recipient sees in the message frame
 * @param reached connections on this node whose outbound queue accepted the message (at-most-once delivery from there
 *     on); connections on other nodes are not counted
 * @param cluster {@code null} on a single node (memory broker); {@code "published"} when the other nodes were handed
 *     the message; {@code "unavailable"} when they could not be (only this node's connections got it)
 * @param clusterProblem why the cluster was unavailable, else null
 */
public record PushResult(String messageId, int reached, String cluster, String clusterProblem) {

    public static final String PUBLISHED = "published";
    public static final String UNAVAILABLE = "unavailable";
}
