package io.pushhub.scheduling;

import io.pushhub.Pusher;
import io.pushhub.config.HubConfig;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes the server time to topic {@value #TOPIC} every second, but only while someone is subscribed. Its
 * heartbeat ({@link #lastTick()}) also feeds the liveness check: a server whose timers stopped firing is not live.
 */
@Singleton
@Startup
public class TimeTicker {

    public static final String TOPIC = "time";
    private static final Logger LOG = Logger.getLogger(TimeTicker.class.getName());

    @Inject
    Pusher pusher;

    @Inject
    HubConfig config;

    private volatile Instant lastTick = Instant.now();
    private Pusher.NodeTopic ticks;

    @PostConstruct
    void declareTopic() {
        ticks = pusher.nodeTopic(TOPIC); // ticks are per node: no history, no offsets
    }

    /** Not in a transaction: a tick has nothing to commit, and a container transaction a second costs for nothing. */
    @Schedule(second = "*", minute = "*", hour = "*", persistent = false, info = "pushhub time ticker")
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void tick() {
        Instant now = Instant.now();
        lastTick = now;
        if (!config.timeEnabled() || !ticks.hasSubscribers()) {
            return;
        }
        try {
            // Every node ticks for its own subscribers: a cluster-wide push would multiply the ticks by the nodes.
            ticks.push(Json.createObjectBuilder()
                    .add("now", now.toString())
                    .add("epochMillis", now.toEpochMilli())
                    .build());
        } catch (RuntimeException e) {
            // Never let an exception cancel the schedule.
            LOG.log(Level.WARNING, "time tick failed", e);
        }
    }

    public Instant lastTick() {
        return lastTick;
    }
}
