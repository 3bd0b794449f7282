package io.pushhub.delivery;

import io.pushhub.config.DeliveryPolicy;
import io.pushhub.config.HubConfig;
import io.pushhub.stats.Count;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes every connection's {@link Outbox} to the network, without ever waiting for a client.
 *
 * <p>A few worker threads take connections with queued frames from one ready queue, coalesce what is queued into one
 * frame and <em>start</em> an asynchronous send (at most one in flight per connection); the send's completion puts the
 * connection back in the queue if more is waiting. A worker never blocks on the network, so a client that stops
 * reading holds no thread: its queue fills and the slow-consumer policy applies, or its send in flight times out.
 *
 * <p>Two time bounds make that true on every container (ADR 0006):
 * <ul>
 *   <li>The transport gives its container the write time-out ({@code pushhub.delivery.write-timeout}); a send the
 *       client does not take in that time fails.
 *   <li>The engine's watchdog fails a send still in flight a grace period after that, whatever the container does.
 * </ul>
 * A failed send closes the connection; a close is issued only once no send is in flight, on closer threads that the
 * container may hold at most for its own close time-out. Liveness: {@link #stuckFor} says how long queued work has
 * made no progress.
 */
@ApplicationScoped
public class DeliveryEngine {

    private static final Logger LOG = Logger.getLogger(DeliveryEngine.class.getName());
    /** Closer threads at most; they end after a short idle time. */
    static final int MAX_CLOSERS = 64;
    /** The watchdog fails a send this long after the write time-out, if the container has not. */
    static final long WATCHDOG_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Told, at most once per outbox, that a send failed (the connection is then unusable). */
    @FunctionalInterface
    public interface FailureListener {
        void sendFailed(Throwable cause);
    }

    /**
     * What the engine counts for one transport ({@code websocket} or {@code sse}): resolved once per outbox, so a write
     * costs two or three adder increments and, for a write that carries a timed message, one {@link System#nanoTime()}.
     */
    public static final class Tally {
        private final String transport;
        private final Count messages = new Count();
        private final Count dropped = new Count();
        private final Count expired;
        private final Count[] frames = new Count[Frame.Type.values().length];
        /** Gets nanos from a message's acceptance by the hub to the completed write; bound by observability. */
        private volatile LongConsumer latency;

        Tally(String transport, Count expired) {
            this.transport = transport;
            this.expired = expired;
            for (int i = 0; i < frames.length; i++) {
                frames[i] = new Count();
            }
        }

        /** {@code websocket} or {@code sse}: the {@code transport} label. */
        public String transport() {
            return transport;
        }

        /** User messages written (a batch counts each message in it). */
        public Count messages() {
            return messages;
        }

        /** Messages dropped by the drop-oldest policy. */
        public Count dropped() {
            return dropped;
        }

        /**
         * Messages dropped unsent from a queue because they had expired ({@link Frame#expiresAt()}): one count shared
         * by all transports.
         */
        public Count expired() {
            return expired;
        }

        /** Frames of this type written (a batch frame counts once, as {@link Frame.Type#BATCH}). */
        public Count frames(Frame.Type type) {
            return frames[type.ordinal()];
        }

        /**
         * From now on gets, per completed write that carried a user message the hub timed, the nanos from the hub
         * accepting the oldest such message in the write to the write's completion.
         */
        public void latencyTo(LongConsumer nanos) {
            latency = nanos;
        }

        /** A write completed: a frame of {@code type} carrying {@code messages} user messages. */
        void written(Frame.Type type, int messages, long acceptedNanos) {
            frames[type.ordinal()].increment();
            this.messages.add(messages);
            LongConsumer l = latency;
            if (acceptedNanos != 0 && l != null) {
                l.accept(System.nanoTime() - acceptedNanos);
            }
        }
    }

    /** The engine's settings, from {@link HubConfig}. */
    public record Settings(
            int threads,
            int batchMax,
            int batchMaxBytes,
            Duration writeTimeout,
            int maxMessages,
            long maxBytes,
            DeliveryPolicy policy,
            long anonymousMaxBytes) {

        /** Defaults for tests and tools: 2 workers, batches of 64 / 64 KiB, 5 s write time-out, 4 MiB per connection. */
        public static Settings defaults(DeliveryPolicy policy) {
            return new Settings(2, 64, 65536, Duration.ofSeconds(5), 1024, 4L << 20, policy, 256L << 20);
        }

        public Settings withWriteTimeout(Duration d) {
            return new Settings(threads, batchMax, batchMaxBytes, d, maxMessages, maxBytes, policy, anonymousMaxBytes);
        }

        public Settings withQueue(int messages, long bytes) {
            return new Settings(
                    threads, batchMax, batchMaxBytes, writeTimeout, messages, bytes, policy, anonymousMaxBytes);
        }

        public Settings withAnonymousMaxBytes(long bytes) {
            return new Settings(threads, batchMax, batchMaxBytes, writeTimeout, maxMessages, maxBytes, policy, bytes);
        }
    }

    @Inject
    HubConfig config;

    @Resource
    ManagedThreadFactory managedThreadFactory;

    private Settings settings;
    private final LinkedBlockingQueue<Outbox> readyQueue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new CopyOnWriteArrayList<>();
    private final Set<Outbox> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong anonymousBytes = new AtomicLong();
    private final Count expired = new Count();
    private final Tally webSocket = new Tally("websocket", expired);
    private final Tally sse = new Tally("sse", expired);
    private final List<Tally> tallies = List.of(webSocket, sse);
    private final Count timedOut = new Count();
    private final AtomicInteger closesInProgress = new AtomicInteger();
    private volatile long lastProgressNanos = System.nanoTime();
    private ThreadPoolExecutor closer;
    private Thread watchdog;
    private volatile boolean running;

    @PostConstruct
    void init() {
        ThreadFactory tf = managedThreadFactory != null ? managedThreadFactory : Executors.defaultThreadFactory();
        start(
                new Settings(
                        config.deliveryThreads(),
                        config.deliveryBatchMax(),
                        config.deliveryBatchMaxBytes(),
                        config.deliveryWriteTimeout(),
                        config.outboxMaxMessages(),
                        config.outboxMaxBytes(),
                        config.outboxPolicy(),
                        config.outboxAnonymousMaxBytes()),
                tf);
        LOG.info(() -> "pushhub delivery: " + settings.threads() + " workers, asynchronous sends, batches of up to "
                + settings.batchMax() + " messages / " + settings.batchMaxBytes() + " B, write time-out "
                + settings.writeTimeout().toMillis() + " ms, policy "
                + settings.policy().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Starts the workers; also the entry point for tests outside a container. */
    void start(Settings s, ThreadFactory tf) {
        this.settings = s;
        running = true;
        for (int i = 0; i < s.threads(); i++) {
            Thread t = named(tf.newThread(this::work), "pushhub-delivery-" + (i + 1));
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        // Closes may block for the container's close time-out (a close frame to a client that stopped reading): many
        // at once must not queue behind each other, and idle closers go away. Plain daemon threads, not managed ones:
        // a close still running must never hold up the server's stop.
        AtomicInteger n = new AtomicInteger();
        closer = new ThreadPoolExecutor(
                MAX_CLOSERS, MAX_CLOSERS, 2, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "pushhub-closer-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        closer.allowCoreThreadTimeOut(true);
        watchdog = named(tf.newThread(this::watch), "pushhub-delivery-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** A started engine for code outside a container (unit tests, benchmarks). */
    public static DeliveryEngine standalone(Settings s) {
        DeliveryEngine e = new DeliveryEngine();
        e.start(s, Executors.defaultThreadFactory());
        return e;
    }

    @PreDestroy
    public void stop() {
        running = false;
        for (Thread w : workers) {
            w.interrupt();
        }
        if (watchdog != null) {
            watchdog.interrupt();
        }
        if (closer != null) {
            closer.shutdown(); // queued closes still run (daemon threads: they never hold up the JVM's exit)
        }
    }

    /** A queue for an identified client. */
    public Outbox newOutbox(Transport transport, FailureListener onFailure) {
        return newOutbox(transport, onFailure, false);
    }

    /** A queue for a client; an anonymous one is also charged to the budget all anonymous clients share. */
    public Outbox newOutbox(Transport transport, FailureListener onFailure, boolean anonymous) {
        return newOutbox(transport, onFailure, anonymous, null);
    }

    /**
     * As {@link #newOutbox(Transport, FailureListener, boolean)}, naming {@code owner} to the {@link DeliveryWatch} of
     * every watched frame queued here (the hub passes its connection).
     */
    public Outbox newOutbox(Transport transport, FailureListener onFailure, boolean anonymous, Object owner) {
        return new Outbox(
                this,
                transport,
                onFailure,
                settings.maxMessages(),
                settings.maxBytes(),
                settings.policy(),
                anonymous ? anonymousBytes : null,
                settings.anonymousMaxBytes(),
                owner);
    }

    /**
     * Runs a transport's close on the closer threads (a close may block for the container's close time-out); a slow
     * client's connection (queue full, or a send failed or timed out) is aborted instead.
     */
    void closeTransport(Transport transport, int code, String reason, boolean slow, boolean writeStalled) {
        Runnable close = () -> {
            closesInProgress.incrementAndGet();
            try {
                if (slow || writeStalled) {
                    transport.abort(code, reason, writeStalled);
                } else {
                    transport.close(code, reason);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "close failed", e);
            } finally {
                closesInProgress.decrementAndGet();
            }
        };
        try {
            closer.execute(close);
        } catch (RuntimeException e) {
            // Engine stopped: close on a throwaway daemon thread, never on the caller's (it may be a pusher).
            Thread t = new Thread(close, "pushhub-late-closer");
            t.setDaemon(true);
            t.start();
        }
    }

    void ready(Outbox outbox) {
        readyQueue.add(outbox);
    }

    void sending(Outbox outbox) {
        inFlight.add(outbox);
    }

    void sent(Outbox outbox) {
        inFlight.remove(outbox);
        lastProgressNanos = System.nanoTime();
    }

    /** The counts of a transport by its {@link Transport#transportName()}: {@code sse}, else {@code websocket}. */
    Tally tally(String transportName) {
        return "sse".equals(transportName) ? sse : webSocket;
    }

    /** The counts of each transport ({@code websocket}, {@code sse}), for metrics. */
    public List<Tally> tallies() {
        return tallies;
    }

    /** User messages written to clients (a batch frame counts each message in it). */
    public long sentMessages() {
        return webSocket.messages.sum() + sse.messages.sum();
    }

    /** Frames written to clients, of every type (a batch frame counts once). */
    public long sentFrames() {
        long n = 0;
        for (Tally t : tallies) {
            for (Count c : t.frames) {
                n += c.sum();
            }
        }
        return n;
    }

    /** Messages dropped unsent because they had expired, all transports. */
    public long expiredMessages() {
        return expired.sum();
    }

    /** Messages dropped unsent because they had expired, all transports. */
    public Count expiredCount() {
        return expired;
    }

    /** Messages dropped by the drop-oldest policy. */
    public long droppedMessages() {
        return webSocket.dropped.sum() + sse.dropped.sum();
    }

    /** Sends the watchdog failed because the client took none of it within the write time-out (plus grace). */
    public Count timedOutCount() {
        return timedOut;
    }

    /** Sends the watchdog failed because the client took none of it within the write time-out (plus grace). */
    public long timedOutSends() {
        return timedOut.sum();
    }

    /** Sends in flight now (at most one per connection). */
    public int sendsInFlight() {
        return inFlight.size();
    }

    /** Closes running now (a close to a client that stopped reading can take the container's close time-out). */
    public int closesInProgress() {
        return closesInProgress.get();
    }

    /** Bytes queued for all anonymous connections together (bounded by {@code pushhub.outbox.anonymous-max-bytes}). */
    public long anonymousQueuedBytes() {
        return anonymousBytes.get();
    }

    public int readyConnections() {
        return readyQueue.size();
    }

    public Settings settings() {
        return settings;
    }

    /**
     * How long work has been waiting without any progress (a worker taking a connection, or a send completing), or
     * {@link Duration#ZERO} when nothing waits or the engine progresses. Liveness reports DOWN past a bound.
     */
    public Duration stuckFor() {
        // Sends in flight make no progress while they wait for slow clients: that is the watchdog's business (it ends
        // them at the write time-out), not a stuck engine. Stuck means: connections wait and none is served.
        if (readyQueue.isEmpty()) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(System.nanoTime() - lastProgressNanos);
    }

    /** Worker threads still alive (a dead worker is a bug; liveness says so). */
    public int liveWorkers() {
        return (int) workers.stream().filter(Thread::isAlive).count();
    }

    private static Thread named(Thread t, String name) {
        t.setName(name);
        return t;
    }

    private void work() {
        int batchMax = settings.batchMax();
        int batchMaxBytes = settings.batchMaxBytes();
        try {
            while (running) {
                Outbox o = readyQueue.take();
                lastProgressNanos = System.nanoTime();
                try {
                    o.drain(batchMax, batchMaxBytes);
                } catch (RuntimeException e) {
                    // One connection's failure must not kill the worker that serves thousands.
                    LOG.log(Level.WARNING, "delivery to a connection failed unexpectedly", e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void watch() {
        long limit = settings.writeTimeout().toNanos() + WATCHDOG_GRACE_NANOS;
        long period = Math.max(50, Math.min(1000, settings.writeTimeout().toMillis() / 4));
        try {
            while (running) {
                TimeUnit.MILLISECONDS.sleep(period);
                long now = System.nanoTime();
                for (Outbox o : inFlight) {
                    if (o.inFlightNanos(now) > limit) {
                        timedOut.increment();
                        o.timedOut(new TimeoutException("the client took none of a frame for "
                                + TimeUnit.NANOSECONDS.toMillis(limit) + " ms (write time-out)"));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
