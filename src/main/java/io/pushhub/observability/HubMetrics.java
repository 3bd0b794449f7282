package io.pushhub.observability;

import io.pushhub.broker.HistoryMemory;
import io.pushhub.broker.IdempotencyMemory;
import io.pushhub.delivery.DeliveryEngine;
import io.pushhub.delivery.Frame;
import io.pushhub.hub.ConnectionRegistry;
import io.pushhub.hub.Hub;
import io.pushhub.hub.HubStats;
import io.pushhub.protocol.ErrorCode;
import io.pushhub.relay.OutboxRelay;
import io.pushhub.scheduling.ScheduledPushes;
import io.pushhub.stats.Count;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Publishes the hub's state on {@code /metrics} in the Prometheus text format, following its conventions: things that
 * only grow are MicroProfile {@link Counter}s (Prometheus type {@code counter}, name ending {@code _total}), levels are
 * gauges, and the push-to-write latency is a {@link Timer} with histogram buckets ({@code
 * pushhub_delivery_latency_seconds_bucket}; the buckets are set in {@code META-INF/microprofile-config.properties}).
 * Delivery counts carry a {@code transport} label ({@code websocket}, {@code sse}); frames also a {@code type} label.
 *
 * <p>The hub's packages count into {@link Count}s (a {@code LongAdder} the API also reads); each is bound here to its
 * counter once, at startup, so the hot path never looks a metric up. Every metric is declared once in {@link #ALL};
 * {@code GrafanaDashboardTest} checks that the dashboard in {@code docs/grafana} queries only these names.
 */
@ApplicationScoped
public class HubMetrics {

    /** The kind of a metric, which decides the series Prometheus shows for it. */
    public enum Kind {
        GAUGE,
        COUNTER,
        TIMER
    }

    /**
     * One metric: its MicroProfile name, kind and HELP text. A counter's name has no {@code _total} (Liberty and
     * Payara both add it); a timer's ends with {@code _seconds}, so that both show the same family (Liberty would add
     * it, Payara does not).
     */
    public record Def(String name, Kind kind, String help) {

        /** The series names a Prometheus scrape shows for it. */
        public List<String> series() {
            return switch (kind) {
                case GAUGE -> List.of(name);
                case COUNTER -> List.of(name + "_total");
                case TIMER -> List.of(name + "_bucket", name + "_count", name + "_sum", name + "_max");
            };
        }
    }

    private static final List<Def> DEFS = new ArrayList<>();
    /** Every metric of the hub. */
    public static final List<Def> ALL = Collections.unmodifiableList(DEFS);

    static final Def CONNECTIONS = gauge("pushhub_connections", "Open connections on this node (WebSocket and SSE)");
    static final Def USERS = gauge("pushhub_users", "Distinct users with at least one connection on this node");
    static final Def SUBSCRIPTIONS = gauge("pushhub_subscriptions", "Topic subscriptions on this node");
    static final Def CONNECTIONS_OPENED =
            counter("pushhub_connections_opened", "Connections opened since start, by transport");
    static final Def PUSHED = counter(
            "pushhub_messages_pushed",
            "Push operations accepted on this node (REST API, timers, client publishes), whatever their recipients");
    static final Def ENQUEUED =
            counter("pushhub_messages_enqueued", "User messages accepted into connection queues (one per recipient)");
    static final Def DELIVERED = counter(
            "pushhub_messages_delivered",
            "User messages written to clients, by transport (each message of a batch counts; welcome, ack, error, pong,"
                    + " presence and gap frames are not messages)");
    static final Def FRAMES = counter(
            "pushhub_frames_sent",
            "Frames written to clients, by transport and type (one per WebSocket frame or SSE event; a batch counts"
                    + " once, as type batch)");
    static final Def DROPPED =
            counter("pushhub_messages_dropped", "Messages dropped by the drop-oldest policy, by transport");
    static final Def EXPIRED = counter(
            "pushhub_messages_expired",
            "Messages not delivered because their ttl/expiresAt had passed, by stage: queue (dropped unsent from a"
                    + " connection's queue, one per recipient), replay (skipped by a history replay on resume, one per"
                    + " resuming connection), push (a scheduled push that fired after its expiry)");
    static final Def IDEMPOTENT_DUPLICATES = counter(
            "pushhub_idempotent_duplicates",
            "Pushes (and schedules) not made again because they repeated an Idempotency-Key within its window");
    static final Def IDEMPOTENCY_KEYS = gauge(
            "pushhub_idempotency_keys",
            "Idempotency keys held in memory (memory broker; max pushhub.idempotency.max-keys)");
    static final Def IDEMPOTENCY_EVICTED = counter(
            "pushhub_idempotency_evicted",
            "Idempotency keys evicted before their window ended because pushhub.idempotency.max-keys were held (memory"
                    + " broker): a repeat of one is delivered again");
    static final Def LATENCY = timer(
            "pushhub_delivery_latency_seconds",
            "Time from the hub accepting a message on this node to the completed write to the client's socket or SSE"
                    + " stream, by transport; one observation per write carrying a message (its oldest one)");
    static final Def WRITE_TIMEOUTS = counter(
            "pushhub_delivery_write_timeouts",
            "Sends the watchdog ended because the client took nothing within the write time-out");
    static final Def SENDS_IN_FLIGHT =
            gauge("pushhub_delivery_sends_in_flight", "Asynchronous sends in flight (at most one per connection)");
    static final Def CLOSES_IN_PROGRESS =
            gauge("pushhub_delivery_closes_in_progress", "Connection closes running (waiting for the client's close)");
    static final Def ANONYMOUS_BYTES =
            gauge("pushhub_outbox_anonymous_bytes", "Bytes queued for all anonymous connections together");
    static final Def READY_CONNECTIONS =
            gauge("pushhub_delivery_ready_connections", "Connections waiting for a delivery worker");
    static final Def ERRORS = counter("pushhub_errors", "Error frames sent to clients, by code");
    static final Def SLOW_CONSUMER =
            counter("pushhub_slow_consumer_disconnects", "Connections closed because their outbound queue was full");
    static final Def SEND_FAILURES =
            counter("pushhub_send_failures", "Writes that failed or timed out (the connection was dropped)");
    static final Def EVENTS_DROPPED = counter(
            "pushhub_events_dropped",
            "Connection events dropped because CDI observers fell more than 10,000 events behind");
    static final Def OBSERVER_FAILURES = counter(
            "pushhub_event_observer_failures",
            "Calls of connection-event observers that threw (each is logged; the others went on)");
    static final Def BROKER_UP =
            gauge("pushhub_broker_up", "1 while the broker (Redis) is reachable, 0 while it is not");
    static final Def HISTORY_BYTES =
            gauge("pushhub_history_bytes", "Bytes of topic history held in memory (budget pushhub.history.max-bytes)");
    static final Def HISTORY_MAX_BYTES =
            gauge("pushhub_history_max_bytes", "Budget for topic history held in memory (pushhub.history.max-bytes)");
    static final Def HISTORY_MESSAGES = gauge("pushhub_history_messages", "Messages of topic history held in memory");
    static final Def HISTORY_EVICTED = counter(
            "pushhub_history_evicted",
            "History messages evicted to stay within pushhub.history.max-bytes (least recently used topics first)");
    static final Def HISTORY_NOT_KEPT = counter(
            "pushhub_history_not_kept",
            "Messages not kept in history because each alone exceeded 1/16 of pushhub.history.max-bytes");
    static final Def HANDSHAKES_REJECTED =
            counter("pushhub_handshakes_rejected", "WebSocket handshakes refused (origin, token)");
    static final Def RELAY_UP = gauge(
            "pushhub_outbox_relay_up",
            "1 while the outbox relay is connected to its database, 0 while it is down or off (docs/outbox.md)");
    static final Def RELAY_PARTITIONS =
            gauge("pushhub_outbox_relay_partitions", "Outbox partitions this node relays (leads) now");
    static final Def RELAY_RELAYED = counter(
            "pushhub_outbox_relay_rows_relayed",
            "Outbox rows pushed by this node (duplicates and expired rows not counted)");
    static final Def RELAY_DUPLICATES = counter(
            "pushhub_outbox_relay_rows_duplicate",
            "Outbox rows pushed again after a relay stopped between push and delete, answered as duplicates (not"
                    + " delivered again)");
    static final Def RELAY_REJECTED = counter(
            "pushhub_outbox_relay_rows_rejected",
            "Outbox rows that cannot be pushed (bad scope, target, data or key): kept in the table with their reason");
    static final Def RELAY_EXPIRED = counter(
            "pushhub_outbox_relay_rows_expired", "Outbox rows dropped because they expired before they were relayed");
    static final Def RELAY_LAG = timer(
            "pushhub_outbox_relay_lag_seconds",
            "Time from an outbox row's insert (its created_at, on the database's clock) to the hub accepting its push");

    static final Def HOOK_REQUESTS = counter(
            "pushhub_hook_requests",
            "Questions to the authorization hook, by event and outcome (allow, deny, timeout, error, overload)");
    static final Def HOOK_CACHE_HITS =
            counter("pushhub_hook_cache_hits", "Subscribe questions answered from the authorization hook's cache");
    static final Def HOOK_IN_FLIGHT =
            gauge("pushhub_hook_in_flight", "Authorization hook requests waiting for an answer now");
    static final Def HOOK_LATENCY = timer(
            "pushhub_hook_latency_seconds",
            "Time from sending an authorization hook request to its answer, time-out or failure, by event");
    static final Def WEBHOOK_DELIVERED = counter(
            "pushhub_webhook_events_delivered",
            "Hub events delivered to a webhook URL by this node (answered 2xx; counted once per URL)");
    static final Def WEBHOOK_FAILED = counter(
            "pushhub_webhook_requests_failed",
            "Webhook requests that failed (error status, refused, timed out); each is retried with backoff");
    static final Def WEBHOOK_DROPPED = counter(
            "pushhub_webhook_events_dropped",
            "Hub events given up: retried for pushhub.webhook.retry-for, or pushed out of a full memory queue"
                    + " (pushhub.webhook.max-queued)");
    static final Def WEBHOOK_QUEUED = gauge(
            "pushhub_webhook_queued",
            "Hub events waiting for webhook delivery (memory broker: in this node's queues; redis broker: in the"
                    + " cluster's stream, at most pushhub.webhook.max-queued)");
    static final Def WEBHOOK_LAG = gauge(
            "pushhub_webhook_lag_seconds",
            "Age of the oldest hub event this node is delivering and has not delivered yet (0 when idle)");
    static final Def RECEIPTS = counter(
            "pushhub_receipts",
            "Delivery receipts recorded on this node, by state (written, acknowledged, dropped; docs/receipts.md)");
    static final Def RECEIPT_ACKS_IGNORED = counter(
            "pushhub_receipt_acks_ignored",
            "'received' frames ignored: the message asked no receipt, was not this connection's, or was acknowledged");
    static final Def RECEIPT_RETRACTS =
            counter("pushhub_receipt_retracts", "retract frames sent to this node's connections (collapseOnAck)");
    static final Def RECEIPT_ESCALATIONS =
            counter("pushhub_receipt_escalations", "push.unacknowledged events this node fired (escalateAfter)");
    static final Def RECEIPT_ESCALATIONS_PENDING =
            gauge("pushhub_receipt_escalations_pending", "escalateAfter timers pending on this node");
    static final Def SCHEDULED_FIRED = counter(
            "pushhub_scheduled_fired",
            "Scheduled pushes this node fired (each firing of a recurring one; repeats not counted)");
    static final Def SCHEDULED_DUPLICATES = counter(
            "pushhub_scheduled_duplicate",
            "Scheduled firings found to repeat a firing of a node that stopped before it recorded it (not delivered again)");
    static final Def SCHEDULED_SKIPPED = counter(
            "pushhub_scheduled_skipped", "Recurring firings skipped because the recurrence had ended (expiresAt)");
    static final Def SCHEDULED_FAILED = counter(
            "pushhub_scheduled_failed",
            "Scheduled pushes dropped because they could not be read back or pushed (logged at WARNING)");

    static final Def TRACE_JOURNALED = counter(
            "pushhub_trace_journaled",
            "Pushes made on this node that were recorded in the trace journal (asked, sampled traceparent, or"
                    + " pushhub.trace.sample-rate)");
    static final Def TRACE_JOURNAL_MESSAGES = gauge(
            "pushhub_trace_journal_messages",
            "Messages in this node's trace journal (at most pushhub.trace.journal.max-messages)");

    @Inject
    MetricRegistry metrics;

    @Inject
    io.pushhub.tracing.Tracing tracing;

    @Inject
    io.pushhub.authorization.AuthorizationHooks hooks;

    @Inject
    ConnectionRegistry registry;

    @Inject
    HubStats stats;

    @Inject
    DeliveryEngine engine;

    @Inject
    Hub hub;

    @Inject
    OutboxRelay outboxRelay;

    void register(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        gauge(CONNECTIONS, registry, r -> r.size());
        gauge(USERS, registry, r -> r.userCount());
        gauge(SUBSCRIPTIONS, registry, r -> r.subscriptionCount());
        counter(PUSHED, stats.pushesCount());
        counter(ENQUEUED, stats.enqueuedCount());
        for (DeliveryEngine.Tally t : engine.tallies()) {
            Tag transport = new Tag("transport", t.transport());
            counter(CONNECTIONS_OPENED, stats.connectionsOpened(t.transport()), transport);
            counter(DELIVERED, t.messages(), transport);
            counter(DROPPED, t.dropped(), transport);
            for (Frame.Type type : Frame.Type.values()) {
                counter(FRAMES, t.frames(type), transport, new Tag("type", type.label()));
            }
            Timer latency = metrics.timer(metadata(LATENCY), transport);
            t.latencyTo(nanos -> latency.update(Duration.ofNanos(nanos)));
        }
        counter(WRITE_TIMEOUTS, engine.timedOutCount());
        gauge(SENDS_IN_FLIGHT, engine, e -> e.sendsInFlight());
        gauge(CLOSES_IN_PROGRESS, engine, e -> e.closesInProgress());
        gauge(ANONYMOUS_BYTES, engine, e -> e.anonymousQueuedBytes());
        gauge(READY_CONNECTIONS, engine, e -> e.readyConnections());
        for (ErrorCode code : ErrorCode.values()) {
            counter(ERRORS, stats.errorCount(code), new Tag("code", code.code()));
        }
        counter(SLOW_CONSUMER, stats.slowConsumerDisconnectsCount());
        counter(SEND_FAILURES, stats.sendFailuresCount());
        counter(EVENTS_DROPPED, hub.eventsDropped());
        counter(OBSERVER_FAILURES, hub.eventObserverFailures());
        io.pushhub.events.HubEvents hubEvents = hub.hubEvents();
        counter(WEBHOOK_DELIVERED, hubEvents.stats().delivered());
        counter(WEBHOOK_FAILED, hubEvents.stats().failed());
        counter(WEBHOOK_DROPPED, hubEvents.stats().dropped());
        gauge(WEBHOOK_QUEUED, hubEvents, e -> e.queued());
        gauge(WEBHOOK_LAG, hubEvents, e -> e.lagSeconds());
        gauge(BROKER_UP, hub, h -> h.brokerStatus().up() ? 1 : 0);
        gauge(RECEIPT_ESCALATIONS_PENDING, hub, h -> h.receiptEscalationsPending());
        HistoryMemory history = hub.historyMemory();
        if (history != null) { // memory broker: history in this heap (with Redis it lives in Redis)
            gauge(HISTORY_BYTES, history, h -> h.bytes());
            gauge(HISTORY_MAX_BYTES, history, h -> h.maxBytes());
            gauge(HISTORY_MESSAGES, history, h -> h.messages());
            counter(HISTORY_EVICTED, history.evicted());
            counter(HISTORY_NOT_KEPT, history.notKept());
        }
        counter(HANDSHAKES_REJECTED, stats.handshakesRejectedCount());
        counter(EXPIRED, engine.expiredCount(), new Tag("stage", "queue"));
        counter(EXPIRED, stats.expiredInReplayCount(), new Tag("stage", "replay"));
        counter(EXPIRED, stats.expiredBeforePushCount(), new Tag("stage", "push"));
        counter(IDEMPOTENT_DUPLICATES, stats.duplicatesCount());
        IdempotencyMemory idem = hub.idempotencyMemory();
        if (idem != null) { // memory broker: keys in this heap (with Redis they live in Redis, expiring there)
            gauge(IDEMPOTENCY_KEYS, idem, m -> m.size());
            counter(IDEMPOTENCY_EVICTED, idem.evicted());
        }
        gauge(RELAY_UP, outboxRelay, r -> r.status().up() ? 1 : 0);
        gauge(RELAY_PARTITIONS, outboxRelay, r -> r.status().partitions().size());
        counter(TRACE_JOURNALED, tracing.journaled());
        gauge(TRACE_JOURNAL_MESSAGES, tracing, t -> t.journalSize());
        io.pushhub.stats.Count[] receipts = hub.receiptCounts();
        counter(RECEIPTS, receipts[0], new Tag("state", "written"));
        counter(RECEIPTS, receipts[1], new Tag("state", "acknowledged"));
        counter(RECEIPTS, receipts[2], new Tag("state", "dropped"));
        counter(RECEIPT_ACKS_IGNORED, receipts[3]);
        counter(RECEIPT_RETRACTS, receipts[4]);
        counter(RECEIPT_ESCALATIONS, receipts[5]);
        counter(SCHEDULED_FIRED, ScheduledPushes.firedCount());
        counter(SCHEDULED_DUPLICATES, ScheduledPushes.duplicatesCount());
        counter(SCHEDULED_SKIPPED, ScheduledPushes.skippedCount());
        counter(SCHEDULED_FAILED, ScheduledPushes.failedCount());
        counter(RELAY_RELAYED, outboxRelay.relayedCount());
        counter(RELAY_DUPLICATES, outboxRelay.duplicatesCount());
        counter(RELAY_REJECTED, outboxRelay.rejectedCount());
        counter(RELAY_EXPIRED, outboxRelay.expiredCount());
        Timer lag = metrics.timer(metadata(RELAY_LAG));
        outboxRelay.lagTo(nanos -> lag.update(Duration.ofNanos(nanos)));
        io.pushhub.authorization.HttpAuthorizationHook hook = hooks.http();
        if (hook != null) { // only with pushhub.hook.url set
            for (io.pushhub.authorization.AuthorizationHook.Event e :
                    io.pushhub.authorization.AuthorizationHook.Event.values()) {
                Tag event = new Tag("event", e.wire());
                for (io.pushhub.authorization.HookDecision.Outcome o :
                        io.pushhub.authorization.HookDecision.Outcome.values()) {
                    counter(HOOK_REQUESTS, hook.outcomes(e, o), event, new Tag("outcome", o.label()));
                }
                Timer t = metrics.timer(metadata(HOOK_LATENCY), event);
                hook.latencyTo(e, nanos -> t.update(Duration.ofNanos(nanos)));
            }
            counter(HOOK_CACHE_HITS, hook.cacheHits());
            gauge(HOOK_IN_FLIGHT, hook, h -> h.inFlight());
        }
    }

    private static Def gauge(String name, String help) {
        return def(name, Kind.GAUGE, help);
    }

    private static Def counter(String name, String help) {
        return def(name, Kind.COUNTER, help);
    }

    private static Def timer(String name, String help) {
        return def(name, Kind.TIMER, help);
    }

    private static Def def(String name, Kind kind, String help) {
        Def d = new Def(name, kind, help);
        DEFS.add(d);
        return d;
    }

    private static Metadata metadata(Def def) {
        return Metadata.builder()
                .withName(def.name())
                .withDescription(def.help())
                .build();
    }

    private <T> void gauge(Def def, T source, Function<T, Number> fn) {
        metrics.gauge(metadata(def), source, fn);
    }

    /** Registers the counter and mirrors the hub's count into it from now on. */
    private void counter(Def def, Count count, Tag... tags) {
        Counter counter = metrics.counter(metadata(def), tags);
        count.mirrorTo(counter::inc);
    }
}
