package io.pushhub.observability;

import io.pushhub.delivery.DeliveryEngine;
import io.pushhub.hub.ConnectionRegistry;
import io.pushhub.hub.HubStats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.function.Function;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Publishes the hub's state on {@code /metrics} (Prometheus format), e.g. {@code pushhub_connections},
 * {@code pushhub_messages_delivered_total}. Totals are read from {@link HubStats} when scraped, so the hot path only
 * bumps a {@code LongAdder}; they are exposed as gauges that only ever grow (MicroProfile Metrics 5 has no
 * function-backed counter).
 */
@ApplicationScoped
public class HubMetrics {

    @Inject
    MetricRegistry metrics;

    @Inject
    ConnectionRegistry registry;

    @Inject
    HubStats stats;

    @Inject
    DeliveryEngine engine;

    @Inject
    io.pushhub.hub.Hub hub;

    void register(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        gauge("pushhub_connections", "Open WebSocket connections on this node", registry, r -> r.size());
        gauge("pushhub_users", "Distinct users with at least one connection", registry, r -> r.userCount());
        gauge("pushhub_subscriptions", "Topic subscriptions on this node", registry, r -> r.subscriptionCount());
        gauge("pushhub_connections_opened_total", "Connections opened since start", stats, s -> s.connectionsOpened());
        gauge(
                "pushhub_messages_pushed_total",
                "Push operations (API, timers, client publishes)",
                stats,
                s -> s.pushes());
        gauge("pushhub_messages_enqueued_total", "Messages accepted into connection queues", stats, s -> s.enqueued());
        gauge(
                "pushhub_messages_delivered_total",
                "Messages written to clients (each message of a batch counts)",
                engine,
                e -> e.sentMessages());
        gauge("pushhub_frames_sent_total", "WebSocket frames written to clients", engine, e -> e.sentFrames());
        gauge(
                "pushhub_messages_dropped_total",
                "Messages dropped by the drop-oldest policy",
                engine,
                e -> e.droppedMessages());
        gauge(
                "pushhub_delivery_write_timeouts_total",
                "Sends the watchdog ended because the client took nothing within the write time-out",
                engine,
                e -> e.timedOutSends());
        gauge(
                "pushhub_delivery_sends_in_flight",
                "Asynchronous sends in flight (at most one per connection)",
                engine,
                e -> e.sendsInFlight());
        gauge(
                "pushhub_delivery_closes_in_progress",
                "Connection closes running (waiting for the client's close)",
                engine,
                e -> e.closesInProgress());
        gauge(
                "pushhub_outbox_anonymous_bytes",
                "Bytes queued for all anonymous connections together",
                engine,
                e -> e.anonymousQueuedBytes());
        gauge(
                "pushhub_delivery_ready_connections",
                "Connections waiting for a delivery worker",
                engine,
                e -> e.readyConnections());
        gauge("pushhub_errors_total", "Error frames sent to clients", stats, s -> s.errorTotal());
        gauge(
                "pushhub_slow_consumer_disconnects_total",
                "Connections closed because their queue was full",
                stats,
                s -> s.slowConsumerDisconnects());
        gauge("pushhub_send_failures_total", "Sends that failed (connection dropped)", stats, s -> s.sendFailures());
        gauge(
                "pushhub_events_dropped_total",
                "Connection events dropped because CDI observers fell more than 10,000 events behind",
                hub,
                h -> h.eventsDropped());
        gauge(
                "pushhub_event_observer_failures_total",
                "Calls of connection-event observers that threw (each is logged; the others went on)",
                hub,
                h -> h.eventObserverFailures());
        gauge(
                "pushhub_broker_up",
                "1 while the broker (Redis) is reachable, 0 while it is not",
                hub,
                h -> h.brokerStatus().up() ? 1 : 0);
        io.pushhub.broker.HistoryMemory history = hub.historyMemory();
        if (history != null) { // memory broker: history in this heap (with Redis it lives in Redis)
            gauge(
                    "pushhub_history_bytes",
                    "Bytes of topic history held in memory (budget pushhub.history.max-bytes)",
                    history,
                    h -> h.bytes());
            gauge(
                    "pushhub_history_max_bytes",
                    "Budget for topic history held in memory (pushhub.history.max-bytes)",
                    history,
                    h -> h.maxBytes());
            gauge("pushhub_history_messages", "Messages of topic history held in memory", history, h -> h.messages());
            gauge(
                    "pushhub_history_evicted_total",
                    "History messages evicted to stay within pushhub.history.max-bytes (least recently used topics first)",
                    history,
                    h -> h.evicted());
            gauge(
                    "pushhub_history_not_kept_total",
                    "Messages not kept in history because each alone exceeded 1/16 of pushhub.history.max-bytes",
                    history,
                    h -> h.notKept());
        }
        gauge(
                "pushhub_handshakes_rejected_total",
                "WebSocket handshakes refused (origin, token)",
                stats,
                s -> s.handshakesRejected());
    }

    private <T> void gauge(String name, String description, T source, Function<T, Number> fn) {
        metrics.gauge(
                Metadata.builder().withName(name).withDescription(description).build(), source, fn);
    }
}
