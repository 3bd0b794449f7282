package io.pushhub.testsupport;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Deletes this run's keys (those under {@link RedisSupport#runPrefix()}) from the shared Redis when the test run ends,
 * so CI's Redis does not collect epochs and presence hashes of old runs. Touches nothing outside the prefix; does
 * nothing without {@code -Predis}. Registered in META-INF/services.
 */
public final class RedisCleanup implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (!RedisSupport.enabled()) {
            return;
        }
        RedisURI uri = RedisURI.create(RedisSupport.sharedUri());
        uri.setTimeout(Duration.ofSeconds(5));
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            long deleted = RedisSupport.deleteKeys(c.sync(), RedisSupport.runPrefix() + "*");
            System.out.println("[pushhub] removed " + deleted + " Redis key(s) of this test run ("
                    + RedisSupport.runPrefix() + "*)");
        } catch (RuntimeException e) {
            System.out.println("[pushhub] could not remove this run's Redis keys: " + e);
        } finally {
            client.shutdown();
        }
    }
}
