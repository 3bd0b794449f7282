package io.pushhub.receipts;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.DeliveryReceipts.State;
import io.pushhub.broker.redis.RedisLink;
import io.pushhub.testsupport.RedisSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The receipt store contract against {@link RedisReceiptStore} on a real Redis (the CI Redis at 127.0.0.1:6379), under
 * a key prefix of its own that is deleted afterwards; two stores on two links play two nodes. Skipped without {@code
 * -Predis}. Alone: {@code mvn test -Predis -Dtest='*ReceiptStore*'}.
 */
class RedisReceiptStoreContractIT extends ReceiptStoreContract {

    private final String prefix = RedisSupport.runPrefix() + "-receipts-" + System.nanoTime();
    private final List<RedisLink> links = new ArrayList<>();

    @BeforeAll
    static void needRedis() {
        RedisSupport.requireSharedRedis();
    }

    @AfterEach
    void closeLinksAndRemoveKeys() throws Exception {
        links.forEach(RedisLink::stop);
        RedisLink cleaner = connected();
        try {
            RedisSupport.deleteKeys(cleaner.sync(), prefix + ":*");
        } finally {
            cleaner.stop();
        }
    }

    private static RedisLink connected() throws Exception {
        RedisLink link = new RedisLink(RedisSupport.sharedUri(), Duration.ofSeconds(2));
        link.start();
        RedisSupport.await(
                "receipt store connected",
                Duration.ofSeconds(15),
                () -> link.status().up());
        return link;
    }

    @Override
    protected ReceiptStore newStore(String node, int maxRecipients) throws Exception {
        RedisLink link = connected();
        links.add(link);
        return new RedisReceiptStore(link, prefix, RETENTION, maxRecipients);
    }

    @Override
    protected boolean sharedAcrossNodes() {
        return true;
    }

    @Test
    void eachMessageIsOneHashThatExpiresAfterTheRetention() throws Exception {
        RedisReceiptStore s = (RedisReceiptStore) newStore("n1", 10);
        String m = id("m");
        s.note(m, new ReceiptStore.Who("c1", "alice", "n1"), State.WRITTEN, 1, null);
        s.pushed(m, 2, "n1");
        var redis = links.get(0).sync();
        RedisSupport.await("the hash", Duration.ofSeconds(10), () -> redis.exists(s.key(m)) == 1);
        long ttl = redis.pttl(s.key(m));
        assertTrue(ttl > 0 && ttl <= RETENTION.toMillis(), "expires after the retention: " + ttl);
        assertTrue(s.lostWrites() == 0);
    }
}
