package io.pushhub;

import java.util.List;

/**
 * Who a push goes to: everyone, users, topics or single connections, on every node of the cluster. Lists are copied,
 * must be non-empty and should be free of duplicates (the REST API refuses duplicates; a duplicate here is delivered
 * once per listed entry for topics, once for users and connections).
 */
public sealed interface Target {

    /** Wire value of the message frame's {@code scope} field: {@code all}, {@code user}, {@code topic}, {@code connection}. */
    String scope();

    /** The listed user ids, topics or connection ids (empty for {@link All}). */
    List<String> names();

    static Target all() {
        return new All();
    }

    static Target users(List<String> userIds) {
        return new Users(userIds);
    }

    static Target user(String userId) {
        return new Users(List.of(userId));
    }

    static Target topics(List<String> topics) {
        return new Topics(topics);
    }

    static Target topic(String topic) {
        return new Topics(List.of(topic));
    }

    static Target connections(List<String> connectionIds) {
        return new Connections(connectionIds);
    }

    static Target connection(String connectionId) {
        return new Connections(List.of(connectionId));
    }

    /**
     * The target of a scope and its names, as {@link #scope()} and {@link #names()} give them (e.g. read back from
     * storage).
     *
     * @throws IllegalArgumentException for an unknown scope
     */
    static Target of(String scope, List<String> names) {
        return switch (scope) {
            case "all" -> new All();
            case "user" -> new Users(names);
            case "topic" -> new Topics(names);
            case "connection" -> new Connections(names);
            default -> throw new IllegalArgumentException("unknown scope '" + scope + "'");
        };
    }

    /** Every open connection. */
    record All() implements Target {
        @Override
        public String scope() {
            return "all";
        }

        @Override
        public List<String> names() {
            return List.of();
        }
    }

    /** Every connection of each user (a user may have many tabs and devices). */
    record Users(List<String> userIds) implements Target {
        public Users {
            userIds = List.copyOf(userIds);
        }

        @Override
        public String scope() {
            return "user";
        }

        @Override
        public List<String> names() {
            return userIds;
        }
    }

    /** Every subscriber of each topic; one message per topic, so a connection in two listed topics gets two. */
    record Topics(List<String> topics) implements Target {
        public Topics {
            topics = List.copyOf(topics);
        }

        @Override
        public String scope() {
            return "topic";
        }

        @Override
        public List<String> names() {
            return topics;
        }
    }

    /** Exactly these connections, wherever in the cluster they are. */
    record Connections(List<String> connectionIds) implements Target {
        public Connections {
            connectionIds = List.copyOf(connectionIds);
        }

        @Override
        public String scope() {
            return "connection";
        }

        @Override
        public List<String> names() {
            return connectionIds;
        }
    }
}
