package io.pushhub.client;

import java.util.List;

/**
 * The connections subscribed to a topic on every node of the cluster, and their users.
 *
 * @param topic the topic
 * @param subscribers how many connections are subscribed
 * @param users their distinct user ids, sorted
 * @param connections the subscribed connections
 * @param complete whether every node answered; when false only the answering node's connections are listed
 * @param cluster null, or {@code unavailable} when not complete
 * @param clusterError null, or why not complete
 */
public record TopicPresence(
        String topic,
        int subscribers,
        List<String> users,
        List<Subscriber> connections,
        boolean complete,
        String cluster,
        String clusterError) {

    public TopicPresence {
        users = List.copyOf(users);
        connections = List.copyOf(connections);
    }

    /** One subscribed connection, its user and the node that holds it. */
    public record Subscriber(String connectionId, String userId, String node) {}
}
