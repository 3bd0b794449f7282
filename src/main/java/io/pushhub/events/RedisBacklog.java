package io.pushhub.events;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.pushhub.HubEvent;
import io.pushhub.broker.BrokerUnavailableException;
import io.pushhub.broker.redis.RedisLink;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One URL's backlog in the cluster's Redis stream ({@code <prefix>:ev:stream}, written by {@code ledger.lua}): durable
 * across node restarts. One node at a time sends for the URL: the holder of its lease ({@code ev:hook:{h}:lease}, a
 * few seconds, renewed at every step). It reads the stream after the URL's cursor ({@code ev:hook:{h}:cursor}) and moves
 * the cursor once a batch is done, so batches go out in stream order. When the sender dies, another node takes the
 * lease when it runs out and starts again at the cursor: a batch in flight at the crash is sent again (at least once;
 * receivers drop repeats by event id or sequence). A lease rather than a consumer group: a group spreads entries over
 * its consumers, and one URL's events must go out in order, one batch at a time.
 */
final class RedisBacklog implements Backlog {

    private static final Logger LOG = Logger.getLogger(RedisBacklog.class.getName());

    private static final String HOLD = "local v = redis.call('GET', KEYS[1]) "
            + "if v == ARGV[1] or (not v and redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])) then "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end return 0";
    private static final String MOVE =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2]) return 1 end return 0";

    private final RedisLink link;
    private final String stream;
    private final String lease;
    private final String cursor;
    private final String node;
    private final long leaseMillis;
    private String lastIdOfBatch;

    /**
     * @param urlKey a short stable name of the URL (a hash), the same on every node
     * @param leaseMillis how long a silent sender keeps the URL (then another node takes over)
     */
    RedisBacklog(RedisLink link, String prefix, String urlKey, String node, long leaseMillis) {
        this.link = link;
        this.stream = prefix + ":ev:stream";
        this.lease = prefix + ":ev:hook:{" + urlKey + "}:lease";
        this.cursor = prefix + ":ev:hook:{" + urlKey + "}:cursor";
        this.node = node;
        this.leaseMillis = leaseMillis;
    }

    @Override
    public List<HubEvent> head(int max) throws BrokerUnavailableException {
        RedisCommands<String, String> redis = link.sync();
        Long held = redis.eval(HOLD, ScriptOutputType.INTEGER, new String[] {lease}, node, Long.toString(leaseMillis));
        if (held == null || held != 1L) {
            return List.of();
        }
        String after = redis.get(cursor);
        Range<String> range = after == null
                ? Range.create("-", "+")
                : Range.from(Range.Boundary.excluding(after), Range.Boundary.unbounded());
        List<StreamMessage<String, String>> entries = redis.xrange(stream, range, Limit.from(max));
        List<HubEvent> out = new ArrayList<>(entries.size());
        for (StreamMessage<String, String> m : entries) {
            lastIdOfBatch = m.getId();
            try {
                out.add(EventJson.fromFields(m.getId(), m.getBody()));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "skipping unreadable hub event " + m.getId() + " in " + stream, e);
            }
        }
        if (out.isEmpty() && !entries.isEmpty()) {
            acknowledge(out); // only unreadable entries: move past them
        }
        return out;
    }

    @Override
    public void acknowledge(List<HubEvent> batch) throws BrokerUnavailableException {
        if (lastIdOfBatch != null) {
            link.sync().eval(MOVE, ScriptOutputType.INTEGER, new String[] {lease, cursor}, node, lastIdOfBatch);
        }
    }

    /** Entries in the stream (delivered or not; it keeps the last {@code pushhub.webhook.max-queued}). */
    @Override
    public long depth() {
        try {
            return link.sync().xlen(stream);
        } catch (BrokerUnavailableException | RuntimeException e) {
            return -1;
        }
    }

    /** Lets another node take the URL at once instead of after the lease. */
    @Override
    public void stop() {
        try {
            link.sync()
                    .eval(
                            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
                            ScriptOutputType.INTEGER,
                            new String[] {lease},
                            node);
        } catch (BrokerUnavailableException | RuntimeException e) {
            LOG.fine(() -> "webhook lease " + lease + " not released (it expires): " + e);
        }
    }
}
