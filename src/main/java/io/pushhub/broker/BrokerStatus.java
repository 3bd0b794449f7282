package io.pushhub.broker;

import java.time.Instant;

/**
 * @param name {@code memory} or {@code redis}
 * @param up whether the broker is usable now
 * @param reason why it is not (null when up)
 * @param since when the current state began
 */
public record BrokerStatus(String name, boolean up, String reason, Instant since) {

    public static BrokerStatus up(String name, Instant since) {
        return new BrokerStatus(name, true, null, since);
    }

    public static BrokerStatus down(String name, String reason, Instant since) {
        return new BrokerStatus(name, false, reason, since);
    }
}
