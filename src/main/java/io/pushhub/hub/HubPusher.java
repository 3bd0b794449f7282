package io.pushhub.hub;

import io.pushhub.Push;
import io.pushhub.PushResult;
import io.pushhub.Pusher;
import io.pushhub.Recurrence;
import io.pushhub.ScheduledPush;
import io.pushhub.Target;
import io.pushhub.TooManyScheduledException;
import io.pushhub.config.HubConfig;
import io.pushhub.ids.Ids;
import io.pushhub.scheduling.ScheduledPushes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The {@link Pusher} bean: pushes go to the hub's cluster relay; schedules to the {@link ScheduledPushes} table. */
@ApplicationScoped
public class HubPusher implements Pusher {

    private static final Logger LOG = Logger.getLogger(HubPusher.class.getName());

    @Inject
    Hub hub;

    @Inject
    ScheduledPushes scheduled;

    @Inject
    HubConfig config;

    @Inject
    TransactionalPushes transactional;

    @Override
    public PushResult push(Target target, JsonValue data) {
        return push(target, data, newMessageId());
    }

    @Override
    public PushResult push(Target target, JsonValue data, String messageId) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(messageId, "messageId");
        return push(Push.to(target, data).withMessageId(messageId));
    }

    @Override
    public PushResult push(Push push) {
        Objects.requireNonNull(push, "push");
        PushResult held = transactional.holdBack(push, this::newMessageId, this::push);
        if (held != null) {
            return held; // inside a JTA transaction: delivered after its commit (TransactionalPushes)
        }
        String id = push.messageId() != null ? push.messageId() : newMessageId();
        return hub.tracing().push(id, push.target().scope(), () -> pushNow(push, id));
    }

    /** Pushes now; a push with receipts also reserves and arms its escalation ({@link Receipts}). */
    private PushResult pushNow(Push push, String id) {
        if (push.receipt() == null) {
            return hub.relay().push(push, id);
        }
        Receipts receipts = hub.receipts();
        receipts.reserve(push); // escalation timers are bounded: refused here, before anything is pushed
        PushResult result;
        try {
            result = hub.relay().push(push, id);
        } catch (RuntimeException e) {
            receipts.abandoned(push);
            throw e;
        }
        receipts.accepted(push, id, result);
        return result;
    }

    @Override
    public String newMessageId() {
        return hub.relay().nextMessageId();
    }

    @Override
    public NodeTopic nodeTopic(String topic) {
        ClusterRelay relay = hub.relay();
        relay.declareLocalTopic(topic);
        ConnectionRegistry registry = hub.registry();
        return new NodeTopic() {
            @Override
            public String name() {
                return topic;
            }

            @Override
            public boolean hasSubscribers() {
                return registry.hasSubscribers(topic);
            }

            @Override
            public int push(JsonValue data) {
                return relay.pushLocal(topic, data);
            }
        };
    }

    @Override
    public ScheduledPush schedule(Target target, JsonValue data, Instant at) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(data, "data");
        return schedule(Push.to(target, data), at);
    }

    @Override
    public ScheduledPush schedule(Push push, Instant at) {
        Objects.requireNonNull(push, "push");
        Objects.requireNonNull(at, "at");
        return store(push, at, null);
    }

    @Override
    public ScheduledPush schedule(Push push, Recurrence recurrence) {
        Objects.requireNonNull(push, "push");
        Objects.requireNonNull(recurrence, "recurrence");
        return store(push, scheduled.firstDue(recurrence, Instant.now()), recurrence);
    }

    private ScheduledPush store(Push push, Instant due, Recurrence recurrence) {
        // The table keeps milliseconds: the first answer, a repeat's answer (from the idempotency claim) and the list
        // must all say the same instant.
        Instant at = due.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        if (push.receipt() != null) {
            throw new IllegalArgumentException("a scheduled or recurring push cannot ask for receipts (receipt,"
                    + " collapseOnAck, escalateAfter): receipts are for a push made now (docs/receipts.md)");
        }
        if (push.exceptConnection() != null) {
            throw new IllegalArgumentException("a scheduled push cannot exclude a connection (exceptConnection "
                    + push.exceptConnection() + "): exclusion is for a push made now, from the connection's action");
        }
        int max = config.scheduledMaxPending();
        String id = Ids.scheduled();
        String messageId = push.messageId() != null ? push.messageId() : newMessageId();
        String key = push.idempotencyKey();
        String value = null;
        if (key != null) {
            ClusterRelay relay = hub.relay();
            // Held until the push is due plus the window: a repeat before it fires, or within the window after, is a
            // duplicate.
            Duration ahead = Duration.between(Instant.now(), at);
            Duration window = relay.idempotencyWindow().plus(ahead.isNegative() ? Duration.ZERO : ahead);
            value = ClaimValue.scheduled(id, messageId, at).encode();
            String first = relay.claim(key, value, window);
            if (first != null) {
                ClaimValue v = ClaimValue.decode(first);
                return new ScheduledPush(v.scheduledId(), v.messageId(), v.at(), push.target(), true);
            }
        }
        String claimed = value;
        Runnable releaseKey = () -> {
            if (key != null) {
                hub.relay().release(key, claimed); // nothing was scheduled: a retry must not be taken for a repeat
            }
        };
        // In a JTA transaction the row is stored after the commit (so a push due now fires after it, and a rollback
        // leaves nothing); the limit is checked now, and again when it is stored.
        if (transactional.onCommit(() -> {
            try {
                if (scheduled
                        .schedule(id, messageId, push.target(), push.data(), at, push.expiresAt(), recurrence, max)
                        .isEmpty()) {
                    LOG.warning("scheduled push " + id + " not stored after its transaction's commit: "
                            + new TooManyScheduledException(max).getMessage());
                    releaseKey.run();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "scheduled push " + id + " not stored after its transaction's commit", e);
                releaseKey.run();
            }
        })) {
            transactional.onRollback(releaseKey);
            try {
                if (scheduled.pendingCount() >= max) {
                    throw new TooManyScheduledException(max);
                }
            } catch (RuntimeException e) {
                releaseKey.run();
                throw e;
            }
            return new ScheduledPush(id, messageId, at, push.target(), false, recurrence);
        }
        try {
            return scheduled
                    .schedule(id, messageId, push.target(), push.data(), at, push.expiresAt(), recurrence, max)
                    .orElseThrow(() -> new TooManyScheduledException(max));
        } catch (RuntimeException e) {
            releaseKey.run();
            throw e;
        }
    }

    @Override
    public Optional<ScheduledPush> reschedule(String scheduledId, Instant at, Recurrence recurrence) {
        return scheduled.reschedule(scheduledId, at, recurrence);
    }

    @Override
    public boolean cancel(String scheduledId) {
        return scheduled.cancel(scheduledId);
    }

    @Override
    public List<ScheduledPush> scheduled() {
        return scheduled.pending(config.scheduledMaxPending());
    }
}
