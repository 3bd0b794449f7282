package io.pushhub.presence;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The read view of this node's own connections that a {@link PresenceStore} answers from (this node's part of every
 * snapshot, and what a Redis store re-announces after losing its lease). Defined here so the presence stores never
 * depend on the hub; the hub's connection registry implements it.
 *
 * <p>Every method returns a snapshot that later changes do not affect, and may be called from any thread.
 */
public interface LocalConnections {

    /** One open connection of this node. */
    interface Local {
        String id();

        String userId();

        /** A snapshot of the topics it is subscribed to. */
        Set<String> topics();
    }

    /** The open connection with this id, or null. */
    Local find(String connectionId);

    /** A user's open connections (empty if none). */
    List<? extends Local> connectionsOf(String userId);

    /** A topic's subscribers (empty if none). */
    List<? extends Local> subscribers(String topic);

    /** Every open connection. */
    Collection<? extends Local> all();
}
