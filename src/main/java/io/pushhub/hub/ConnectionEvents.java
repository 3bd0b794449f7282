package io.pushhub.hub;

import io.pushhub.ConnectionEvent;
import io.pushhub.stats.Count;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands {@link ConnectionEvent}s to their observers on one event thread, in the order they were fired, each observer
 * call isolated (see {@link ConnectionEvent} for the guarantees). Nothing is built or queued while nobody observes.
 *
 * <p>The hub fires from its callers' threads (transports, pushers); {@link #fire} never blocks: when {@value
 * #MAX_WAITING} events wait, the new one is dropped and counted.
 */
final class ConnectionEvents {

    private static final Logger LOG = Logger.getLogger(ConnectionEvents.class.getName());
    static final int MAX_WAITING = 10_000;

    /** The observers of one event, each a separate call; resolved once per event class. */
    private final Function<ConnectionEvent, List<Consumer<ConnectionEvent>>> observersOf;

    private final ConcurrentHashMap<Class<?>, List<Consumer<ConnectionEvent>>> resolved = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor thread;
    private final boolean anyObserver;
    private final Count dropped = new Count();
    private final Count failed = new Count();
    private volatile long lastDropWarning;

    /**
     * @param observersOf resolves the observers of an event (by its class; the answer must not depend on the values)
     * @param threads makes the one event thread
     */
    ConnectionEvents(Function<ConnectionEvent, List<Consumer<ConnectionEvent>>> observersOf, ThreadFactory threads) {
        this.observersOf = observersOf;
        this.anyObserver = List.<ConnectionEvent>of(
                        new ConnectionEvent.Opened(null),
                        new ConnectionEvent.Closed(null),
                        new ConnectionEvent.Subscribed(null, null),
                        new ConnectionEvent.Unsubscribed(null, null))
                .stream()
                .anyMatch(e -> !observers(e).isEmpty());
        this.thread = anyObserver
                ? new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(MAX_WAITING), r -> {
                    Thread t = threads.newThread(r);
                    t.setName("pushhub-events");
                    t.setDaemon(true);
                    return t;
                })
                : null;
    }

    /** No observers at all (tests, or an application that observes nothing). */
    static ConnectionEvents none() {
        return new ConnectionEvents(e -> List.of(), Thread::new);
    }

    private List<Consumer<ConnectionEvent>> observers(ConnectionEvent e) {
        return resolved.computeIfAbsent(e.getClass(), c -> List.copyOf(observersOf.apply(e)));
    }

    /** Queues an event for its observers; the supplier runs only when someone observes. Never blocks, never throws. */
    void fire(Supplier<ConnectionEvent> event) {
        if (!anyObserver) {
            return;
        }
        ConnectionEvent e = event.get();
        List<Consumer<ConnectionEvent>> observers = observers(e);
        if (observers.isEmpty()) {
            return;
        }
        try {
            thread.execute(() -> notifyEach(e, observers));
        } catch (RejectedExecutionException full) {
            dropped.increment();
            long now = System.nanoTime();
            if (now - lastDropWarning > TimeUnit.MINUTES.toNanos(1)) {
                lastDropWarning = now;
                LOG.warning(() -> MAX_WAITING + " connection events wait for slow observers: dropping new ones ("
                        + dropped.sum() + " dropped so far)");
            }
        }
    }

    private void notifyEach(ConnectionEvent e, List<Consumer<ConnectionEvent>> observers) {
        for (Consumer<ConnectionEvent> o : observers) {
            try {
                o.accept(e);
            } catch (RuntimeException ex) {
                failed.increment();
                LOG.log(
                        Level.WARNING,
                        "an observer of " + e.getClass().getSimpleName() + " failed; the others and "
                                + "delivery go on",
                        ex);
            }
        }
    }

    Count dropped() {
        return dropped;
    }

    Count failed() {
        return failed;
    }

    void stop() {
        if (thread != null) {
            thread.shutdown();
        }
    }
}
