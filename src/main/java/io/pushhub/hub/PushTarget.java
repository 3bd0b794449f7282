package io.pushhub.hub;

import java.util.List;

/** Who a push goes to. Lists are non-empty and free of duplicates (the API layer validates them). */
public sealed interface PushTarget {

    /** Wire value of the message frame's {@code scope} field. */
    String scope();

    /** Every open connection. */
    record All() implements PushTarget {
        @Override
        public String scope() {
            return "all";
        }
    }

    /** Every connection of each user (a user may have many tabs and devices). */
    record Users(List<String> userIds) implements PushTarget {
        public Users {
            userIds = List.copyOf(userIds);
        }

        @Override
        public String scope() {
            return "user";
        }
    }

    /** Every subscriber of each topic; one message per topic, so a connection in two listed topics gets two. */
    record Topics(List<String> topics) implements PushTarget {
        public Topics {
            topics = List.copyOf(topics);
        }

        @Override
        public String scope() {
            return "topic";
        }
    }

    /** Exactly these connections. */
    record Connections(List<String> connectionIds) implements PushTarget {
        public Connections {
            connectionIds = List.copyOf(connectionIds);
        }

        @Override
        public String scope() {
            return "connection";
        }
    }
}
