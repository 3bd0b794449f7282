package io.pushhub.observability;

import io.pushhub.broker.BrokerStatus;
import io.pushhub.hub.ConnectionRegistry;
import io.pushhub.hub.Hub;
import io.pushhub.relay.OutboxRelay;
import io.pushhub.relay.RelayStatus;
import io.pushhub.scheduling.TimeTicker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /health/ready}: the hub accepts connections, and the state of its broker. {@code /health/live}: its timers
 * still fire.
 *
 * <p>The broker check stays UP while Redis is unreachable, with {@code state: down} and the reason in its data: the
 * node still serves its own clients (local pushes deliver), and if readiness went DOWN a load balancer would take every
 * node of the cluster out of rotation at once when the shared Redis fails, turning a degraded cluster into an outage.
 * Alert on {@code state} (or the {@code pushhub_broker_up} metric) instead. See docs/clustering.md.
 */
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

    @Inject
    Hub hub;

    @Produces
    @Readiness
    HealthCheck brokerState() {
        return () -> {
            BrokerStatus b = hub.brokerStatus();
            HealthCheckResponseBuilder r = HealthCheckResponse.named("pushhub-broker")
                    .up()
                    .withData("broker", b.name())
                    .withData("node", hub.nodeId())
                    .withData("state", b.up() ? "up" : "down")
                    .withData("since", b.since().toString());
            if (!b.up()) {
                r.withData("reason", b.reason());
            }
            return r.build();
        };
    }

    @Inject
    io.pushhub.delivery.DeliveryEngine engine;

    @Inject
    io.pushhub.config.HubConfig config;

    /**
     * DOWN when connections wait for delivery and none was served for {@code pushhub.delivery.liveness-timeout}, or a
     * delivery worker died: the node cannot keep its promise any more, and an orchestrator should restart it.
     */
    @Produces
    @Liveness
    HealthCheck deliveryAlive() {
        return () -> deliveryCheck(engine, config.deliveryLivenessTimeout());
    }

    static HealthCheckResponse deliveryCheck(io.pushhub.delivery.DeliveryEngine engine, Duration limit) {
        Duration stuck = engine.stuckFor();
        int workers = engine.liveWorkers();
        int expected = engine.settings().threads();
        HealthCheckResponseBuilder r = HealthCheckResponse.named("pushhub-delivery")
                .withData("waitingConnections", engine.readyConnections())
                .withData("sendsInFlight", engine.sendsInFlight())
                .withData("workers", workers);
        if (workers < expected) {
            return r.down()
                    .withData("reason", (expected - workers) + " of " + expected + " delivery workers died")
                    .build();
        }
        if (stuck.compareTo(limit) >= 0) {
            return r.down()
                    .withData(
                            "reason",
                            "no delivery progress for " + stuck.toSeconds() + " s while " + engine.readyConnections()
                                    + " connection(s) wait")
                    .build();
        }
        return r.up().build();
    }

    @Inject
    OutboxRelay outboxRelay;

    /**
     * The outbox relay (docs/outbox.md): {@code state} off, up (with the partitions this node relays) or down (the
     * database cannot be used; with the reason). UP in every state, like the broker check and for the same reason: a
     * database outage must not take every node out of rotation while they still serve their clients. Alert on {@code
     * state} or the {@code pushhub_outbox_relay_up} metric.
     */
    @Produces
    @Readiness
    HealthCheck outboxRelayState() {
        return () -> {
            RelayStatus s = outboxRelay.status();
            HealthCheckResponseBuilder r = HealthCheckResponse.named("pushhub-outbox-relay")
                    .up()
                    .withData("state", s.state())
                    .withData("since", s.since().toString())
                    .withData(
                            "partitions",
                            s.partitions().stream().map(String::valueOf).collect(Collectors.joining(",")));
            if (s.reason() != null) {
                r.withData("reason", s.reason());
            }
            return r.build();
        };
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
