package io.pushhub.hub;

import io.pushhub.broker.Publication;
import io.pushhub.delivery.DeliveryWatch;
import io.pushhub.tracing.Spans;
import io.pushhub.tracing.TraceEntry;
import io.pushhub.tracing.TraceJournal;
import io.pushhub.tracing.Traceparent;
import io.pushhub.tracing.Tracing;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one traced publication did on this node: the facts for the trace journal (when the publication is journaled)
 * and the node's {@code pushhub fan-out} span (when it carries a sampled traceparent and spans are on). Created by
 * {@link LocalDelivery} per fan-out of a traced publication only; told by it what the {@link DeliveryWatch} cannot see
 * (matched, excluded, no connection, no subscriber) and, as the frame's watch, what became of each recipient.
 *
 * <p>The span ends when every matched recipient was written or dropped after the fan-out, or {@link #SPAN_WAIT_SECONDS}
 * after it, whichever is first; it carries per-recipient events up to {@link #MAX_SPAN_EVENTS}, and the node's counts
 * as attributes. Thread-safe: recipients report from send completions while the fan-out still runs.
 */
final class FanOutTrace implements DeliveryWatch {

    /** Per-recipient span events kept per node, at most; the counts cover the rest. */
    static final int MAX_SPAN_EVENTS = 32;
    /** Longest a fan-out span waits for its recipients' writes before it ends (the write time-out is 5 s by default). */
    static final long SPAN_WAIT_SECONDS = 10;

    private final String messageId;
    private final String node;
    private final TraceJournal journal;
    private final Spans.FanOut span;
    private final Tracing tracing;
    private final AtomicLong matched = new AtomicLong();
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong excluded = new AtomicLong();
    private final Map<String, AtomicLong> dropReasons = new ConcurrentHashMap<>();
    private final AtomicInteger events = new AtomicInteger();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean done;

    private FanOutTrace(String messageId, String node, TraceJournal journal, Spans.FanOut span, Tracing tracing) {
        this.messageId = messageId;
        this.node = node;
        this.journal = journal;
        this.span = span;
        this.tracing = tracing;
    }

    /** The trace of a publication's fan-out on this node, or null when it is neither journaled nor spanned. */
    static FanOutTrace of(Publication p, Tracing tracing, String node) {
        String tp = p.tracking().traceparent();
        boolean journaled = p.tracking().journal() && tracing.journal() != null;
        Spans.FanOut span = tp == null
                ? null
                : tracing.spans().fanOut(tp, p.messageId(), node, p.kind().wire());
        if (!journaled && span == null) {
            return null;
        }
        FanOutTrace t = new FanOutTrace(p.messageId(), node, journaled ? tracing.journal() : null, span, tracing);
        if (journaled && node.equals(p.node())) {
            Traceparent parsed = Traceparent.parse(tp);
            String what = p.kind().wire() + " "
                    + String.join(", ", p.targets().stream().limit(10).toList())
                    + (p.targets().size() > 10 ? " and " + (p.targets().size() - 10) + " more" : "")
                    + (parsed == null ? "" : " (trace " + parsed.traceId() + ")");
            t.journal.record(
                    p.messageId(),
                    new TraceEntry(node, TraceEntry.Kind.PUSHED, System.currentTimeMillis(), null, null, what));
        }
        return t;
    }

    private void record(TraceEntry.Kind kind, Connection c, String user, String detail) {
        if (journal != null) {
            journal.record(
                    messageId,
                    new TraceEntry(
                            node,
                            kind,
                            System.currentTimeMillis(),
                            c == null ? null : c.id(),
                            c == null ? user : c.userId(),
                            detail));
        }
    }

    private void event(String name, Connection c, String reason) {
        if (span != null && events.incrementAndGet() <= MAX_SPAN_EVENTS) {
            Map<String, String> a = new LinkedHashMap<>();
            if (c != null) {
                a.put("pushhub.connection", c.id());
                a.put("pushhub.user", c.userId());
            }
            if (reason != null) {
                a.put("pushhub.reason", reason);
            }
            span.event(name, a);
        }
    }

    // ---------------------------------------------------------------- told by LocalDelivery

    /** A connection matched and its outbox is offered the message next. */
    void matched(Connection c) {
        matched.incrementAndGet();
    }

    /** A matching connection was left out ({@code exceptConnection}). */
    void excluded(Connection c) {
        excluded.incrementAndGet();
        record(TraceEntry.Kind.EXCLUDED, c, null, null);
        event("excluded", c, null);
    }

    /** A target user has no connection on this node. */
    void noConnection(String user) {
        record(TraceEntry.Kind.NO_CONNECTION, null, user, null);
        if (span != null && events.incrementAndGet() <= MAX_SPAN_EVENTS) {
            span.event("no connection", Map.of("pushhub.user", user));
        }
    }

    /** The topic has no subscriber on this node. */
    void noSubscriber(String topic) {
        record(TraceEntry.Kind.NO_SUBSCRIBER, null, null, topic);
        if (span != null) {
            span.event("no subscriber", Map.of("pushhub.topic", topic));
        }
    }

    /** The fan-out loop is over; the span ends once the matched recipients have all reported (or after a while). */
    void done() {
        done = true;
        if (span == null) {
            return;
        }
        if (!settle()) {
            try {
                tracing.timer().schedule(this::end, SPAN_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (RuntimeException e) {
                end(); // the timer is gone (stopping): end now rather than never
            }
        }
    }

    private boolean settle() {
        if (done && written.get() + dropped.get() >= matched.get()) {
            end();
            return true;
        }
        return false;
    }

    private void end() {
        if (span != null && ended.compareAndSet(false, true)) {
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("pushhub.matched", matched.get());
            counts.put("pushhub.enqueued", enqueued.get());
            counts.put("pushhub.written", written.get());
            counts.put("pushhub.dropped", dropped.get());
            counts.put("pushhub.excluded", excluded.get());
            dropReasons.forEach((reason, n) -> counts.put("pushhub.dropped." + reason, n.get()));
            span.end(counts);
        }
    }

    // ---------------------------------------------------------------- told by the outboxes (DeliveryWatch)

    @Override
    public void enqueued(Object owner) {
        enqueued.incrementAndGet();
        Connection c = owner instanceof Connection x ? x : null;
        record(TraceEntry.Kind.QUEUED, c, null, null);
        event("enqueued", c, null);
    }

    @Override
    public void written(Object owner) {
        written.incrementAndGet();
        Connection c = owner instanceof Connection x ? x : null;
        record(TraceEntry.Kind.WRITTEN, c, null, null);
        event("written", c, null);
        if (span != null) {
            settle();
        }
    }

    @Override
    public void dropped(Object owner, Drop reason) {
        dropped.incrementAndGet();
        dropReasons.computeIfAbsent(reason.label(), r -> new AtomicLong()).incrementAndGet();
        Connection c = owner instanceof Connection x ? x : null;
        record(TraceEntry.Kind.DROPPED, c, null, reason.label());
        event("dropped", c, reason.label());
        if (span != null) {
            settle();
        }
    }
}
