package io.pushhub.transport.sse;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every 5 seconds: heartbeats on idle SSE streams, and the end of connections that were not resumed in time. */
@Singleton
@Startup
public class SseHousekeeping {

    private static final Logger LOG = Logger.getLogger(SseHousekeeping.class.getName());

    @Inject
    SseTransport transport;

    @Schedule(second = "*/5", minute = "*", hour = "*", persistent = false, info = "pushhub SSE housekeeping")
    void run() {
        try {
            transport.housekeeping();
        } catch (RuntimeException e) {
            // Never let an exception cancel the schedule.
            LOG.log(Level.WARNING, "SSE housekeeping failed", e);
        }
    }
}
