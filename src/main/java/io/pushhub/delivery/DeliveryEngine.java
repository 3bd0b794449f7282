package io.pushhub.delivery;

import io.pushhub.config.HubConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes every connection's {@link Outbox} to the network.
 *
 * <p>A fixed pool of worker threads takes connections with queued frames from one ready queue and writes with the
 * container's <em>blocking</em> send, coalescing what is queued into one frame. Blocking sends on a thread of our own
 * avoid the two thread switches per frame of Liberty's async path, and a worker is the connection's only writer, so a
 * blocked write can only ever stall that worker, never a pusher.
 *
 * <p>A watchdog protects the pool from stalled clients: when one write has been blocked longer than {@code
 * pushhub.delivery.stall-threshold}, that connection switches to asynchronous sends, and a fresh worker replaces the
 * blocked one (which retires when its write returns). The connection returns to blocking sends once an async send
 * completes quickly with nothing else queued (the stall may have been the server's own pause). So a client that stops reading costs one thread
 * for a while, never the delivery to others; its queue then fills and the slow-consumer policy applies.
 */
@ApplicationScoped
public class DeliveryEngine {

    private static final Logger LOG = Logger.getLogger(DeliveryEngine.class.getName());
    /** Extra workers that may exist at once to replace stalled ones. */
    static final int MAX_REPLACEMENT_WORKERS = 64;

    /** Told, at most once per outbox, that a send failed (the connection is then unusable). */
    @FunctionalInterface
    public interface FailureListener {
        void sendFailed(Throwable cause);
    }

    /** The engine's settings, from {@link HubConfig}. */
    public record Settings(int threads, int batchMax, Duration stallThreshold, int maxMessages, long maxBytes,
            DeliveryPolicy policy) {}

    @Inject
    HubConfig config;

    @Resource
    ManagedThreadFactory managedThreadFactory;

    private Settings settings;
    private ThreadFactory threadFactory;
    private final LinkedBlockingQueue<Outbox> readyQueue = new LinkedBlockingQueue<>();
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final AtomicInteger workerIds = new AtomicInteger();
    private final LongAdder sent = new LongAdder();
    private final LongAdder frames = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder stalls = new LongAdder();
    private ExecutorService closer;
    private Thread watchdog;
    private volatile boolean running;

    @PostConstruct
    void init() {
        ThreadFactory tf = managedThreadFactory != null ? managedThreadFactory : Executors.defaultThreadFactory();
        start(new Settings(config.deliveryThreads(), config.deliveryBatchMax(), config.deliveryStallThreshold(),
                config.outboxMaxMessages(), config.outboxMaxBytes(), config.outboxPolicy()), tf);
        LOG.info(() -> "pushhub delivery: " + settings.threads() + " workers, batches of up to " + settings.batchMax()
                + ", stall threshold " + settings.stallThreshold().toMillis() + " ms, policy "
                + settings.policy().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Starts the workers; also the entry point for tests outside a container. */
    void start(Settings s, ThreadFactory tf) {
        this.settings = s;
        this.threadFactory = tf;
        running = true;
        for (int i = 0; i < s.threads(); i++) {
            startWorker();
        }
        closer = Executors.newFixedThreadPool(2, r -> named(tf.newThread(r), "pushhub-closer"));
        watchdog = named(tf.newThread(this::watch), "pushhub-delivery-watchdog");
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
        for (Worker w : workers) {
            w.thread.interrupt();
        }
        if (watchdog != null) {
            watchdog.interrupt();
        }
        if (closer != null) {
            closer.shutdown();
        }
    }

    public Outbox newOutbox(Transport transport, FailureListener onFailure) {
        return new Outbox(this, transport, onFailure, settings.maxMessages(), settings.maxBytes(), settings.policy());
    }

    /** Closes a transport on the engine's closer threads: a close may block behind a stalled write. */
    public void closeAsync(Transport transport, int code, String reason) {
        try {
            closer.execute(() -> {
                try {
                    transport.close(code, reason);
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "close failed", e);
                }
            });
        } catch (RuntimeException e) {
            // Engine stopping: close inline, nothing else will.
            transport.close(code, reason);
        }
    }

    void ready(Outbox outbox) {
        readyQueue.add(outbox);
    }

    void countSent(int messages) {
        sent.add(messages);
        frames.increment();
    }

    void countDropped(int n) {
        dropped.add(n);
    }

    /** Messages written to clients (a batch frame counts each message in it). */
    public long sentMessages() {
        return sent.sum();
    }

    /** Frames written to clients. */
    public long sentFrames() {
        return frames.sum();
    }

    /** Messages dropped by the drop-oldest policy. */
    public long droppedMessages() {
        return dropped.sum();
    }

    /** Connections whose blocking write stalled and that were moved to asynchronous sends. */
    public long stalledConnections() {
        return stalls.sum();
    }

    /** An async send faster than this (a quarter of the stall threshold) counts as "the client keeps up again". */
    long recoveryThresholdNanos() {
        return settings.stallThreshold().toNanos() / 4;
    }

    /**
     * Workers still blocked in a write the watchdog gave up on. Liberty's blocking send has no timeout and a session
     * close does not wake it, so each client that stopped reading holds one such thread until the server restarts
     * (at most {@value #MAX_REPLACEMENT_WORKERS}; see docs/performance.md).
     */
    public long blockedWorkers() {
        return workers.stream().filter(w -> w.retiring).count();
    }

    public int readyConnections() {
        return readyQueue.size();
    }

    public Settings settings() {
        return settings;
    }

    private void startWorker() {
        Worker w = new Worker();
        w.thread = named(threadFactory.newThread(w), "pushhub-delivery-" + workerIds.incrementAndGet());
        w.thread.setDaemon(true);
        workers.add(w);
        w.thread.start();
    }

    private static Thread named(Thread t, String name) {
        t.setName(name);
        return t;
    }

    private final class Worker implements Runnable {
        Thread thread;
        volatile Outbox current;
        volatile long since;
        volatile boolean retiring;

        @Override
        public void run() {
            try {
                while (running && !retiring) {
                    Outbox o = readyQueue.take();
                    since = System.nanoTime();
                    current = o;
                    try {
                        o.drain(settings.batchMax());
                    } catch (RuntimeException e) {
                        // One connection's failure must not kill the worker that serves thousands.
                        LOG.log(Level.WARNING, "delivery to a connection failed unexpectedly", e);
                    } finally {
                        current = null;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                workers.remove(this);
            }
        }
    }

    private void watch() {
        long threshold = settings.stallThreshold().toNanos();
        long period = Math.max(5, settings.stallThreshold().toMillis() / 4);
        try {
            while (running) {
                TimeUnit.MILLISECONDS.sleep(period);
                long now = System.nanoTime();
                for (Worker w : workers) {
                    Outbox o = w.current;
                    if (o != null && !w.retiring && now - w.since > threshold) {
                        o.asyncMode = true;
                        w.retiring = true;
                        stalls.increment();
                        long replacements = workers.stream().filter(x -> x.retiring).count();
                        if (replacements <= MAX_REPLACEMENT_WORKERS) {
                            startWorker();
                        } else {
                            LOG.warning("pushhub delivery: " + replacements + " workers blocked on stalled clients;"
                                    + " not adding more");
                        }
                        LOG.fine(() -> "a write stalled for more than " + settings.stallThreshold().toMillis()
                                + " ms; that connection now sends asynchronously");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
