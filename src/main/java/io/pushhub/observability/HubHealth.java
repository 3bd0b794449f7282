package io.pushhub.observability;

import io.pushhub.hub.ConnectionRegistry;
import io.pushhub.scheduling.TimeTicker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** {@code /health/ready}: the hub accepts connections. {@code /health/live}: its timers still fire. */
@ApplicationScoped
public class HubHealth {

    /** No timer tick for this long means the EJB timer service (and with it scheduled pushes) is stuck. */
    static final Duration TIMER_STALL = Duration.ofSeconds(30);

    @Inject
    ConnectionRegistry registry;

    @Inject
    TimeTicker ticker;

    @Produces
    @Readiness
    HealthCheck hubReady() {
        return () -> HealthCheckResponse.named("pushhub-hub")
                .up()
                .withData("connections", registry.size())
                .withData("subscriptions", registry.subscriptionCount())
                .build();
    }

    @Produces
    @Liveness
    HealthCheck timersAlive() {
        return () -> {
            Instant last = ticker.lastTick();
            boolean alive = Duration.between(last, Instant.now()).compareTo(TIMER_STALL) < 0;
            return HealthCheckResponse.named("pushhub-timers")
                    .status(alive)
                    .withData("lastTick", last.toString())
                    .build();
        };
    }
}
