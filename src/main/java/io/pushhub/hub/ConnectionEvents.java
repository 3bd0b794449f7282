package io.pushhub.hub;

import io.pushhub.ConnectionEvent;
import io.pushhub.HubEvent;
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
 * Hands {@link ConnectionEvent}s and {@link HubEvent}s to their observers on one event thread, in the order they were fired, each observer
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
    private final Function<HubEvent, List<Consumer<HubEvent>>> hubObserversOf;
    private final ConcurrentHashMap<Class<?>, List<Consumer<HubEvent>>> hubResolved = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor thread;
    private final boolean anyObserver;
    private final boolean anyHubObserver;
    private final Count dropped = new Count();
    private final Count failed = new Count();
    private volatile long lastDropWarning;

    /**
     * @param observersOf resolves the observers of an event (by its class; the answer must not depend on the values)
     * @param threads makes the one event thread
     */
    ConnectionEvents(Function<ConnectionEvent, List<Consumer<ConnectionEvent>>> observersOf, ThreadFactory threads) {
        this(observersOf, e -> List.of(), threads);
    }

    /**
     * @param hubObserversOf resolves the observers of a {@link HubEvent} (by its class, like {@code observersOf})
     */
    ConnectionEvents(
            Function<ConnectionEvent, List<Consumer<ConnectionEvent>>> observersOf,
            Function<HubEvent, List<Consumer<HubEvent>>> hubObserversOf,
            ThreadFactory threads) {
        this.observersOf = observersOf;
        this.hubObserversOf = hubObserversOf;
        this.anyHubObserver = List.<HubEvent>of(
                        new HubEvent.TopicOccupied(null, null, 0, null, null),
                        new HubEvent.TopicVacated(null, null, 0, null, null),
                        new HubEvent.MemberJoined(null, null, null, 0, null, null),
                        new HubEvent.MemberLeft(null, null, null, 0, null, null),
                        new HubEvent.UserOnline(null, null, 0, null, null),
                        new HubEvent.UserOffline(null, null, 0, null, null),
                        new HubEvent.ConnectionClosed(null, null, null, 0, 0, null, null))
                .stream()
                .anyMatch(e -> !hubObservers(e).isEmpty());
        boolean anyConnectionObserver = List.<ConnectionEvent>of(
                        new ConnectionEvent.Opened(null),
                        new ConnectionEvent.Closed(null),
                        new ConnectionEvent.Subscribed(null, null),
                        new ConnectionEvent.Unsubscribed(null, null))
                .stream()
                .anyMatch(e -> !observers(e).isEmpty());
        this.anyObserver = anyConnectionObserver || anyHubObserver;
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

    private List<Consumer<HubEvent>> hubObservers(HubEvent e) {
        return hubResolved.computeIfAbsent(e.getClass(), c -> List.copyOf(hubObserversOf.apply(e)));
    }

    /** Whether anything observes hub events (else the hub need not make them for CDI). */
    boolean observesHubEvents() {
        return anyHubObserver;
    }

    /** Queues a hub event for its observers, behind the connection events fired before it. Never blocks, never throws. */
    void fireHub(HubEvent e) {
        if (!anyHubObserver) {
            return;
        }
        List<Consumer<HubEvent>> observers = hubObservers(e);
        if (!observers.isEmpty()) {
            queue(() -> notifyEach(e, observers));
        }
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
        queue(() -> notifyEach(e, observers));
    }

    private void queue(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException full) {
            dropped.increment();
            long now = System.nanoTime();
            if (now - lastDropWarning > TimeUnit.MINUTES.toNanos(1)) {
                lastDropWarning = now;
                LOG.warning(
                        () -> MAX_WAITING + " connection and hub events wait for slow observers: dropping new ones ("
                                + dropped.sum() + " dropped so far)");
            }
        }
    }

    private <E> void notifyEach(E e, List<Consumer<E>> observers) {
        for (Consumer<E> o : observers) {
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
