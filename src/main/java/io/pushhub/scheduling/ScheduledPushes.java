package io.pushhub.scheduling;

import io.pushhub.Push;
import io.pushhub.PushResult;
import io.pushhub.Pusher;
import io.pushhub.ScheduledPush;
import io.pushhub.Target;
import io.pushhub.ids.Ids;
import jakarta.annotation.Resource;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.NoSuchObjectLocalException;
import jakarta.ejb.Singleton;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.Serializable;
import java.io.StringReader;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pushes scheduled for later ({@code POST /api/push} with {@code at} or {@code delay}), one EJB single-action timer
 * each. The timers are not persistent: pending pushes are lost when the server stops (see docs/scheduling.md).
 *
 * <p>The limit on pending pushes is enforced atomically: {@link #schedule} reserves a slot (compare-and-set on one
 * counter) before it creates the timer, and the slot is released exactly once, when the push fires, is cancelled, or
 * its timer could not be created. The bean is {@code READ}-locked, so many requests schedule at once; a
 * check-then-act on the number of timers let them all pass the check together and overshoot the limit.
 */
@Singleton
@Lock(LockType.READ)
public class ScheduledPushes {

    private static final Logger LOG = Logger.getLogger(ScheduledPushes.class.getName());

    @Resource
    TimerService timers;

    @Inject
    Pusher pusher;

    /** Reserved slots: entries in {@link #entries} plus schedules between their reservation and their put. */
    private final AtomicInteger reserved = new AtomicInteger();
    /** Pending pushes by id; removing one is what releases its slot, so each slot is released once. */
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * One pending push, stored as the timer's info (so it must be serializable: data is kept as JSON text).
     *
     * @param scope all, user, topic or connection
     */
    public record Entry(
            String id,
            String messageId,
            Instant at,
            String scope,
            List<String> targets,
            String dataJson,
            Instant expiresAt)
            implements Serializable {

        Target target() {
            return Target.of(scope, targets);
        }

        ScheduledPush view() {
            return new ScheduledPush(id, messageId, at, target());
        }
    }

    /**
     * Schedules a push, unless {@code maxPending} pushes are pending already.
     *
     * @return the pending push, or empty when the limit is reached (nothing was scheduled)
     */
    public Optional<ScheduledPush> schedule(Target target, JsonValue data, Instant at, int maxPending) {
        return schedule(Ids.scheduled(), pusher.newMessageId(), target, data, at, null, maxPending);
    }

    /**
     * Schedules a push with ids minted by the caller and an optional expiry (null: never), unless {@code maxPending}
     * pushes are pending already. A push whose timer fires at or after {@code expiresAt} is skipped (logged, and
     * counted by the hub as expired).
     *
     * @return the pending push, or empty when the limit is reached (nothing was scheduled)
     */
    public Optional<ScheduledPush> schedule(
            String id, String messageId, Target target, JsonValue data, Instant at, Instant expiresAt, int maxPending) {
        if (!reserve(maxPending)) {
            return Optional.empty();
        }
        Entry entry;
        try {
            entry = new Entry(id, messageId, at, target.scope(), target.names(), data.toString(), expiresAt);
        } catch (RuntimeException e) {
            reserved.decrementAndGet();
            throw e;
        }
        // In the map before the timer exists: a timer due now may fire (and release) before createSingleActionTimer
        // returns.
        entries.put(entry.id(), entry);
        try {
            timers.createSingleActionTimer(Date.from(at), new TimerConfig(entry, false));
        } catch (RuntimeException e) {
            release(entry.id());
            throw e;
        }
        LOG.fine(() -> "scheduled " + entry.id() + " (" + entry.messageId() + ") for " + at);
        return Optional.of(entry.view());
    }

    private boolean reserve(int maxPending) {
        while (true) {
            int n = reserved.get();
            if (n >= maxPending) {
                return false;
            }
            if (reserved.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * Takes a pending push out and frees its slot. Only one caller gets true for an id: that decides a fire racing a
     * cancel (the push is either delivered or cancelled, never both), and the slot is released once.
     */
    private boolean release(String id) {
        if (entries.remove(id) != null) {
            reserved.decrementAndGet();
            return true;
        }
        return false;
    }

    @Timeout
    void fire(Timer timer) {
        if (!(timer.getInfo() instanceof Entry entry)) {
            return;
        }
        if (!release(entry.id())) {
            return; // cancelled meanwhile
        }
        try {
            JsonValue data;
            try (JsonReader r = Json.createReader(new StringReader(entry.dataJson()))) {
                data = r.readValue();
            }
            if (entry.expiresAt() != null && !Instant.now().isBefore(entry.expiresAt())) {
                LOG.info(() -> "scheduled push " + entry.id() + " (" + entry.messageId() + ") due " + entry.at()
                        + " fired after its expiry " + entry.expiresAt() + ": not delivered");
            }
            PushResult result = pusher.push(Push.to(entry.target(), data)
                    .withMessageId(entry.messageId())
                    .withExpiresAt(entry.expiresAt()));
            LOG.fine(() -> "scheduled push " + entry.id() + " delivered to " + result.reached() + " connection(s)");
        } catch (RuntimeException e) {
            // A failing push must not make the container retry the timer: the message would be delivered twice.
            LOG.log(Level.WARNING, "scheduled push " + entry.id() + " failed", e);
        }
    }

    /** Pending pushes, soonest first (a snapshot). */
    public List<ScheduledPush> pending() {
        return entries.values().stream()
                .sorted(Comparator.comparing(Entry::at))
                .map(Entry::view)
                .toList();
    }

    public int pendingCount() {
        return reserved.get();
    }

    /** @return false when no pending push has this id (unknown, already delivered or already cancelled) */
    public boolean cancel(String id) {
        if (!release(id)) {
            return false;
        }
        // Its timer will not deliver it any more (fire checks the map); cancel it so it does not linger.
        for (Timer t : timers.getTimers()) {
            try {
                if (t.getInfo() instanceof Entry e && e.id().equals(id)) {
                    t.cancel();
                    break;
                }
            } catch (NoSuchObjectLocalException e) {
                // fired or cancelled concurrently
            }
        }
        return true;
    }
}
