package io.pushhub.api.dto;

import io.pushhub.Presence;

/** The {@code cluster}/{@code clusterError} pair of presence answers: both absent when every node answered. */
final class Cluster {

    private Cluster() {}

    static String state(Presence.Snapshot s) {
        return s.complete() ? null : "unavailable";
    }

    static String error(Presence.Snapshot s) {
        return s.complete() ? null : "only this node's connections are listed: " + s.problem();
    }
}
