package io.pushhub.hub;

import io.pushhub.protocol.ErrorCode;
import io.pushhub.stats.Count;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Monotonic counters of this node since start. Cheap to increment from any thread; read by the API and mirrored into
 * the Prometheus counters of {@code /metrics} (observability binds each {@link Count}).
 */
@ApplicationScoped
public class HubStats {

    // Private, and only touched through methods: this bean is used through a CDI client proxy, and a field read on
    // the proxy would see the proxy's own (never incremented) copy.
    private final Count webSocketOpened = new Count();
    private final Count sseOpened = new Count();
    private final Count pushes = new Count();
    private final Count enqueued = new Count();
    private final Count slowConsumerDisconnects = new Count();
    private final Count sendFailures = new Count();
    private final Count handshakesRejected = new Count();
    private final Count duplicates = new Count();
    private final Count expiredInReplay = new Count();
    private final Count expiredBeforePush = new Count();
    private final Map<ErrorCode, Count> errors = new EnumMap<>(ErrorCode.class);

    public HubStats() {
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, new Count());
        }
    }

    void countConnectionOpened(String transportName) {
        connectionsOpened(transportName).increment();
    }

    void countPush() {
        pushes.increment();
    }

    void countEnqueued() {
        enqueued.increment();
    }

    void countSlowConsumerDisconnect() {
        slowConsumerDisconnects.increment();
    }

    void countDuplicate() {
        duplicates.increment();
    }

    void countExpiredInReplay(int n) {
        expiredInReplay.add(n);
    }

    void countExpiredBeforePush() {
        expiredBeforePush.increment();
    }

    /** Pushes not delivered because they repeated an idempotency key within its window. */
    public Count duplicatesCount() {
        return duplicates;
    }

    /** Messages a history replay on resume skipped because they had expired. */
    public Count expiredInReplayCount() {
        return expiredInReplay;
    }

    /** Pushes not made because they had expired already (a scheduled push that fired too late). */
    public Count expiredBeforePushCount() {
        return expiredBeforePush;
    }

    void countSendFailure() {
        sendFailures.increment();
    }

    void error(ErrorCode code) {
        errors.get(code).increment();
    }

    /** Counted by the handshake filter: a WebSocket handshake refused (bad origin, bad token, anonymous not allowed). */
    public void handshakeRejected() {
        handshakesRejected.increment();
    }

    public long connectionsOpened() {
        return webSocketOpened.sum() + sseOpened.sum();
    }

    /** Connections opened over a transport ({@code sse}, else {@code websocket}). */
    public Count connectionsOpened(String transportName) {
        return "sse".equals(transportName) ? sseOpened : webSocketOpened;
    }

    /** Push operations (REST, timers, client publishes), whatever their number of recipients. */
    public long pushes() {
        return pushes.sum();
    }

    public Count pushesCount() {
        return pushes;
    }

    /** User messages accepted into a connection's outbound queue. */
    public long enqueued() {
        return enqueued.sum();
    }

    public Count enqueuedCount() {
        return enqueued;
    }

    public long slowConsumerDisconnects() {
        return slowConsumerDisconnects.sum();
    }

    public Count slowConsumerDisconnectsCount() {
        return slowConsumerDisconnects;
    }

    public long sendFailures() {
        return sendFailures.sum();
    }

    public Count sendFailuresCount() {
        return sendFailures;
    }

    public long handshakesRejected() {
        return handshakesRejected.sum();
    }

    public Count handshakesRejectedCount() {
        return handshakesRejected;
    }

    /** Error frames sent to clients, by code (codes never sent left out). */
    public Map<String, Long> errors() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((k, v) -> {
            if (v.sum() > 0) {
                out.put(k.code(), v.sum());
            }
        });
        return out;
    }

    /** Error frames sent with this code. */
    public Count errorCount(ErrorCode code) {
        return errors.get(code);
    }

    public long errorTotal() {
        return errors.values().stream().mapToLong(Count::sum).sum();
    }
}
