package io.pushhub.hub;

import io.pushhub.Push;
import io.pushhub.PushResult;
import io.pushhub.TooManyDeferredPushesException;
import io.pushhub.config.HubConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pushes made inside a JTA transaction wait for its commit (issue #11, point 4): {@link HubPusher} asks {@link
 * #holdBack} first, which, when the calling thread has an active transaction (an EJB method, a {@code @Transactional}
 * CDI bean, an EJB timer callback of the application), keeps the push in that transaction's {@link Batch} and answers
 * {@link PushResult#deferred()} with the message id it minted, so the caller can log the id clients will see. The
 * batch is an interposed {@link Synchronization} of the transaction: after a commit it delivers its pushes, in the
 * order they were made, on the thread that completed the transaction; after a rollback it drops them. Nothing is
 * delivered before the commit and nothing after a rollback.
 *
 * <p>Outside a transaction (REST requests, WebSocket threads, the hub's own timers, which run with {@code
 * NOT_SUPPORTED}) a push goes out at once, as before. A transaction already marked for rollback drops its pushes at
 * once (they would be dropped at its end anyway).
 *
 * <p><b>Bounded.</b> One transaction holds at most {@code pushhub.transaction.max-pushes} pushes (the messages
 * themselves, so memory is that count times the payloads); the push after that throws {@link
 * TooManyDeferredPushesException}, which names the key and, thrown out of an EJB method or a {@code @Transactional}
 * bean, rolls the transaction back.
 *
 * <p>Liberty: {@code enterpriseBeansLite-4.0} (which pushhub needs for its timers) brings the protected {@code
 * transaction-2.0} feature, and with {@code cdi-4.0} that enables the auto-feature that provides the {@code
 * @Transactional} interceptors; Payara has both built in. See docs/embedding.md.
 */
@ApplicationScoped
public class TransactionalPushes {

    private static final Logger LOG = Logger.getLogger(TransactionalPushes.class.getName());
    private static final String REGISTRY = "java:comp/TransactionSynchronizationRegistry";

    @Inject
    HubConfig config;

    /** Injected once, when the bean is made (a java:comp lookup on a thread of no application could fail later). */
    @Resource(lookup = REGISTRY)
    TransactionSynchronizationRegistry registry;

    private int maxPerTransaction;

    /** The resource key of a transaction's batch: this bean's own object, so two applications never share one. */
    private final Object batchKey = new Object();

    @PostConstruct
    void init() {
        maxPerTransaction = config.transactionMaxPushes();
    }

    /** For unit tests: a registry of the test's making. */
    static TransactionalPushes with(TransactionSynchronizationRegistry registry, int maxPerTransaction) {
        TransactionalPushes t = new TransactionalPushes();
        t.registry = registry;
        t.maxPerTransaction = maxPerTransaction;
        return t;
    }

    /**
     * Holds a push back when the calling thread is in a transaction.
     *
     * @param push the push as the caller made it
     * @param newMessageId mints the message id when the push has none, so the answer can carry it
     * @param deliver delivers the push (with its message id) after the commit; called on the thread that completes
     *     the transaction, outside it
     * @return null when there is no transaction (deliver now); else the deferred answer
     * @throws TooManyDeferredPushesException beyond {@code pushhub.transaction.max-pushes} in one transaction
     * @throws IllegalStateException when the transaction is completing and takes no more synchronizations (a push
     *     from a {@code beforeCompletion} callback registered too late)
     */
    public PushResult holdBack(Push push, Supplier<String> newMessageId, Function<Push, PushResult> deliver) {
        if (registry == null) {
            return null;
        }
        int status = registry.getTransactionStatus();
        switch (status) {
            case Status.STATUS_ACTIVE, Status.STATUS_PREPARING, Status.STATUS_PREPARED, Status.STATUS_COMMITTING -> {
                Push withId = push.messageId() != null ? push : push.withMessageId(newMessageId.get());
                batch().add(withId, deliver);
                return deferred(withId.messageId());
            }
            case Status.STATUS_MARKED_ROLLBACK, Status.STATUS_ROLLING_BACK, Status.STATUS_ROLLEDBACK -> {
                String id = push.messageId() != null ? push.messageId() : newMessageId.get();
                LOG.fine(() -> "push " + id + " dropped: its transaction rolls back");
                return deferred(id);
            }
            default -> {
                return null; // no transaction, or one that has committed already (e.g. an afterCompletion callback)
            }
        }
    }

    /**
     * Runs {@code action} when the calling thread's transaction rolls back (at once never: only after a rollback).
     *
     * @return false when the thread has no transaction (nothing was registered)
     */
    public boolean onRollback(Runnable action) {
        if (registry == null || registry.getTransactionStatus() != Status.STATUS_ACTIVE) {
            return false;
        }
        batch().onRollback(action);
        return true;
    }

    /**
     * Runs {@code action} after the calling thread's transaction commits (on the thread that completes it, outside
     * it, after the transaction's held pushes); an exception from it is logged, never thrown to the committer.
     *
     * @return false when the thread has no transaction (nothing was registered: run it now yourself)
     */
    public boolean onCommit(Runnable action) {
        if (registry == null || registry.getTransactionStatus() != Status.STATUS_ACTIVE) {
            return false;
        }
        batch().onCommit(action);
        return true;
    }

    private static PushResult deferred(String messageId) {
        return new PushResult(messageId, 0, null, null, false, true);
    }

    private Batch batch() {
        Batch b = (Batch) registry.getResource(batchKey);
        if (b == null) {
            b = new Batch(maxPerTransaction);
            registry.registerInterposedSynchronization(b);
            registry.putResource(batchKey, b);
        }
        return b;
    }

    /** The pushes of one transaction, delivered after its commit. */
    static final class Batch implements Synchronization {

        private record Held(Push push, Function<Push, PushResult> deliver) {}

        private final int max;
        private final List<Held> held = new ArrayList<>();
        private final List<Runnable> rollbackActions = new ArrayList<>(0);
        private final List<Runnable> commitActions = new ArrayList<>(0);

        Batch(int max) {
            this.max = max;
        }

        synchronized void add(Push push, Function<Push, PushResult> deliver) {
            if (held.size() >= max) {
                throw new TooManyDeferredPushesException(max);
            }
            held.add(new Held(push, deliver));
        }

        synchronized void onRollback(Runnable action) {
            rollbackActions.add(action);
        }

        synchronized void onCommit(Runnable action) {
            commitActions.add(action);
        }

        @Override
        public void beforeCompletion() {}

        @Override
        public void afterCompletion(int status) {
            List<Held> pushes;
            List<Runnable> actions;
            List<Runnable> afterCommit;
            synchronized (this) {
                pushes = List.copyOf(held);
                actions = List.copyOf(rollbackActions);
                afterCommit = List.copyOf(commitActions);
                held.clear();
                rollbackActions.clear();
                commitActions.clear();
            }
            if (status != Status.STATUS_COMMITTED) {
                if (!pushes.isEmpty()) {
                    LOG.fine(() -> pushes.size() + " push(es) dropped: their transaction rolled back");
                }
                for (Runnable action : actions) {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "rollback action failed", e);
                    }
                }
                return;
            }
            for (Held h : pushes) {
                // Each push on its own: one failure (e.g. a bad target) must not lose the others of the commit, and an
                // exception out of afterCompletion would reach the committer as a strange error after a good commit.
                try {
                    h.deliver().apply(h.push());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "push " + h.push().messageId() + " after commit failed", e);
                }
            }
            for (Runnable action : afterCommit) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "action after commit failed", e);
                }
            }
        }
    }
}
