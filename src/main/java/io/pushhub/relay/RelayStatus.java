package io.pushhub.relay;

import java.time.Instant;
import java.util.List;

/**
 * What the relay is doing, for the health check: {@code off} (not enabled, or its configuration is unusable), {@code
 * up} (connected; leads {@code partitions}, possibly none when other nodes lead them all) or {@code down} (the
 * database cannot be used; retried with back-off).
 *
 * @param state {@code off}, {@code up} or {@code down}
 * @param since when this state began
 * @param reason why it is off or down, else null
 * @param partitions the partitions this node leads (relays), ascending; a snapshot
 */
public record RelayStatus(String state, Instant since, String reason, List<Integer> partitions) {

    public RelayStatus {
        partitions = List.copyOf(partitions);
    }

    public boolean up() {
        return "up".equals(state);
    }
}
