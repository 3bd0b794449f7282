package io.pushhub.tracing;

import io.pushhub.Push;
import io.pushhub.broker.Tracking;
import io.pushhub.broker.redis.RedisLink;
import io.pushhub.config.HubConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Per-message tracing (docs/tracing.md): decides which pushes are traced, holds this node's {@link TraceJournal} and
 * the OpenTelemetry {@link Spans}.
 *
 * <p>A push is <b>journaled</b> (every node records what became of it) when its caller asked ({@code "trace": true}
 * in the body), when the caller's {@code traceparent} is sampled, or by chance ({@code pushhub.trace.sample-rate}).
 * It carries a <b>traceparent</b> to every node when OpenTelemetry is on and the current span is sampled (then each
 * node makes a {@code pushhub fan-out} span), or when the caller sent one (kept for the journal). Anything else is
 * untracked and costs a thread-local read and, with a sample rate above 0, one random number.
 */
@ApplicationScoped
public class Tracing {

    private static final Logger LOG = Logger.getLogger(Tracing.class.getName());

    /** What the REST call asked for, for the push made on the same thread ({@link #requested}). */
    private record Request(boolean trace, String traceparent) {}

    private static final ThreadLocal<Request> REQUEST = new ThreadLocal<>();

    @Inject
    HubConfig config;

    private volatile double sampleRate;
    private volatile TraceJournal journal;
    private volatile Spans spans = Spans.NONE;
    private volatile String nodeId = "?";
    private volatile RedisTraceJournal redis;
    private ScheduledExecutorService timer;
    private final io.pushhub.stats.Count journaled = new io.pushhub.stats.Count();

    /** For tests and standalone hubs. */
    public static Tracing standalone(HubConfig config, Spans spans) {
        Tracing t = new Tracing();
        t.config = config;
        t.spans = spans;
        return t;
    }

    /**
     * Starts tracing on this node (the hub calls it once it knows its node id and broker).
     *
     * @param link the cluster's Redis, or null: the journal is then this node's memory only
     */
    public synchronized void start(String nodeId, RedisLink link) {
        this.nodeId = nodeId;
        this.sampleRate = config.traceSampleRate();
        if (link != null) {
            redis = new RedisTraceJournal(link, config.redisPrefix(), config.traceJournalRetention());
        }
        journal = new TraceJournal(
                config.traceJournalMaxMessages(),
                config.traceJournalMaxEntries(),
                config.traceJournalRetention(),
                System::currentTimeMillis,
                redis);
        if (spans == Spans.NONE && config.otelEnabled()) {
            spans = openTelemetry();
        }
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread th = new Thread(r, "pushhub-trace-spans");
                th.setDaemon(true);
                return th;
            });
        }
    }

    /** The server's OpenTelemetry, or {@link Spans#NONE} with a note when it has none (e.g. no MP Telemetry). */
    private static Spans openTelemetry() {
        try {
            Class.forName("io.opentelemetry.api.OpenTelemetry", false, Tracing.class.getClassLoader());
            Spans s = new OtelSpans(OtelSpans.lookUp());
            LOG.info(
                    "pushhub tracing: OpenTelemetry spans on (otel.sdk.disabled=false): pushhub push, pushhub fan-out");
            return s;
        } catch (Throwable e) { // NoClassDefFoundError, an unsatisfied CDI lookup: no spans, everything else works
            LOG.warning("pushhub tracing: otel.sdk.disabled=false but this server provides no OpenTelemetry API (" + e
                    + "); pushes are not traced with spans (the trace journal works)");
            return Spans.NONE;
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /**
     * Runs a push made for a REST call ({@code body}) with what the call asked: {@code trace} ({@code "trace": true})
     * and the caller's {@code traceparent} header (null: none).
     */
    public static <T> T requested(boolean trace, String traceparent, Supplier<T> body) {
        if (!trace && traceparent == null) {
            return body.get();
        }
        Request before = REQUEST.get();
        REQUEST.set(new Request(trace, traceparent));
        try {
            return body.get();
        } finally {
            if (before == null) {
                REQUEST.remove();
            } else {
                REQUEST.set(before);
            }
        }
    }

    /** The push's tracking with this node's tracing decision added (called on the pushing thread). */
    public Tracking track(Push push, Tracking t) {
        Request r = REQUEST.get();
        String tp = spans.currentTraceparent();
        Traceparent caller = r == null ? null : Traceparent.parse(r.traceparent());
        if (tp == null && caller != null) {
            tp = r.traceparent().trim();
        }
        double rate = sampleRate;
        boolean journal = (r != null && r.trace())
                || (caller != null && caller.sampled())
                || (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate);
        if (tp == null && !journal) {
            return t;
        }
        if (journal) {
            journaled.increment();
        }
        return t.withTraceparent(tp, journal);
    }

    /** Runs a push in a {@code pushhub push} span when spans are on. */
    public <T> T push(String messageId, String targetKind, Supplier<T> body) {
        return spans.push(messageId, targetKind, body);
    }

    public Spans spans() {
        return spans;
    }

    /** This node's journal (null before {@link #start}). */
    public TraceJournal journal() {
        return journal;
    }

    public String nodeId() {
        return nodeId;
    }

    /** Where a fan-out span's end is scheduled when not every recipient has reported by then. */
    public ScheduledExecutorService timer() {
        return timer;
    }

    /** Pushes this node decided to journal since it started. */
    public long journaledCount() {
        return journaled.sum();
    }

    /** The same count, for the metric. */
    public io.pushhub.stats.Count journaled() {
        return journaled;
    }

    /** Messages in this node's journal now. */
    public int journalSize() {
        TraceJournal j = journal;
        return j == null ? 0 : j.size();
    }

    /** Entries not stored in Redis (Redis away or slow); 0 without Redis. */
    public long lostEntries() {
        RedisTraceJournal r = redis;
        return r == null ? 0 : r.lost();
    }
}
