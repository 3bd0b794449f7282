package io.pushhub.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdempotencyMemoryTest {

    @Test
    void aRepeatWithinTheWindowGetsTheFirstValueAndAfterItIsNew() {
        IdempotencyMemory m = new IdempotencyMemory(10);
        assertNull(m.claim("k", "first", 1000, 0));
        assertEquals("first", m.claim("k", "second", 1000, 999), "1 ms before the window ends");
        assertNull(m.claim("k", "third", 1000, 1000), "the window ended: a new first claim");
        assertEquals("third", m.claim("k", "fourth", 1000, 1500));
        assertEquals(1, m.size());
    }

    @Test
    void endedKeysAreDroppedByLaterClaimsWithoutAnyThread() {
        IdempotencyMemory m = new IdempotencyMemory(1000);
        for (int i = 0; i < 100; i++) {
            m.claim("k" + i, "v", 10, i);
        }
        m.claim("late", "v", 10, 1000);
        assertEquals(1, m.size(), "every key whose window ended is gone");
        assertEquals(0, m.evicted().sum(), "dropping ended keys is not eviction");
    }

    @Test
    void whenFullTheOldestKeyIsEvictedAndCounted() {
        IdempotencyMemory m = new IdempotencyMemory(3);
        m.claim("a", "va", 60_000, 1);
        m.claim("b", "vb", 60_000, 2);
        m.claim("c", "vc", 60_000, 3);
        assertNull(m.claim("d", "vd", 60_000, 4));
        assertEquals(3, m.size(), "bounded");
        assertEquals(1, m.evicted().sum());
        assertNull(m.claim("a", "va2", 60_000, 5), "a was evicted: its window was cut short, a repeat is new");
        assertEquals("vc", m.claim("c", "x", 60_000, 6), "c is still held");
        assertEquals(2, m.evicted().sum(), "b went for a");
    }

    @Test
    void aKeyWithALongerWindowOutlivesOlderShortOnes() {
        IdempotencyMemory m = new IdempotencyMemory(2);
        m.claim("scheduled", "s", 1_000_000, 0); // e.g. a push scheduled far ahead
        m.claim("short", "v", 1000, 1);
        m.claim("next", "v", 1000, 2);
        assertEquals("s", m.claim("scheduled", "x", 1000, 3), "the key closest to its end was evicted, not this one");
    }

    @Test
    void releaseOnlyGivesUpTheSameValue() {
        IdempotencyMemory m = new IdempotencyMemory(10);
        m.claim("k", "v1", 1000, 0);
        m.release("k", "other");
        assertEquals("v1", m.claim("k", "v2", 1000, 1));
        m.release("k", "v1");
        assertNull(m.claim("k", "v3", 1000, 2));
    }

    @Test
    void refusesAZeroBound() {
        assertThrows(IllegalArgumentException.class, () -> new IdempotencyMemory(0));
    }

    @Test
    void concurrentClaimsOfOneKeyHaveExactlyOneWinner() throws Exception {
        IdempotencyMemory m = new IdempotencyMemory(100_000);
        int threads = 16;
        int keys = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            ConcurrentHashMap<String, AtomicInteger> winners = new ConcurrentHashMap<>();
            ConcurrentHashMap<String, String> firstValues = new ConcurrentHashMap<>();
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                String me = "t" + t;
                pool.execute(() -> {
                    try {
                        go.await();
                        for (int k = 0; k < keys; k++) {
                            String first = m.claim("k" + k, me, 60_000, 0);
                            if (first == null) {
                                winners.computeIfAbsent("k" + k, x -> new AtomicInteger())
                                        .incrementAndGet();
                                firstValues.merge("k" + k, me, (a, b) -> "conflict");
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.countDown();
                    }
                });
            }
            go.countDown();
            assertEquals(true, done.await(30, TimeUnit.SECONDS));
            assertEquals(keys, winners.size(), "every key claimed");
            winners.forEach((k, n) -> assertEquals(1, n.get(), "exactly one first claim of " + k));
            firstValues.forEach((k, v) -> assertEquals(v, m.claim(k, "late", 60_000, 1), "repeats see the winner"));
        } finally {
            pool.shutdownNow();
        }
    }
}
