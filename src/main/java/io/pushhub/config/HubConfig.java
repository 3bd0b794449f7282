package io.pushhub.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every pushhub configuration key, declared once. Values come from MicroProfile Config: server.xml {@code <variable>}
 * elements, environment variables ({@code PUSHHUB_WS_MAX_SUBSCRIPTIONS} for {@code pushhub.ws.max-subscriptions}),
 * system properties, or {@code META-INF/microprofile-config.properties}. The README's configuration table lists the
 * same keys; keep both in step.
 *
 * <p>JWT verification uses the standard MicroProfile JWT keys ({@code mp.jwt.verify.*}) and three of its own
 * ({@code pushhub.jwt.jwks-refresh}, {@code pushhub.jwt.jwks-min-refresh-gap}, {@code
 * pushhub.jwt.allow-insecure-http-keys}), all declared in {@link io.pushhub.security.JwtVerifier} so that it can be
 * built and tested on its own.
 */
@ApplicationScoped
public class HubConfig {

    /** Comma-separated API keys that may push. Empty (default): a random key is generated at start-up and logged. */
    @Inject
    @ConfigProperty(name = "pushhub.api-keys")
    Optional<String> apiKeys;

    /** JWT group that may push ({@code groups} claim). Default {@code publisher}. */
    @Inject
    @ConfigProperty(name = "pushhub.jwt.publisher-group", defaultValue = "publisher")
    String publisherGroup;

    /** Whether a WebSocket client without a JWT may connect as an anonymous user. Default {@code true}. */
    @Inject
    @ConfigProperty(name = "pushhub.ws.anonymous", defaultValue = "true")
    boolean anonymousAllowed;

    /**
     * Origins allowed to open a WebSocket, comma-separated (e.g. {@code https://app.example.com}); {@code *} allows
     * any. Same-origin and localhost/127.0.0.1/[::1] origins are always allowed; a request without an Origin header
     * (not a browser) is allowed. Default: empty.
     */
    @Inject
    @ConfigProperty(name = "pushhub.ws.allowed-origins")
    Optional<String> allowedOrigins;

    /** Largest inbound WebSocket frame in bytes; larger frames close the connection with 1009. Default 65536. */
    @Inject
    @ConfigProperty(name = "pushhub.ws.max-frame-bytes", defaultValue = "65536")
    int maxFrameBytes;

    /** Topics one connection may subscribe to at once (1..10000). Default 100. */
    @Inject
    @ConfigProperty(name = "pushhub.ws.max-subscriptions", defaultValue = "100")
    int maxSubscriptions;

    /** Sustained inbound frames per second per connection (token bucket refill rate). Default 50. */
    @Inject
    @ConfigProperty(name = "pushhub.ws.rate.per-second", defaultValue = "50")
    int ratePerSecond;

    /** Inbound frames a connection may send in a burst (token bucket size). Default 100. */
    @Inject
    @ConfigProperty(name = "pushhub.ws.rate.burst", defaultValue = "100")
    int rateBurst;

    /** Outbound messages queued per connection before the slow-consumer policy applies. Default 1024. */
    @Inject
    @ConfigProperty(name = "pushhub.outbox.max-messages", defaultValue = "1024")
    int outboxMaxMessages;

    /**
     * Outbound bytes queued per connection before the policy applies; every queued frame, replies included, is
     * charged its real size (two bytes a character, plus the frame object for replies). Default 4 MiB.
     */
    @Inject
    @ConfigProperty(name = "pushhub.outbox.max-bytes", defaultValue = "4194304")
    long outboxMaxBytes;

    /**
     * What happens when a connection's queue is full: {@code disconnect} (close with 1013, the default) or {@code
     * drop-oldest} (drop the oldest queued messages and send the client a {@code gap} frame with how many).
     */
    @Inject
    @ConfigProperty(name = "pushhub.outbox.policy", defaultValue = "disconnect")
    String outboxPolicy;

    /**
     * Bytes queued for all anonymous connections together; an anonymous connection whose frame would pass it is
     * treated as a slow consumer. Default 256 MiB.
     */
    @Inject
    @ConfigProperty(name = "pushhub.outbox.anonymous-max-bytes", defaultValue = "268435456")
    long outboxAnonymousMaxBytes;

    /** Delivery worker threads (1..256); they never wait for a client. Default 0 = one per available processor. */
    @Inject
    @ConfigProperty(name = "pushhub.delivery.threads", defaultValue = "0")
    int deliveryThreads;

    /** Most messages coalesced into one batch frame (1 = never batch; 1..10000). Default 64. */
    @Inject
    @ConfigProperty(name = "pushhub.delivery.batch-max", defaultValue = "64")
    int deliveryBatchMax;

    /** Bytes one batch frame grows to at most (a single larger message still goes alone). Default 65536. */
    @Inject
    @ConfigProperty(name = "pushhub.delivery.batch-max-bytes", defaultValue = "65536")
    int deliveryBatchMaxBytes;

    /**
     * How long one write to a client may take before the client counts as gone and is disconnected (ISO-8601
     * duration, PT0.1S..PT10M). Default {@code PT5S}.
     */
    @Inject
    @ConfigProperty(name = "pushhub.delivery.write-timeout", defaultValue = "PT5S")
    Duration deliveryWriteTimeout;

    /**
     * {@code /health/live} reports DOWN when queued deliveries made no progress for this long (ISO-8601 duration).
     * Default {@code PT30S}.
     */
    @Inject
    @ConfigProperty(name = "pushhub.delivery.liveness-timeout", defaultValue = "PT30S")
    Duration deliveryLivenessTimeout;

    /**
     * At shutdown, how long queued messages may still be flushed before every connection is closed with 1001
     * (ISO-8601 duration, at most PT10S). Default {@code PT1S}.
     */
    @Inject
    @ConfigProperty(name = "pushhub.shutdown.flush-timeout", defaultValue = "PT1S")
    Duration shutdownFlushTimeout;

    /** Topic patterns (glob, {@code *} = any run of characters) clients may publish to. Default {@code chat:*}. */
    @Inject
    @ConfigProperty(name = "pushhub.topics.client-publish", defaultValue = "chat:*")
    String clientPublishTopics;

    /** Topic patterns whose subscribers get join/leave presence notices. Default {@code chat:*}. */
    @Inject
    @ConfigProperty(name = "pushhub.topics.presence", defaultValue = "chat:*")
    String presenceTopics;

    /**
     * Topic patterns no client may subscribe to (server-side pushes to them still work). Topics starting with {@code $}
     * are always reserved, and {@code user:<id>} only for user {@code <id>}. Default: {@code internal:*}.
     */
    @Inject
    @ConfigProperty(name = "pushhub.topics.subscribe-deny", defaultValue = "internal:*")
    String subscribeDenyTopics;

    /** Whether the EJB timer publishes the server time to topic {@code time} every second. Default {@code true}. */
    @Inject
    @ConfigProperty(name = "pushhub.time.enabled", defaultValue = "true")
    boolean timeEnabled;

    /** Whether {@code POST /api/demo/jobs} is available. Default {@code true}. */
    @Inject
    @ConfigProperty(name = "pushhub.demo.enabled", defaultValue = "true")
    boolean demoEnabled;

    /** Progress updates one demo job sends (1..1000). Default 20. */
    @Inject
    @ConfigProperty(name = "pushhub.demo.steps", defaultValue = "20")
    int demoSteps;

    /** Interval between demo job updates (ISO-8601 duration, at least PT0.01S). Default {@code PT1S}. */
    @Inject
    @ConfigProperty(name = "pushhub.demo.interval", defaultValue = "PT1S")
    Duration demoInterval;

    /** Demo jobs running at once across the server; more get 429. Default 100. */
    @Inject
    @ConfigProperty(name = "pushhub.demo.max-jobs", defaultValue = "100")
    int demoMaxJobs;

    /** Scheduled pushes pending at once; more get 429. Default 10000. */
    @Inject
    @ConfigProperty(name = "pushhub.scheduled.max-pending", defaultValue = "10000")
    int scheduledMaxPending;

    /** Latest a push may be scheduled ahead (ISO-8601 duration). Default {@code P30D}. */
    @Inject
    @ConfigProperty(name = "pushhub.scheduled.max-delay", defaultValue = "P30D")
    Duration scheduledMaxDelay;

    /**
     * Which broker connects this node to others: {@code memory} (default: a single node, history in memory, no
     * external service) or {@code redis} (a cluster sharing the Redis at {@code pushhub.redis.uri}).
     */
    @Inject
    @ConfigProperty(name = "pushhub.broker", defaultValue = "memory")
    String broker;

    /**
     * Redis for {@code pushhub.broker=redis}, as a Lettuce URI: {@code redis://[user:password@]host:port[/db]},
     * {@code rediss://} for TLS. Default {@code redis://127.0.0.1:6379}.
     */
    @Inject
    @ConfigProperty(name = "pushhub.redis.uri", defaultValue = "redis://127.0.0.1:6379")
    String redisUri;

    /**
     * Prefix of every Redis key and channel pushhub uses, so several hubs (or test runs) can share one Redis. Nodes of
     * one cluster must use the same prefix. Default {@code pushhub}.
     */
    @Inject
    @ConfigProperty(name = "pushhub.redis.prefix", defaultValue = "pushhub")
    String redisPrefix;

    /** Longest a Redis command may take before it counts as failed (ISO-8601, PT0.1S..PT1M). Default {@code PT2S}. */
    @Inject
    @ConfigProperty(name = "pushhub.redis.timeout", defaultValue = "PT2S")
    Duration redisTimeout;

    /**
     * Topics that keep history (offsets, epoch, resume with {@code since}): comma-separated globs, each optionally
     * with its own size and TTL: {@code chat:*;size=500;ttl=PT1H, news, *}. The first match wins; {@code none} = no
     * topic keeps history (an empty value means "unset" in MicroProfile Config, so it cannot express that). Default {@code *}: every topic keeps a small history, so that any client that reconnects within
     * a few minutes gets what it missed without configuration; memory is bounded by size x active topics and, with the
     * memory broker, by {@code pushhub.history.max-bytes}.
     */
    @Inject
    @ConfigProperty(name = "pushhub.history.topics", defaultValue = "*")
    Optional<String> historyTopics;

    /** Publications kept per topic with history, unless its entry sets {@code size} (1..100000). Default 100. */
    @Inject
    @ConfigProperty(name = "pushhub.history.size", defaultValue = "100")
    int historySize;

    /**
     * How long a topic's history is kept after its last publication, unless its entry sets {@code ttl} (ISO-8601,
     * at least PT1S). The topic's epoch and last offset are kept for 30 days (or the TTL if longer), so a client
     * coming back later hears "expired" with the range it missed. Default {@code PT10M}.
     */
    @Inject
    @ConfigProperty(name = "pushhub.history.ttl", defaultValue = "PT10M")
    Duration historyTtl;

    /**
     * Budget in bytes for the topic history the memory broker keeps in this JVM's heap, all topics together (each
     * message is charged its encoded JSON size plus 64 bytes). Over budget, the oldest messages of the least recently
     * used topics are evicted; a message charged more than 1/16 of the budget is not kept. At least 1024. Not used
     * with {@code pushhub.broker=redis}, whose history lives in Redis (bounded by size and TTL per topic). Default
     * {@code 67108864} (64 MiB).
     */
    @Inject
    @ConfigProperty(name = "pushhub.history.max-bytes", defaultValue = "67108864")
    long historyMaxBytes;

    /**
     * Lease of this node's presence entries in Redis (ISO-8601, PT2S..PT10M): the node renews it every third of this
     * time; when a node dies without a clean stop, its connections disappear from cluster presence at most this long
     * after its last renewal. Default {@code PT15S}.
     */
    @Inject
    @ConfigProperty(name = "pushhub.presence.ttl", defaultValue = "PT15S")
    Duration presenceTtl;

    /**
     * How often an idle SSE stream gets a comment line ({@code : hb}), so proxies with an idle timeout keep it open
     * and a vanished client is noticed (ISO-8601 duration, 1 s – 5 min). Default {@code PT15S}.
     */
    @Inject
    @ConfigProperty(name = "pushhub.sse.heartbeat", defaultValue = "PT15S")
    Duration sseHeartbeat;

    /**
     * How long an SSE connection whose stream broke stays in the hub (subscriptions kept, frames buffered) so the
     * client can resume it with {@code Last-Event-ID} (ISO-8601 duration, 0 – 10 min; 0 = no resume). Default
     * {@code PT30S}.
     */
    @Inject
    @ConfigProperty(name = "pushhub.sse.resume-window", defaultValue = "PT30S")
    Duration sseResumeWindow;

    /** Most recent frames kept per SSE connection for a {@code Last-Event-ID} resume (0 – 100000). Default 256. */
    @Inject
    @ConfigProperty(name = "pushhub.sse.replay-frames", defaultValue = "256")
    int sseReplayFrames;

    public List<String> apiKeys() {
        return split(apiKeys.orElse(""));
    }

    public String publisherGroup() {
        return publisherGroup;
    }

    public boolean anonymousAllowed() {
        return anonymousAllowed;
    }

    public List<String> allowedOrigins() {
        return split(allowedOrigins.orElse(""));
    }

    public int maxFrameBytes() {
        return clamp(maxFrameBytes, 256, 16 * 1024 * 1024);
    }

    public int maxSubscriptions() {
        return clamp(maxSubscriptions, 1, 10_000);
    }

    public int ratePerSecond() {
        return clamp(ratePerSecond, 1, 1_000_000);
    }

    public int rateBurst() {
        return clamp(rateBurst, 1, 1_000_000);
    }

    public int outboxMaxMessages() {
        return clamp(outboxMaxMessages, 1, 1_000_000);
    }

    public long outboxMaxBytes() {
        return Math.max(1024, outboxMaxBytes);
    }

    public DeliveryPolicy outboxPolicy() {
        return DeliveryPolicy.parse(outboxPolicy);
    }

    public long outboxAnonymousMaxBytes() {
        return Math.max(1024, outboxAnonymousMaxBytes);
    }

    public int deliveryThreads() {
        int n = deliveryThreads <= 0 ? Runtime.getRuntime().availableProcessors() : deliveryThreads;
        return clamp(n, 1, 256);
    }

    public int deliveryBatchMax() {
        return clamp(deliveryBatchMax, 1, 10_000);
    }

    public int deliveryBatchMaxBytes() {
        return clamp(deliveryBatchMaxBytes, 1024, 16 * 1024 * 1024);
    }

    public Duration deliveryWriteTimeout() {
        return clampDuration(deliveryWriteTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
    }

    public Duration deliveryLivenessTimeout() {
        return clampDuration(deliveryLivenessTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
    }

    public Duration shutdownFlushTimeout() {
        return clampDuration(shutdownFlushTimeout, Duration.ZERO, Duration.ofSeconds(10));
    }

    private static Duration clampDuration(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
    }

    public List<String> clientPublishTopics() {
        return split(clientPublishTopics);
    }

    public List<String> presenceTopics() {
        return split(presenceTopics);
    }

    public List<String> subscribeDenyTopics() {
        return split(subscribeDenyTopics);
    }

    public boolean timeEnabled() {
        return timeEnabled;
    }

    public boolean demoEnabled() {
        return demoEnabled;
    }

    public int demoSteps() {
        return clamp(demoSteps, 1, 1000);
    }

    public Duration demoInterval() {
        Duration min = Duration.ofMillis(10);
        return demoInterval.compareTo(min) < 0 ? min : demoInterval;
    }

    public int demoMaxJobs() {
        return clamp(demoMaxJobs, 1, 100_000);
    }

    public int scheduledMaxPending() {
        return clamp(scheduledMaxPending, 1, 10_000_000);
    }

    public Duration scheduledMaxDelay() {
        return scheduledMaxDelay;
    }

    /**
     * Comma-separated lists are read as one string and split here: Payara's MicroProfile Config cannot inject
     * {@code Optional<List<String>>}, and the same WAR must run there.
     */
    public static List<String> split(String value) {
        if (value == null) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** {@code memory} or {@code redis}, lower case; anything else is refused at start-up by the broker factory. */
    public String broker() {
        return broker.trim().toLowerCase(java.util.Locale.ROOT);
    }

    public String redisUri() {
        return redisUri.trim();
    }

    public String redisPrefix() {
        return redisPrefix.trim();
    }

    public Duration redisTimeout() {
        return clamp(redisTimeout, Duration.ofMillis(100), Duration.ofMinutes(1));
    }

    public List<String> historyTopics() {
        return split(historyTopics.orElse("")).stream()
                .filter(s -> !s.equalsIgnoreCase("none"))
                .toList();
    }

    public long historyMaxBytes() {
        return Math.max(1024, historyMaxBytes);
    }

    public int historySize() {
        return clamp(historySize, 1, 100_000);
    }

    public Duration historyTtl() {
        return clamp(historyTtl, Duration.ofSeconds(1), Duration.ofDays(3650));
    }

    public Duration presenceTtl() {
        return clamp(presenceTtl, Duration.ofSeconds(2), Duration.ofMinutes(10));
    }

    public Duration sseHeartbeat() {
        return clamp(sseHeartbeat, Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    public Duration sseResumeWindow() {
        return clamp(sseResumeWindow, Duration.ZERO, Duration.ofMinutes(10));
    }

    public int sseReplayFrames() {
        return clamp(sseReplayFrames, 0, 100_000);
    }


    // ---------------------------------------------------------------- REST input limits (issue #8, keep together)

    /**
     * Largest request body {@code POST /api/push} (and {@code POST /api/demo/jobs}) accepts, in bytes; larger bodies
     * are refused with 413 before more than this is read (256 B - 16 MiB, the range of {@code
     * pushhub.ws.max-frame-bytes}). A push reaches each client as one frame about this large, and an outbox counts 2
     * bytes per character: keep it at most half of {@code pushhub.outbox.max-bytes}, or one push can fill every
     * subscriber's queue. Default 1048576 (1 MiB, with the default 4 MiB outbox).
     */
    @Inject
    @ConfigProperty(name = "pushhub.push.max-body-bytes", defaultValue = "1048576")
    int pushMaxBodyBytes;

    public int pushMaxBodyBytes() {
        return clamp(pushMaxBodyBytes, 256, 16 * 1024 * 1024);
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
