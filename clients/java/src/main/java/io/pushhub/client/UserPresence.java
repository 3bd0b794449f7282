package io.pushhub.client;

import java.util.List;

/**
 * Whether a user is online anywhere in the cluster, and on which connections.
 *
 * @param userId the user
 * @param online whether the user has at least one connection
 * @param connections how many connections the user has
 * @param nodes the nodes that hold them, sorted
 * @param connectionIds the connections and their nodes
 * @param complete whether every node answered; when false only the answering node's connections are listed
 * @param cluster null, or {@code unavailable} when not complete
 * @param clusterError null, or why not complete
 */
public record UserPresence(
        String userId,
        boolean online,
        int connections,
        List<String> nodes,
        List<NodeConnection> connectionIds,
        boolean complete,
        String cluster,
        String clusterError) {

    public UserPresence {
        nodes = List.copyOf(nodes);
        connectionIds = List.copyOf(connectionIds);
    }

    /** One of the user's connections and the node that holds it. */
    public record NodeConnection(String connectionId, String node) {}
}
