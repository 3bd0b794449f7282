package io.pushhub;

import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;

/**
 * Pushes messages to clients: the one way into the hub for the REST API, the timers, and any application deployed in
 * the same server ({@code @Inject Pusher pusher}). An application-scoped CDI bean.
 *
 * <p><b>Threading.</b> Every method may be called from any thread, concurrently. A push never blocks on a client: it
 * encodes the message once and queues it for each recipient on this node (a recipient whose queue is full is
 * disconnected as a slow consumer, the others are not delayed), then hands it to the broker for the other nodes.
 *
 * <p><b>Ordering and delivery.</b> At most once per connection; in order per connection for pushes made from one
 * thread of one node. Pushes to a topic with history get consecutive offsets, and this node's subscribers see them in
 * offset order.
 *
 * <p><b>Inside a JTA transaction</b> (an EJB method, a {@code @Transactional} bean, an EJB timer callback of the
 * application) every {@code push} waits for the commit and is dropped on rollback (see {@link #push(Push)}); a push
 * {@link #schedule scheduled} there starts only at the commit. At most {@code pushhub.transaction.max-pushes} pushes
 * per transaction ({@link TooManyDeferredPushesException} beyond). Node topics are never held back. See
 * docs/embedding.md.
 *
 * <p><b>When the broker is down</b> (Redis unreachable): this node's connections still get the message and the
 * {@link PushResult} says {@code cluster: unavailable} with the reason; nothing is thrown, nothing is retried, and a
 * history topic's message is then kept in no history.
 */
public interface Pusher {

    /** Pushes {@code data} to a target now, on every node. */
    PushResult push(Target target, JsonValue data);

    /**
     * As {@link #push(Target, JsonValue)} with a message id minted earlier by {@link #newMessageId()} (for example
     * when the push was scheduled, so the id announced then is the one clients see).
     */
    PushResult push(Target target, JsonValue data, String messageId);

    /**
     * Pushes with options: an idempotency key, an expiry, a message id minted earlier. A duplicate (same idempotency key
     * within the window, on any node) is not delivered again: the answer carries the first push's message id and
     * {@link PushResult#duplicate()} true. An already expired push is not delivered (reached 0).
     *
     * <p><b>When the broker is down</b>, a push with an idempotency key is not delivered at all (not even to this node's
     * connections), since whether it is a repeat cannot be known: {@link IdempotencyUnavailableException} is thrown and
     * a retry with the same key is safe. Without a key, as {@link #push(Target, JsonValue)}.
     *
     * <p><b>Inside a JTA transaction</b> (an EJB method, a {@code @Transactional} bean) the push is held back until the
     * transaction commits and dropped when it rolls back; the answer then says {@link PushResult#deferred()} and counts
     * nothing reached yet.
     */
    PushResult push(Push push);

    /** A fresh message id, unique in the cluster ({@code m-<node>-<sequence>}). */
    String newMessageId();

    /**
     * A topic that every node feeds for its own subscribers only (e.g. a per-node clock): its pushes are not sent to
     * the other nodes and it keeps no history, so subscribe acks carry no position and messages no offsets. Declare it
     * before the first client subscribes (e.g. in a {@code @Startup} bean); declaring it again returns an equivalent
     * handle.
     */
    NodeTopic nodeTopic(String topic);

    /**
     * Schedules a push for {@code at} (which may be in the past: it is then delivered at once). Scheduled pushes are
     * stored in the scheduled-push database ({@code pushhub.scheduled.jdbc-url}): they survive a restart and fire once
     * in a cluster sharing that database (docs/scheduling.md).
     *
     * @throws TooManyScheduledException when {@code pushhub.scheduled.max-pending} pushes are pending already
     */
    ScheduledPush schedule(Target target, JsonValue data, Instant at);

    /**
     * Schedules a push with options for {@code at}. With an idempotency key, a repeat within the window (counted from
     * {@code at}: the key is held until {@code at} plus {@code pushhub.idempotency.window}) schedules nothing and
     * answers with the first scheduling's ids and {@link ScheduledPush#duplicate()} true. With an expiry, a push whose
     * timer fires after it is not delivered.
     *
     * @throws TooManyScheduledException when {@code pushhub.scheduled.max-pending} pushes are pending already (the key
     *     is then given up again)
     * @throws IdempotencyUnavailableException when the push has a key and the broker (Redis) cannot be asked
     * @throws IllegalArgumentException when the push has an {@link Push#exceptConnection()}: exclusion is for a push
     *     made now
     * @throws SchedulerUnavailableException when the scheduled-push database cannot be used (nothing was scheduled)
     */
    ScheduledPush schedule(Push push, Instant at);

    /**
     * Schedules a recurring push: it fires at each time of {@code recurrence} from now on, each time with a message id
     * of its own, until {@code recurrence.until()} or a {@link #cancel}. The push's own expiry is ignored (use {@link
     * Recurrence#ttl()}); an idempotency key works as for {@link #schedule(Push, Instant)}, held until the first firing
     * plus the window. Firings missed while no node ran are coalesced into one, as soon as a node runs again.
     *
     * @throws IllegalArgumentException when the expression is invalid or never fires (before {@code until})
     * @throws TooManyScheduledException when {@code pushhub.scheduled.max-pending} pushes are pending already
     * @throws SchedulerUnavailableException when the scheduled-push database cannot be used (nothing was scheduled)
     */
    ScheduledPush schedule(Push push, Recurrence recurrence);

    /**
     * Moves a pending push to a new time ({@code recurrence} null: it fires once, at {@code at}) or a new recurrence
     * ({@code at} null). It keeps its id, target and data; a new message id is minted for its next firing.
     *
     * @return the push as rescheduled, or empty when no pending push has this id
     * @throws IllegalStateException when the push is firing at this moment (retry)
     * @throws IllegalArgumentException when both or neither of {@code at} and {@code recurrence} are given, or the
     *     recurrence is invalid
     */
    java.util.Optional<ScheduledPush> reschedule(String scheduledId, Instant at, Recurrence recurrence);

    /**
     * Cancels a scheduled push. Of a cancel racing the push's time, exactly one wins: the push is either delivered or
     * cancelled, never both.
     *
     * @return false when no pending push has this id (unknown, delivered or cancelled already)
     */
    boolean cancel(String scheduledId);

    /** The pending scheduled pushes of the whole cluster (they share one database), soonest first (a snapshot). */
    List<ScheduledPush> scheduled();

    /** A topic fed by each node for its own subscribers ({@link #nodeTopic}). */
    interface NodeTopic {

        String name();

        /** Whether any connection of this node is subscribed (to skip building a message nobody receives). */
        boolean hasSubscribers();

        /** Pushes to this node's subscribers. @return how many connections' queues accepted it */
        int push(JsonValue data);
    }
}
