package io.pushhub.tracing;

import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.redis.RedisLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The cluster's trace journal in Redis: one list per message, {@code <prefix>:trace:{<messageId>}}, every node
 * appending its entries (JSON) with {@code RPUSH} and renewing the list's expiry to the retention with {@code PEXPIRE}.
 *
 * <p>Appends are asynchronous (Lettuce) and never wait: while Redis is away, or while {@link #MAX_IN_FLIGHT} appends
 * are still unanswered, an entry is not sent (it stays in the node's own journal) and counted in {@link #lost()}. A
 * read is synchronous, on the REST request's thread, bounded by the Redis time-out.
 */
public final class RedisTraceJournal implements TraceJournal.Remote {

    private static final Logger LOG = Logger.getLogger(RedisTraceJournal.class.getName());
    /** Appends sent and not answered yet, at most; past it entries stay local (bounded memory while Redis is slow). */
    static final int MAX_IN_FLIGHT = 10_000;

    private final RedisLink link;
    private final String prefix;
    private final long retentionMillis;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong lost = new AtomicLong();

    public RedisTraceJournal(RedisLink link, String prefix, Duration retention) {
        this.link = link;
        this.prefix = prefix;
        this.retentionMillis = Math.max(1000, retention.toMillis());
    }

    String key(String messageId) {
        return prefix + ":trace:{" + messageId + "}";
    }

    @Override
    public void append(String messageId, TraceEntry entry) {
        StatefulRedisConnection<String, String> c = link.connectionOrNull();
        if (c == null || inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            if (c != null) {
                inFlight.decrementAndGet();
            }
            lost.incrementAndGet();
            return;
        }
        try {
            RedisAsyncCommands<String, String> r = c.async();
            String key = key(messageId);
            r.rpush(key, entry.toJson().toString());
            r.pexpire(key, retentionMillis).whenComplete((ok, e) -> {
                inFlight.decrementAndGet();
                if (e != null) {
                    lost.incrementAndGet();
                    LOG.fine(() -> "trace journal entry of " + messageId + " not stored in Redis: " + e);
                }
            });
        } catch (RuntimeException e) {
            // a journal entry is diagnostics: losing it must never disturb delivery
            inFlight.decrementAndGet();
            lost.incrementAndGet();
        }
    }

    @Override
    public List<TraceEntry> read(String messageId) {
        try {
            List<String> raw = link.sync().lrange(key(messageId), 0, -1);
            List<TraceEntry> entries = new ArrayList<>(raw.size());
            for (String s : raw) {
                TraceEntry e = TraceEntry.parse(s);
                if (e != null) {
                    entries.add(e);
                }
            }
            return entries;
        } catch (BrokerUnavailableException e) {
            throw new IllegalStateException("the cluster's trace journal (Redis) cannot be read: " + e.getMessage(), e);
        } catch (RedisException e) {
            throw new IllegalStateException("the cluster's trace journal (Redis) cannot be read: " + e.getMessage(), e);
        }
    }

    /** Entries not stored in Redis (Redis away or too slow). */
    public long lost() {
        return lost.get();
    }
}
