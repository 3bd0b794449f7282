package io.pushhub.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.PushResult;
import io.pushhub.Pusher;
import io.pushhub.ScheduledPush;
import io.pushhub.Target;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.json.JsonValue;
import java.io.Serializable;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pending limit holds under concurrent requests, and every way a push stops pending (fire, cancel, a timer that
 * could not be created) frees its slot exactly once. Runs the bean's code without a container: an in-memory timer
 * service and a hub that records what it was asked to push.
 */
class ScheduledPushesTest {

    private static final Target TOPIC = new Target.Topics(List.of("news"));
    private static final Instant LATER = Instant.now().plusSeconds(3600);

    /** Timers stay here until the test cancels them (firing is the test calling {@code fire}). */
    private final ConcurrentLinkedQueue<Timer> live = new ConcurrentLinkedQueue<>();

    private final AtomicInteger created = new AtomicInteger();
    private final AtomicBoolean failCreation = new AtomicBoolean();
    private final ConcurrentLinkedQueue<String> pushed = new ConcurrentLinkedQueue<>();
    private final ScheduledPushes scheduled = new ScheduledPushes();
    private ExecutorService pool;

    ScheduledPushesTest() {
        scheduled.timers = timerService();
        scheduled.pusher = new Pusher() {
            private final AtomicInteger ids = new AtomicInteger();

            @Override
            public PushResult push(Target target, JsonValue data) {
                return push(target, data, newMessageId());
            }

            @Override
            public PushResult push(Target target, JsonValue data, String messageId) {
                pushed.add(messageId);
                return new PushResult(messageId, 1, null, null);
            }

            @Override
            public PushResult push(io.pushhub.Push push) {
                return push(push.target(), push.data(), push.messageId() != null ? push.messageId() : newMessageId());
            }

            @Override
            public String newMessageId() {
                return "m-test-" + ids.incrementAndGet();
            }

            @Override
            public NodeTopic nodeTopic(String topic) {
                throw new UnsupportedOperationException();
            }

            @Override
            public ScheduledPush schedule(Target target, JsonValue data, Instant at) {
                throw new UnsupportedOperationException("the bean under test schedules");
            }

            @Override
            public ScheduledPush schedule(io.pushhub.Push push, Instant at) {
                throw new UnsupportedOperationException("the bean under test schedules");
            }

            @Override
            public boolean cancel(String scheduledId) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<ScheduledPush> scheduled() {
                throw new UnsupportedOperationException();
            }
        };
    }

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void manyConcurrentRequestsNeverExceedTheLimit() throws Exception {
        int max = 1000;
        int threads = 32;
        int perThread = 100; // 3200 requests for 1000 slots, all at once
        pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
                start.await();
                int accepted = 0;
                for (int i = 0; i < perThread; i++) {
                    if (scheduled.schedule(TOPIC, JsonValue.TRUE, LATER, max).isPresent()) {
                        accepted++;
                    }
                }
                return accepted;
            }));
        }
        start.countDown();
        int accepted = 0;
        for (Future<Integer> f : results) {
            accepted += f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(max, accepted, "accepted pushes");
        assertEquals(max, scheduled.pendingCount());
        assertEquals(max, scheduled.pending().size());
        assertEquals(max, created.get(), "timers created");
    }

    @Test
    void concurrentCancelsAndFiresFreeEachSlotOnce() throws Exception {
        int max = 500;
        List<ScheduledPush> entries = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            entries.add(scheduled.schedule(TOPIC, JsonValue.TRUE, LATER, max).orElseThrow());
        }
        assertTrue(scheduled.schedule(TOPIC, JsonValue.TRUE, LATER, max).isEmpty(), "full");
        // Every push is cancelled and fired at the same time: each one is either delivered or cancelled.
        pool = Executors.newFixedThreadPool(8);
        List<Future<Boolean>> cancels = new ArrayList<>();
        List<Timer> timers = new ArrayList<>(live);
        CountDownLatch start = new CountDownLatch(1);
        for (int i = 0; i < max; i++) {
            String id = entries.get(i).id();
            Timer timer = timers.get(i);
            cancels.add(pool.submit(() -> {
                start.await();
                return scheduled.cancel(id);
            }));
            pool.submit(() -> {
                start.await();
                scheduled.fire(timer);
                return null;
            });
        }
        start.countDown();
        int cancelled = 0;
        for (Future<Boolean> f : cancels) {
            cancelled += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        assertEquals(max, cancelled + pushed.size(), "each push delivered or cancelled, never both, never neither");
        assertEquals(0, scheduled.pendingCount());
        assertEquals(List.of(), scheduled.pending());
        for (int i = 0; i < max; i++) {
            assertTrue(
                    scheduled.schedule(TOPIC, JsonValue.TRUE, LATER, max).isPresent(), "slot " + i + " is free again");
        }
    }

    @Test
    void aFiredOrCancelledPushFreesItsSlotAndCannotBeCancelledAgain() {
        ScheduledPush a = scheduled.schedule(TOPIC, JsonValue.TRUE, LATER, 2).orElseThrow();
        scheduled.schedule(TOPIC, JsonValue.TRUE, LATER, 2).orElseThrow();
        assertEquals(Optional.empty(), scheduled.schedule(TOPIC, JsonValue.TRUE, LATER, 2));

        scheduled.fire(live.peek());
        assertEquals(List.of(a.messageId()), List.copyOf(pushed), "the first push was delivered");
        assertFalse(scheduled.cancel(a.id()), "a delivered push cannot be cancelled");
        ScheduledPush c = scheduled.schedule(TOPIC, JsonValue.TRUE, LATER, 2).orElseThrow();

        assertTrue(scheduled.cancel(c.id()));
        assertFalse(scheduled.cancel(c.id()), "cancelled twice");
        assertEquals(1, scheduled.pendingCount());
        assertTrue(scheduled.schedule(TOPIC, JsonValue.TRUE, LATER, 2).isPresent());
    }

    @Test
    void aTimerThatCannotBeCreatedFreesItsSlot() {
        failCreation.set(true);
        assertThrows(IllegalStateException.class, () -> scheduled.schedule(TOPIC, JsonValue.TRUE, LATER, 1));
        assertEquals(0, scheduled.pendingCount());
        assertEquals(List.of(), scheduled.pending());
        failCreation.set(false);
        assertTrue(scheduled.schedule(TOPIC, JsonValue.TRUE, LATER, 1).isPresent());
    }

    // ---------------------------------------------------------------- an in-memory TimerService

    private TimerService timerService() {
        return (TimerService) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {TimerService.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "createSingleActionTimer" -> {
                        if (failCreation.get()) {
                            throw new IllegalStateException("timer service unavailable");
                        }
                        created.incrementAndGet();
                        Timer t = timer(((TimerConfig) args[1]).getInfo());
                        live.add(t);
                        yield t;
                    }
                    case "getTimers" -> new ArrayList<>(live);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Timer timer(Serializable info) {
        Timer[] self = new Timer[1];
        self[0] = (Timer) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Timer.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getInfo" -> info;
                    case "cancel" -> {
                        live.remove(self[0]);
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return self[0];
    }
}
