package io.pushhub.transport.sse;

import io.pushhub.config.HubConfig;
import io.pushhub.hub.Connection;
import io.pushhub.hub.Hub;
import io.pushhub.security.Identity;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The SSE connections of this node, by connection id, and what keeps them healthy: heartbeats on idle streams and
 * the end of connections whose stream broke and did not come back within {@code pushhub.sse.resume-window}. Routing
 * stays in the {@link Hub}; this class only opens, resumes and retires channels.
 */
@ApplicationScoped
public class SseTransport {

    private static final Logger LOG = Logger.getLogger(SseTransport.class.getName());
    /** Close code used when a broken stream was not resumed in time (WebSocket 1001 "going away"). */
    static final int CLOSE_GONE = 1001;
    /** SSE writer threads at most. */
    static final int WRITERS = 32;

    @Inject
    Hub hub;

    @Inject
    HubConfig config;

    private final ConcurrentHashMap<String, SseChannel> channels = new ConcurrentHashMap<>();
    private ExecutorService writers;

    @PostConstruct
    void init() {
        AtomicInteger n = new AtomicInteger();
        // Writes to a stream may block on a slow client (at most the HTTP write time-out); they run here, never on the
        // thread that pushed nor on a delivery worker. Bounded: at most WRITERS threads, which end when idle; each
        // connection has at most one write queued or running (the outbox sends one frame at a time).
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(WRITERS, WRITERS, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "pushhub-sse-writer-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        writers = pool;
    }

    /** Ends every stream when the application stops: open SSE requests would otherwise hold up the server's quiesce. */
    @PreDestroy
    void stop() {
        for (SseChannel ch : channels.values()) {
            ch.close(CLOSE_GONE, "server shutting down");
        }
        channels.clear();
        writers.shutdownNow();
    }

    /**
     * Serves a new stream: resumes the connection named by {@code lastEventId} when it is still here, belongs to the
     * same user and has every frame after that id; otherwise opens a fresh connection (which starts with a welcome).
     */
    void open(SseEventSink sink, Sse sse, Identity identity, String lastEventId) {
        ResumePoint at = ResumePoint.parse(lastEventId);
        if (at != null) {
            SseChannel old = channels.get(at.connectionId());
            if (old != null && old.identity.userId().equals(identity.userId()) && old.resume(sink, at.seq())) {
                LOG.fine(() -> "resumed SSE connection " + at.connectionId() + " after event " + at.seq());
                return;
            }
        }
        // A first line at once, so proxies and clients see the stream start before the hub has anything to say.
        // Waited for here, before the channel exists, so it can never interleave with the channel's writes.
        try {
            sink.send(sse.newEventBuilder().comment("pushhub").build())
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sink.close();
            return;
        } catch (ExecutionException | TimeoutException e) {
            sink.close(); // the client is gone already: no connection for it
            return;
        }
        SseChannel channel = new SseChannel(sse, sink, writers, identity, config.sseReplayFrames(), retryMillis());
        // Indexed before its welcome is queued: the client posts commands with the id as soon as the welcome reaches
        // it, which a delivery worker may write before hub.open returns (that race answered 404 unknown_connection).
        Connection c = hub.open(identity, channel, opened -> {
            channel.connection(opened);
            channels.put(opened.id(), channel);
        });
        if (channel.closed()) {
            channels.remove(c.id(), channel); // closed while we registered it (e.g. queue full at once)
        }
    }

    /** The {@code retry:} sent to EventSource: how long it waits before reconnecting by itself. */
    private static long retryMillis() {
        return 2000;
    }

    /** The SSE connection with this id, or null (unknown, closed, or a WebSocket connection). */
    SseChannel find(String connectionId) {
        SseChannel ch = channels.get(connectionId);
        return ch == null || ch.closed() ? null : ch;
    }

    /** Ends a connection now (the client said goodbye, an operator closed it, or its resume window passed). */
    void disconnect(SseChannel ch, int code, String reason) {
        Connection c = ch.connection();
        channels.remove(c.id(), ch);
        hub.disconnect(c, code, reason);
    }

    /** Heartbeats and expiry; run every few seconds by {@link SseHousekeeping}. */
    void housekeeping() {
        long idle = config.sseHeartbeat().toNanos();
        long window = config.sseResumeWindow().toNanos();
        for (SseChannel ch : channels.values()) {
            if (ch.closed()) {
                channels.values().remove(ch);
                continue;
            }
            long detached = ch.detachedForNanos();
            if (detached >= window) {
                disconnect(ch, CLOSE_GONE, "SSE stream broke and was not resumed in time");
            } else if (detached < 0) {
                try {
                    writers.execute(() -> ch.heartbeat(idle));
                } catch (RuntimeException e) {
                    // Writer pool stopped: the application is shutting down; nothing to keep alive.
                    LOG.log(Level.FINE, "heartbeat not scheduled", e);
                    return;
                }
            }
        }
    }

    /** {@code Last-Event-ID} of this transport: {@code <connectionId>:<seq>}. */
    record ResumePoint(String connectionId, long seq) {
        static ResumePoint parse(String lastEventId) {
            if (lastEventId == null) {
                return null;
            }
            int colon = lastEventId.lastIndexOf(':');
            if (colon <= 0) {
                return null;
            }
            try {
                long seq = Long.parseLong(lastEventId.substring(colon + 1).trim());
                return seq < 0
                        ? null
                        : new ResumePoint(lastEventId.substring(0, colon).trim(), seq);
            } catch (NumberFormatException e) {
                return null; // not ours (or garbage): start a fresh connection
            }
        }
    }
}
