package io.pushhub.receipts;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.pushhub.DeliveryReceipts.Recipient;
import io.pushhub.DeliveryReceipts.Sheet;
import io.pushhub.DeliveryReceipts.State;
import io.pushhub.broker.redis.RedisLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The cluster's receipts in Redis: one hash per message, {@code <prefix>:rc:{messageId}}, that expires {@code
 * retention} after its first write. Every node writes the transitions it saw, asynchronously on the link's command
 * connection (Lettuce's pipelining: nothing waits), each write one script run that keeps the recipient bound and
 * first-time-wins; any node reads the whole hash.
 *
 * <p>Fields: {@code p} (accepted at, epoch ms) and {@code pn} (accepting node); {@code n} (recipients listed) and
 * {@code x} (recipients over the bound); per connection {@code c:<id>} ("user\nnode"), {@code w:<id>}, {@code a:<id>}
 * (written, acknowledged: epoch ms) and {@code d:<id>} ("epoch-ms reason").
 *
 * <p>Bounds: the recipients per message ({@code pushhub.receipts.max-recipients}) and the retention; the number of
 * messages is bounded by the retention times the rate of receipt pushes (Redis's {@code maxmemory} is the backstop).
 * A write while Redis is away is lost and counted ({@link #lostWrites()}).
 */
public final class RedisReceiptStore implements ReceiptStore {

    private static final Logger LOG = Logger.getLogger(RedisReceiptStore.class.getName());

    static final String SCRIPT = String.join(
            "\n",
            "local k = KEYS[1]",
            "local fresh = redis.call('EXISTS', k) == 0",
            "local conn, kind = ARGV[1], ARGV[4]",
            "if kind == 'p' then",
            "  redis.call('HSET', k, 'p', ARGV[5], 'pn', ARGV[3])",
            "elseif redis.call('HEXISTS', k, 'c:' .. conn) == 1 then",
            "  if kind ~= 'q' then redis.call('HSETNX', k, kind .. ':' .. conn, ARGV[5]) end",
            "elseif tonumber(redis.call('HGET', k, 'n') or '0') >= tonumber(ARGV[6]) then",
            "  redis.call('HINCRBY', k, 'x', 1)",
            "else",
            "  redis.call('HSET', k, 'c:' .. conn, ARGV[2] .. '\\n' .. ARGV[3])",
            "  redis.call('HINCRBY', k, 'n', 1)",
            "  if kind ~= 'q' then redis.call('HSETNX', k, kind .. ':' .. conn, ARGV[5]) end",
            "end",
            "if fresh then redis.call('PEXPIRE', k, ARGV[7]) end",
            "return 1");

    private final RedisLink link;
    private final String prefix;
    private final long retentionMillis;
    private final int maxRecipients;
    private final AtomicLong lost = new AtomicLong();
    private volatile String digest;

    public RedisReceiptStore(RedisLink link, String prefix, Duration retention, int maxRecipients) {
        this.link = link;
        this.prefix = prefix;
        this.retentionMillis = retention.toMillis();
        this.maxRecipients = maxRecipients;
    }

    String key(String messageId) {
        return prefix + ":rc:{" + messageId + "}";
    }

    @Override
    public void pushed(String messageId, long at, String node) {
        run(messageId, "", "", node, "p", Long.toString(at));
    }

    @Override
    public void note(String messageId, Who who, State state, long at, String reason) {
        String kind = switch (state) {
            case QUEUED -> "q";
            case WRITTEN -> "w";
            case ACKNOWLEDGED -> "a";
            case DROPPED -> "d";
        };
        String value = state == State.DROPPED ? at + " " + reason : Long.toString(at);
        run(messageId, who.connection(), who.user(), who.node(), kind, value);
    }

    /** Writes that Redis did not take (it was away or failed). */
    public long lostWrites() {
        return lost.get();
    }

    private void run(String messageId, String conn, String user, String node, String kind, String value) {
        StatefulRedisConnection<String, String> c = link.connectionOrNull();
        if (c == null) {
            lost.incrementAndGet();
            return;
        }
        String[] keys = {key(messageId)};
        String[] argv = {conn, user, node, kind, value, Integer.toString(maxRecipients), Long.toString(retentionMillis)
        };
        RedisAsyncCommands<String, String> r = c.async();
        String sha = digest;
        CompletionStage<Long> answer;
        if (sha == null) {
            sha = r.digest(SCRIPT);
            digest = sha;
        }
        answer = r.<Long>evalsha(sha, ScriptOutputType.INTEGER, keys, argv)
                .exceptionallyCompose(
                        e -> String.valueOf(unwrap(e).getMessage()).contains("NOSCRIPT")
                                ? r.<Long>eval(SCRIPT, ScriptOutputType.INTEGER, keys, argv)
                                : CompletableFuture.failedFuture(e));
        answer.whenComplete((ok, e) -> {
            if (e != null) {
                lost.incrementAndGet();
                LOG.fine(() -> "receipt of " + messageId + " not written to Redis: " + e);
            }
        });
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    @Override
    public CompletionStage<Optional<Sheet>> read(String messageId) {
        StatefulRedisConnection<String, String> c = link.connectionOrNull();
        if (c == null) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("Redis is not reachable: receipts cannot be read"));
        }
        return c.async().hgetall(key(messageId)).thenApply(h -> sheet(messageId, h));
    }

    /** The sheet a hash describes, or empty for no hash. */
    static Optional<Sheet> sheet(String messageId, Map<String, String> h) {
        if (h == null || h.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Recipient> rows = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : h.entrySet()) {
            String name = f.getKey();
            if (!name.startsWith("c:")) {
                continue;
            }
            String conn = name.substring(2);
            String v = f.getValue();
            int nl = v.lastIndexOf('\n');
            String user = nl < 0 ? v : v.substring(0, nl);
            String node = nl < 0 ? null : v.substring(nl + 1);
            Long dropped = null;
            String reason = null;
            String d = h.get("d:" + conn);
            if (d != null) {
                int sp = d.indexOf(' ');
                dropped = number(sp < 0 ? d : d.substring(0, sp));
                reason = sp < 0 ? null : d.substring(sp + 1);
            }
            rows.put(
                    conn,
                    new Recipient(
                            conn, user, node, number(h.get("w:" + conn)), number(h.get("a:" + conn)), dropped, reason));
        }
        List<Recipient> list = new ArrayList<>(rows.values());
        // Redis keeps no order: first written first, then by connection id, so that the answer is stable.
        list.sort(Comparator.comparing((Recipient r) -> r.writtenAt() == null ? Long.MAX_VALUE : r.writtenAt())
                .thenComparing(Recipient::connection));
        Long pushed = number(h.get("p"));
        Long over = number(h.get("x"));
        return Optional.of(new Sheet(
                messageId, pushed == null ? 0 : pushed, h.get("pn"), List.copyOf(list), over == null ? 0 : over));
    }

    private static Long number(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
