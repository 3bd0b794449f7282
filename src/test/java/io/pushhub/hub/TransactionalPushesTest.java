package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.Push;
import io.pushhub.PushResult;
import io.pushhub.Target;
import io.pushhub.TooManyDeferredPushesException;
import jakarta.json.Json;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Pushes in a transaction wait for its commit, in their order; a rollback drops them; one transaction is bounded. */
class TransactionalPushesTest {

    /** One transaction at a time, driven by the test. */
    static final class FakeRegistry implements TransactionSynchronizationRegistry {
        int status = Status.STATUS_NO_TRANSACTION;
        final Map<Object, Object> resources = new HashMap<>();
        final List<Synchronization> syncs = new ArrayList<>();

        void begin() {
            status = Status.STATUS_ACTIVE;
        }

        void end(int outcome) {
            status = outcome;
            syncs.forEach(s -> s.afterCompletion(outcome));
            syncs.clear();
            resources.clear();
            status = Status.STATUS_NO_TRANSACTION;
        }

        @Override
        public Object getTransactionKey() {
            return status == Status.STATUS_NO_TRANSACTION ? null : this;
        }

        @Override
        public void putResource(Object key, Object value) {
            resources.put(key, value);
        }

        @Override
        public Object getResource(Object key) {
            return resources.get(key);
        }

        @Override
        public void registerInterposedSynchronization(Synchronization sync) {
            syncs.add(sync);
        }

        @Override
        public int getTransactionStatus() {
            return status;
        }

        @Override
        public void setRollbackOnly() {
            status = Status.STATUS_MARKED_ROLLBACK;
        }

        @Override
        public boolean getRollbackOnly() {
            return status == Status.STATUS_MARKED_ROLLBACK;
        }
    }

    private final FakeRegistry tx = new FakeRegistry();
    private final TransactionalPushes pushes = TransactionalPushes.with(tx, 3);
    private final List<String> delivered = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final Function<Push, PushResult> deliver = p -> {
        delivered.add(p.messageId() + ":" + p.data());
        return new PushResult(p.messageId(), 1, null, null);
    };

    private PushResult push(String data) {
        return pushes.holdBack(
                Push.to(Target.topic("t"), Json.createValue(data)), () -> "m-" + ids.incrementAndGet(), deliver);
    }

    @Test
    void outsideATransactionNothingIsHeldBack() {
        assertNull(push("now"));
        assertEquals(0, ids.get(), "no id minted: the caller delivers at once");
    }

    @Test
    void aCommitDeliversThePushesInTheirOrderWithTheIdsAnnouncedAtTheCall() {
        tx.begin();
        PushResult first = push("a");
        PushResult second = push("b");
        assertTrue(first.deferred() && second.deferred());
        assertEquals(0, first.reached());
        assertEquals(List.of(), delivered, "nothing before the commit");
        tx.end(Status.STATUS_COMMITTED);
        assertEquals(List.of(first.messageId() + ":\"a\"", second.messageId() + ":\"b\""), delivered);
    }

    @Test
    void aRollbackDropsThePushesAndRunsTheRollbackActions() {
        tx.begin();
        push("a");
        List<String> rolledBack = new ArrayList<>();
        assertTrue(pushes.onRollback(() -> rolledBack.add("forget")));
        tx.end(Status.STATUS_ROLLEDBACK);
        assertEquals(List.of(), delivered);
        assertEquals(List.of("forget"), rolledBack);
        tx.begin();
        pushes.onRollback(() -> rolledBack.add("again"));
        tx.end(Status.STATUS_COMMITTED);
        assertEquals(List.of("forget"), rolledBack, "no rollback action after a commit");
    }

    @Test
    void aTransactionMarkedForRollbackDropsAPushAtOnce() {
        tx.begin();
        tx.setRollbackOnly();
        PushResult r = push("doomed");
        assertTrue(r.deferred());
        assertEquals(List.of(), tx.syncs);
        tx.end(Status.STATUS_ROLLEDBACK);
        assertEquals(List.of(), delivered);
    }

    @Test
    void morePushesThanTheBoundFailNamingTheKeyAndTheNextTransactionStartsAfresh() {
        tx.begin();
        push("1");
        push("2");
        push("3");
        TooManyDeferredPushesException e = assertThrows(TooManyDeferredPushesException.class, () -> push("4"));
        assertTrue(e.getMessage().contains("pushhub.transaction.max-pushes"), e.getMessage());
        assertEquals(3, e.limit());
        tx.end(Status.STATUS_ROLLEDBACK);
        tx.begin();
        push("5");
        tx.end(Status.STATUS_COMMITTED);
        assertEquals(1, delivered.size(), "one batch per transaction: " + delivered);
    }

    @Test
    void oneFailingPushDoesNotLoseTheOthersOfTheCommit() {
        tx.begin();
        pushes.holdBack(Push.to(Target.topic("t"), Json.createValue("bad")), () -> "m-bad", p -> {
            throw new IllegalArgumentException("boom");
        });
        push("good");
        tx.end(Status.STATUS_COMMITTED);
        assertEquals(1, delivered.size(), "the good push after the failing one: " + delivered);
    }
}
