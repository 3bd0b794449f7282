package io.pushhub.hub;

import io.pushhub.Push;
import io.pushhub.PushResult;
import io.pushhub.Pusher;
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

/** The {@link Pusher} bean: pushes go to the hub's cluster relay; schedules to the {@link ScheduledPushes} timers. */
@ApplicationScoped
public class HubPusher implements Pusher {

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
        return hub.relay().push(push, id);
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
        int max = config.scheduledMaxPending();
        ScheduledPush p =
                scheduled.schedule(target, data, at, max).orElseThrow(() -> new TooManyScheduledException(max));
        // Its timer is created in the caller's transaction, if any, and so starts at the commit (EJB timers are
        // transactional); after a rollback the pending entry must go too.
        transactional.onRollback(() -> scheduled.forget(p.id()));
        return p;
    }

    @Override
    public ScheduledPush schedule(Push push, Instant at) {
        Objects.requireNonNull(push, "push");
        Objects.requireNonNull(at, "at");
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
        ScheduledPush p;
        try {
            p = scheduled
                    .schedule(id, messageId, push.target(), push.data(), at, push.expiresAt(), max)
                    .orElseThrow(() -> new TooManyScheduledException(max));
        } catch (RuntimeException e) {
            if (key != null) {
                hub.relay().release(key, value); // nothing was scheduled: a retry must not be taken for a repeat
            }
            throw e;
        }
        // In a transaction its timer starts at the commit (EJB timers are transactional); after a rollback the pending
        // entry goes, and so does the key, so that the caller's retry is not taken for a repeat.
        String claimed = value;
        transactional.onRollback(() -> {
            scheduled.forget(p.id());
            if (key != null) {
                hub.relay().release(key, claimed);
            }
        });
        return p;
    }

    @Override
    public boolean cancel(String scheduledId) {
        return scheduled.cancel(scheduledId);
    }

    @Override
    public List<ScheduledPush> scheduled() {
        return scheduled.pending();
    }
}
