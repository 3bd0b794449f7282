package io.pushhub.transport.sse;

import io.pushhub.delivery.Frame;
import io.pushhub.hub.ClientChannel;
import io.pushhub.hub.Connection;
import io.pushhub.ids.Ids;
import io.pushhub.protocol.Codec;
import io.pushhub.protocol.ServerFrame;
import io.pushhub.security.Identity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The hub's view of one SSE client. Unlike a WebSocket, an SSE stream can break and be picked up again by a new HTTP
 * request: the channel outlives its stream. Every frame gets a sequence number and becomes one event with id
 * {@code <connectionId>:<seq>} and the frame's JSON as {@code data}; the last {@code replayFrames} of them are kept, so
 * a client that comes back within the resume window with {@code Last-Event-ID} gets exactly the frames it missed, except
 * messages whose expiry ({@code ttl}/{@code expiresAt}) has passed meanwhile: those are skipped.
 *
 * <p>Guarantees: events leave in the order the hub's outbox hands them over (one send in flight, writes under this
 * channel's monitor). A write that fails detaches the stream instead of failing the connection: the frame stays in the
 * replay buffer and the outbox carries on, so the hub sees a slow-but-alive connection until the resume window ends
 * (then {@link SseTransport} disconnects it). Writes run on the delivery engine's workers, or after a stalled write on the
 * transport's writer threads; never on the pusher's.
 *
 * <p>Replies to REST commands ({@code POST /api/events/{id}/commands}) are taken out of the stream here: a control
 * frame whose id matches a pending command completes that command's future instead of being written.
 */
final class SseChannel implements ClientChannel {

    @Override
    public String transportName() {
        return "sse";
    }

    private static final Logger LOG = Logger.getLogger(SseChannel.class.getName());
    private static final long WRITE_TIMEOUT_SECONDS = 10;

    /** A frame kept for a resume; {@code expiresAt} (epoch ms, 0: never) of a message with an expiry. */
    private record Sent(long seq, String text, long expiresAt) {}

    private final Sse sse;
    private final Executor writer;
    private final int replayFrames;
    private final long retryMillis;
    final Identity identity;
    private final String commandKey = Ids.commandKey();

    private final ArrayDeque<Sent> recent = new ArrayDeque<>(); // guarded by this
    private SseEventSink sink; // guarded by this; null while detached
    private long seq; // guarded by this
    private volatile long detachedAtNanos;
    private volatile long lastWriteNanos = System.nanoTime();
    private volatile boolean closed;
    private volatile String connectionId;
    private volatile Connection connection;
    private final ConcurrentHashMap<String, CompletableFuture<ServerFrame.Reply>> pendingReplies =
            new ConcurrentHashMap<>();

    SseChannel(Sse sse, SseEventSink sink, Executor writer, Identity identity, int replayFrames, long retryMillis) {
        this.sse = sse;
        this.sink = sink;
        this.writer = writer;
        this.identity = identity;
        this.replayFrames = replayFrames;
        this.retryMillis = retryMillis;
    }

    @Override
    public String commandKey() {
        return commandKey;
    }

    /** Whether {@code key} is this connection's command key (compared in constant time). */
    boolean commandKeyIs(String key) {
        return key != null
                && MessageDigest.isEqual(
                        commandKey.getBytes(StandardCharsets.US_ASCII), key.getBytes(StandardCharsets.US_ASCII));
    }

    void connection(Connection c) {
        this.connection = c;
    }

    Connection connection() {
        return connection;
    }

    boolean closed() {
        return closed;
    }

    /** Nanos since the stream broke, or -1 while a stream is attached. */
    long detachedForNanos() {
        long at = detachedAtNanos;
        return at == 0 ? -1 : System.nanoTime() - at;
    }

    /** Registers a command awaiting its reply frame (matched by the internal id the resource gave it). */
    CompletableFuture<ServerFrame.Reply> expectReply(String internalId) {
        CompletableFuture<ServerFrame.Reply> f = new CompletableFuture<>();
        pendingReplies.put(internalId, f);
        return f;
    }

    void forgetReply(String internalId) {
        pendingReplies.remove(internalId);
    }

    /**
     * Matches a command's reply and takes it out of the stream, or gives the frame's text: null when nothing is to be
     * written.
     */
    private String toText(Frame frame) {
        if (frame.control() instanceof ServerFrame.Welcome w) {
            connectionId = w.connectionId();
        } else if (frame.control() instanceof ServerFrame.Reply r && r.id() != null) {
            CompletableFuture<ServerFrame.Reply> reply = pendingReplies.remove(r.id());
            if (reply != null) {
                reply.complete(r);
                return null;
            }
        }
        return frame.text();
    }

    /**
     * Writes on the transport's writer threads (a servlet stream write may block on a slow client; the delivery
     * engine's workers never do). A broken stream is not a failed send (see the class comment).
     */
    @Override
    public void send(Frame frame, Consumer<Throwable> done) {
        String text = toText(frame);
        if (text == null) {
            done.accept(null);
            return;
        }
        try {
            writer.execute(() -> {
                write(text, frame.expiresAt());
                done.accept(null);
            });
        } catch (RuntimeException e) {
            done.accept(e); // the writer pool is shut down: the application is stopping
        }
    }

    /** One SSE event per frame: command replies are matched per frame, so the engine must not batch them. */
    @Override
    public boolean batches() {
        return false;
    }

    private synchronized void write(String text, long expiresAt) {
        long n = ++seq;
        if (replayFrames > 0) {
            recent.addLast(new Sent(n, text, expiresAt));
            while (recent.size() > replayFrames) {
                recent.removeFirst();
            }
        }
        if (sink != null) {
            emit(sink, event(n, text));
        }
    }

    private OutboundSseEvent event(long n, String text) {
        OutboundSseEvent.Builder b = sse.newEventBuilder()
                .id(connectionId + ":" + n)
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(String.class, text);
        if (n == 1) {
            b.reconnectDelay(retryMillis); // with the welcome: how long EventSource waits before it reconnects
        }
        return b.build();
    }

    /** Writes one event to the attached stream; on failure detaches it. Caller holds the monitor. */
    private boolean emit(SseEventSink target, OutboundSseEvent event) {
        try {
            if (target.isClosed()) {
                throw new IllegalStateException("stream closed by the client");
            }
            target.send(event).toCompletableFuture().get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            lastWriteNanos = System.nanoTime();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            detach(target, e);
            return false;
        } catch (Exception e) {
            detach(target, e);
            return false;
        }
    }

    private void detach(SseEventSink target, Exception cause) {
        if (sink == target) {
            sink = null;
            detachedAtNanos = System.nanoTime();
            LOG.fine(() -> "SSE stream of " + connectionId + " broke (" + cause + "); kept for resume");
        }
        closeQuietly(target);
    }

    /** Sends a comment line if nothing was written for {@code idleNanos}, so proxies and the client see life. */
    synchronized void heartbeat(long idleNanos) {
        if (sink != null && System.nanoTime() - lastWriteNanos >= idleNanos) {
            emit(sink, sse.newEventBuilder().comment("hb").build());
        }
    }

    /**
     * Attaches a new stream after a client came back with {@code Last-Event-ID: <connectionId>:<lastSeq>}: tells it
     * the connection was resumed, then replays every frame after {@code lastSeq}.
     *
     * @return false if the frames after {@code lastSeq} are no longer all kept (or the channel is closed); the caller
     *     then opens a fresh connection
     */
    synchronized boolean resume(SseEventSink newSink, long lastSeq) {
        if (closed || lastSeq > seq) {
            return false;
        }
        if (lastSeq < seq && (recent.isEmpty() || recent.peekFirst().seq() > lastSeq + 1)) {
            return false; // some frames after lastSeq were already dropped from the buffer
        }
        SseEventSink old = sink;
        if (old != null) {
            closeQuietly(old); // the server had not noticed that the old stream is gone
        }
        sink = newSink;
        detachedAtNanos = 0;
        // Messages that expired since they were first sent are not sent again (their event ids are skipped).
        List<Sent> replay = new ArrayList<>();
        long now = 0;
        for (Sent s : recent) {
            if (s.seq() > lastSeq) {
                if (s.expiresAt() != 0) {
                    now = now == 0 ? System.currentTimeMillis() : now;
                    if (now >= s.expiresAt()) {
                        continue;
                    }
                }
                replay.add(s);
            }
        }
        String resumed = Codec.encode(ServerFrame.resumed(connectionId, replay.size()));
        // No id: the client's Last-Event-ID stays at the last real frame.
        if (!emit(
                newSink,
                sse.newEventBuilder()
                        .data(String.class, resumed)
                        .reconnectDelay(retryMillis)
                        .build())) {
            return true; // broke again at once; still resumable later
        }
        for (Sent s : replay) {
            if (!emit(newSink, event(s.seq(), s.text()))) {
                break;
            }
        }
        return true;
    }

    @Override
    public void close(int code, String reason) {
        closed = true;
        pendingReplies.values().forEach(f -> f.completeExceptionally(new IllegalStateException("connection closed")));
        pendingReplies.clear();
        synchronized (this) {
            if (sink != null) {
                // Say why before the stream ends (a WebSocket client sees the close code; this is the SSE equivalent).
                String last = Codec.encode(ServerFrame.closed(code, reason == null ? "" : reason));
                emit(sink, sse.newEventBuilder().data(String.class, last).build());
                closeQuietly(sink);
                sink = null;
            }
            recent.clear();
        }
        LOG.fine(() -> "SSE connection " + connectionId + " closed: " + code + " " + reason);
    }

    private static void closeQuietly(SseEventSink s) {
        try {
            s.close();
        } catch (Exception e) {
            // The client is already gone; nothing else to release.
            LOG.log(Level.FINEST, "closing an SSE stream failed", e);
        }
    }
}
