package io.pushhub.hub;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Monotonic counters of this node since start. Cheap to increment from any thread; read by metrics and the API. */
@ApplicationScoped
public class HubStats {

    // Private, and only touched through methods: this bean is used through a CDI client proxy, and a field read on
    // the proxy would see the proxy's own (never incremented) copy.
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder pushes = new LongAdder();
    private final LongAdder enqueued = new LongAdder();
    private final LongAdder slowConsumerDisconnects = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder handshakesRejected = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();

    void countConnectionOpened() {
        connectionsOpened.increment();
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

    void countSendFailure() {
        sendFailures.increment();
    }

    void error(String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Counted by the handshake filter: a WebSocket handshake refused (bad origin, bad token, anonymous not allowed). */
    public void handshakeRejected() {
        handshakesRejected.increment();
    }

    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    /** Push operations (REST, timers, client publishes), whatever their number of recipients. */
    public long pushes() {
        return pushes.sum();
    }

    /** Messages accepted into a connection's outbound queue. */
    public long enqueued() {
        return enqueued.sum();
    }

    public long slowConsumerDisconnects() {
        return slowConsumerDisconnects.sum();
    }

    public long sendFailures() {
        return sendFailures.sum();
    }

    public long handshakesRejected() {
        return handshakesRejected.sum();
    }

    /** Error frames sent to clients, by code. */
    public Map<String, Long> errors() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public long errorTotal() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
