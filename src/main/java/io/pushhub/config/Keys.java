package io.pushhub.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every configuration key pushhub reads, each declared once with its default, allowed range (or values) and what it is
 * for. {@link HubConfig} reads them; the README's configuration table lists the same keys with the same defaults and
 * ranges ({@code ConfigDocsTest} fails when they drift apart); {@code TestConfigs} builds test configurations from them.
 *
 * <p>Sizes are bytes, durations ISO-8601 ({@code PT5S}, {@code P30D}). Values come from MicroProfile Config:
 * server.xml {@code <variable>}s, environment variables ({@code PUSHHUB_WS_MAX_SUBSCRIPTIONS} for {@code
 * pushhub.ws.max-subscriptions}), system properties, {@code META-INF/microprofile-config.properties}.
 */
public final class Keys {

    private static final List<Key<?>> DECLARED = new ArrayList<>();

    private Keys() {}

    private static <K extends Key<?>> K declare(K key) {
        for (Key<?> k : DECLARED) {
            if (k.name().equals(key.name())) {
                throw new IllegalStateException("configuration key declared twice: " + key.name());
            }
        }
        DECLARED.add(key);
        return key;
    }

    private static final int MIB = 1 << 20;

    // ---------------------------------------------------------------- publishers and JWT

    public static final Key<String> API_KEYS = declare(Key.text(
            "pushhub.api-keys",
            null,
            "comma-separated API keys that may push; unset: one key is generated per start and logged"));

    public static final Key<String> JWT_PUBLISHER_GROUP =
            declare(Key.text("pushhub.jwt.publisher-group", "publisher", "JWT group (groups claim) that may push"));

    public static final Key<String> JWT_PUBLIC_KEY = declare(
            Key.text("mp.jwt.verify.publickey", null, "JWT verification key inline: PEM, base64 DER, JWK or JWKS"));

    public static final Key<String> JWT_PUBLIC_KEY_LOCATION = declare(Key.text(
            "mp.jwt.verify.publickey.location",
            null,
            "the JWT key from a file path, file: URL or class-path resource, or the https: URL of a JWKS"));

    /** Not a checked choice: {@code JwtVerifier} refuses every token when this names an algorithm it does not allow. */
    public static final Key<String> JWT_ALGORITHM = declare(Key.text(
            "mp.jwt.verify.publickey.algorithm",
            "RS256",
            "the one algorithm tokens must use: RS256, RS384, RS512, ES256 or ES384"));

    public static final Key<String> JWT_ISSUER =
            declare(Key.text("mp.jwt.verify.issuer", null, "required iss claim, if set"));

    public static final Key<String> JWT_AUDIENCES = declare(
            Key.text("mp.jwt.verify.audiences", null, "comma list; the aud claim must contain one of them, if set"));

    public static final Key<Integer> JWT_CLOCK_SKEW =
            declare(Key.integer("mp.jwt.verify.clock.skew", 60, 0, "seconds of leeway for exp and nbf"));

    public static final Key<Duration> JWKS_REFRESH = declare(Key.duration(
            "pushhub.jwt.jwks-refresh",
            "PT10M",
            "PT1S",
            "P1D",
            "a JWKS from an https: location is fetched again when its copy is this old"));

    /** Also at most {@link #JWKS_REFRESH}: {@link HubConfig} applies that rule across the two keys. */
    public static final Key<Duration> JWKS_MIN_REFRESH_GAP = declare(Key.duration(
            "pushhub.jwt.jwks-min-refresh-gap",
            "PT30S",
            "PT0.1S",
            "P1D",
            "shortest time between two JWKS fetches, whatever triggers them"));

    public static final Key<Boolean> JWT_ALLOW_INSECURE_HTTP_KEYS = declare(Key.flag(
            "pushhub.jwt.allow-insecure-http-keys",
            false,
            "allow a plain http: mp.jwt.verify.publickey.location (test setups only)"));

    // ---------------------------------------------------------------- WebSocket clients

    public static final Key<Boolean> WS_ANONYMOUS = declare(
            Key.flag("pushhub.ws.anonymous", true, "whether a client without a JWT may connect as an anonymous user"));

    public static final Key<String> WS_ALLOWED_ORIGINS = declare(Key.text(
            "pushhub.ws.allowed-origins", null, "extra browser origins allowed to connect, comma-separated (* = any)"));

    public static final Key<String> ANONYMOUS_SECRET = declare(
            Key.text(
                    "pushhub.anonymous.secret",
                    null,
                    "secret (at least 32 characters) that signs the anonymous-user cookie; the nodes of a cluster set the same"));

    public static final Key<String> ANONYMOUS_SECRET_FILE = declare(Key.text(
            "pushhub.anonymous.secret-file",
            "pushhub-anonymous.key",
            "without pushhub.anonymous.secret: a random secret generated once and kept in this file"));

    public static final Key<Integer> WS_MAX_FRAME_BYTES = declare(Key.bytes(
            "pushhub.ws.max-frame-bytes",
            65536,
            256,
            16 * MIB,
            "largest inbound frame; larger closes the connection with 1009"));

    public static final Key<Integer> WS_MAX_SUBSCRIPTIONS = declare(Key.integer(
            "pushhub.ws.max-subscriptions", 100, 1, 10_000, "topics one connection may subscribe to at once"));

    public static final Key<String> WS_READ_CONFIRMATIONS = declare(Key.choice(
            "pushhub.ws.read-confirmations",
            "auto: where a send completes before the client reads (Payara's Tyrus), pings prove how far each client"
                    + " has read, so one that stops reading is seen; off: never",
            "auto",
            "off"));

    public static final Key<Integer> WS_RATE_PER_SECOND = declare(Key.integer(
            "pushhub.ws.rate.per-second", 50, 1, 1_000_000, "sustained inbound frames per second per connection"));

    public static final Key<Integer> WS_RATE_BURST = declare(
            Key.integer("pushhub.ws.rate.burst", 100, 1, 1_000_000, "inbound frames a connection may send in a burst"));

    // ---------------------------------------------------------------- outbound queues and delivery

    public static final Key<Integer> OUTBOX_MAX_MESSAGES = declare(Key.integer(
            "pushhub.outbox.max-messages",
            1024,
            1,
            1_000_000,
            "frames queued per connection before the slow-consumer policy applies"));

    public static final Key<Long> OUTBOX_MAX_BYTES = declare(Key.bytes(
            "pushhub.outbox.max-bytes",
            4194304L,
            1024,
            "bytes queued per connection before the slow-consumer policy applies"));

    public static final Key<Long> OUTBOX_ANONYMOUS_MAX_BYTES = declare(Key.bytes(
            "pushhub.outbox.anonymous-max-bytes",
            268435456L,
            1024,
            "bytes queued for all anonymous connections together"));

    public static final Key<String> OUTBOX_POLICY = declare(Key.choice(
            "pushhub.outbox.policy",
            "what a full queue does: disconnect (close 1013) or drop-oldest (drop, then a gap frame)",
            "disconnect",
            "drop-oldest"));

    public static final Key<Integer> DELIVERY_THREADS = declare(Key.integer(
            "pushhub.delivery.threads", 0, 0, 256, "delivery worker threads; 0 = one per available processor"));

    public static final Key<Integer> DELIVERY_BATCH_MAX = declare(Key.integer(
            "pushhub.delivery.batch-max",
            64,
            1,
            10_000,
            "most queued messages sent as one batch frame (1 = no batching)"));

    public static final Key<Integer> DELIVERY_BATCH_MAX_BYTES = declare(Key.bytes(
            "pushhub.delivery.batch-max-bytes",
            65536,
            1024,
            16 * MIB,
            "size a batch frame grows to at most (a larger single message goes alone)"));

    public static final Key<Duration> DELIVERY_WRITE_TIMEOUT = declare(Key.duration(
            "pushhub.delivery.write-timeout",
            "PT5S",
            "PT0.1S",
            "PT10M",
            "how long one send to a client may take before the client is disconnected"));

    public static final Key<Duration> DELIVERY_LIVENESS_TIMEOUT = declare(Key.duration(
            "pushhub.delivery.liveness-timeout",
            "PT30S",
            "PT1S",
            "PT1H",
            "/health/live is DOWN when queued deliveries made no progress for this long"));

    public static final Key<Duration> SHUTDOWN_FLUSH_TIMEOUT = declare(Key.duration(
            "pushhub.shutdown.flush-timeout",
            "PT1S",
            "PT0S",
            "PT10S",
            "at shutdown, how long queued messages may still be sent before close 1001"));

    // ---------------------------------------------------------------- topics

    public static final Key<String> TOPICS_CLIENT_PUBLISH =
            declare(Key.text("pushhub.topics.client-publish", "chat:*", "topic globs clients may publish to"));

    public static final Key<String> TOPICS_PRESENCE = declare(
            Key.text("pushhub.topics.presence", "chat:*", "topic globs whose subscribers get join/leave notices"));

    public static final Key<String> TOPICS_SUBSCRIBE_DENY =
            declare(Key.text("pushhub.topics.subscribe-deny", "internal:*", "topic globs no client may subscribe to"));

    // ---------------------------------------------------------------- authorization (docs/authorization.md)

    public static final Key<String> TOPICS_SUBSCRIBE_TOKEN_REQUIRED = declare(Key.text(
            "pushhub.topics.subscribe-token-required",
            null,
            "topic globs a client may subscribe to only when its connection token's pushhub.subscribe claim or a"
                    + " subscribe token grants the topic"));

    public static final Key<String> HOOK_URL = declare(Key.text(
            "pushhub.hook.url",
            null,
            "http(s) URL of the backend's authorization hook, asked before connect, subscribe and client publish;"
                    + " unset: no hook"));

    public static final Key<String> HOOK_EVENTS = declare(Key.text(
            "pushhub.hook.events",
            "connect,subscribe,publish",
            "which of connect, subscribe, publish ask the hook (comma list; unknown names are logged and ignored)"));

    public static final Key<String> HOOK_TOPICS =
            declare(Key.text("pushhub.hook.topics", "*", "topic globs whose subscribe and publish ask the hook"));

    public static final Key<Duration> HOOK_TIMEOUT = declare(Key.duration(
            "pushhub.hook.timeout",
            "PT2S",
            "PT0.05S",
            "PT1M",
            "longest wait for the hook's answer; then pushhub.hook.on-failure decides"));

    /** Strict: a typo must not turn "deny when the backend is down" into something else. */
    public static final Key<String> HOOK_ON_FAILURE = declare(Key.choice(
                    "pushhub.hook.on-failure",
                    "what a question the hook could not answer (time-out, error, overload) gets: deny or allow",
                    "deny",
                    "allow")
            .strict());

    public static final Key<Duration> HOOK_CACHE_TTL = declare(Key.duration(
            "pushhub.hook.cache-ttl",
            "PT10S",
            "PT0S",
            "PT1H",
            "how long the hook's subscribe answer for a user and topic is reused (PT0S: never)"));

    public static final Key<Integer> HOOK_CACHE_SIZE = declare(Key.integer(
            "pushhub.hook.cache-size",
            10_000,
            0,
            1_000_000,
            "subscribe answers kept (least recently used go first; 0: none)"));

    public static final Key<String> HOOK_SECRET = declare(Key.text(
            "pushhub.hook.secret",
            null,
            "shared secret: each hook request carries X-PushHub-Signature, an HMAC-SHA256 of timestamp and body"
                    + " (never logged)"));

    public static final Key<Integer> HOOK_MAX_IN_FLIGHT = declare(Key.integer(
            "pushhub.hook.max-in-flight",
            256,
            1,
            100_000,
            "hook requests waiting for an answer on this node; past it a question fails at once (overload)"));

    public static final Key<Integer> HOOK_MAX_PENDING_PER_CONNECTION = declare(Key.integer(
            "pushhub.hook.max-pending-per-connection",
            16,
            1,
            1000,
            "commands of one connection waiting behind the hook; past it a command gets authorization_unavailable"));

    // ---------------------------------------------------------------- time ticker, demo jobs, pushes

    public static final Key<Boolean> TIME_ENABLED = declare(Key.flag(
            "pushhub.time.enabled", true, "publish the server time to topic time every second while subscribed"));

    public static final Key<Boolean> DEMO_ENABLED =
            declare(Key.flag("pushhub.demo.enabled", true, "whether POST /api/demo/jobs is available"));

    public static final Key<Integer> DEMO_STEPS =
            declare(Key.integer("pushhub.demo.steps", 20, 1, 1000, "progress updates one demo job sends"));

    public static final Key<Duration> DEMO_INTERVAL =
            declare(Key.duration("pushhub.demo.interval", "PT1S", "PT0.01S", null, "time between demo job updates"));

    public static final Key<Integer> DEMO_MAX_JOBS =
            declare(Key.integer("pushhub.demo.max-jobs", 100, 1, 100_000, "demo jobs running at once; more get 429"));

    public static final Key<Integer> PUSH_MAX_BODY_BYTES = declare(Key.bytes(
            "pushhub.push.max-body-bytes",
            1048576,
            256,
            16 * MIB,
            "largest POST /api/push (and /api/demo/jobs) body; larger gets 413"));

    public static final Key<Integer> SCHEDULED_MAX_PENDING = declare(Key.integer(
            "pushhub.scheduled.max-pending", 10000, 1, 10_000_000, "scheduled pushes pending at once; more get 429"));

    public static final Key<Duration> SCHEDULED_MAX_DELAY = declare(Key.duration(
            "pushhub.scheduled.max-delay", "P30D", "PT0S", "P3650D", "how far ahead a push may be scheduled"));

    public static final Key<String> SCHEDULED_JDBC_URL = declare(Key.text(
            "pushhub.scheduled.jdbc-url",
            "jdbc:derby:pushhub-db;create=true",
            "database of scheduled pushes: embedded Derby (relative to the server's directory) or jdbc:postgresql:"
                    + " shared by every node of a cluster"));

    public static final Key<String> SCHEDULED_USER =
            declare(Key.text("pushhub.scheduled.user", null, "database user for scheduled pushes"));

    public static final Key<String> SCHEDULED_PASSWORD =
            declare(Key.text("pushhub.scheduled.password", null, "password of that user (never logged)"));

    /** Checked when scheduling starts: a name it cannot use keeps scheduling off, with a SEVERE log line. */
    public static final Key<String> SCHEDULED_TABLE = declare(Key.text(
            "pushhub.scheduled.table",
            "pushhub_scheduled",
            "table of scheduled pushes (and <table>_count); lower-case letters, digits and _ only"));

    public static final Key<Duration> SCHEDULED_POLL_INTERVAL = declare(Key.duration(
            "pushhub.scheduled.poll-interval",
            "PT0.5S",
            "PT0.05S",
            "PT1M",
            "how often each node looks for due scheduled pushes (lateness bound on a live cluster)"));

    public static final Key<Duration> SCHEDULED_LEASE = declare(Key.duration(
            "pushhub.scheduled.lease",
            "PT10S",
            "PT1S",
            "PT10M",
            "how long a node holds a push it fires; a node killed while firing is replaced after this"));

    public static final Key<Integer> TRANSACTION_MAX_PUSHES = declare(Key.integer(
            "pushhub.transaction.max-pushes",
            10000,
            1,
            10_000_000,
            "pushes one JTA transaction may hold until its commit; one more throws TooManyDeferredPushesException"));

    public static final Key<Duration> PUSH_MAX_TTL = declare(Key.duration(
            "pushhub.push.max-ttl", "P30D", "PT1S", "P3650D", "longest ttl (or expiresAt ahead) a push may carry"));

    // ---------------------------------------------------------------- delivery receipts (docs/receipts.md)

    public static final Key<Duration> RECEIPTS_RETENTION = declare(Key.duration(
            "pushhub.receipts.retention",
            "PT10M",
            "PT10S",
            "P7D",
            "how long the receipts of a push (receipt, collapseOnAck, escalateAfter) stay readable; at least the"
                    + " longest escalateAfter you use"));

    public static final Key<Integer> RECEIPTS_MAX_MESSAGES = declare(Key.integer(
            "pushhub.receipts.max-messages",
            10_000,
            1,
            10_000_000,
            "pushes whose receipts this node keeps (memory broker); beyond it the oldest are forgotten. With the redis"
                    + " broker each push's receipts are one Redis hash that expires after the retention"));

    public static final Key<Integer> RECEIPTS_MAX_RECIPIENTS = declare(Key.integer(
            "pushhub.receipts.max-recipients",
            1_000,
            1,
            1_000_000,
            "recipient connections recorded per push; the others are counted (truncated) but not listed"));

    public static final Key<Integer> RECEIPTS_MAX_ESCALATIONS = declare(Key.integer(
            "pushhub.receipts.max-escalations",
            100_000,
            1,
            10_000_000,
            "escalateAfter timers (user x push) pending on this node; a push beyond it is refused (429)"));

    // ---------------------------------------------------------------- idempotency keys

    public static final Key<Duration> IDEMPOTENCY_WINDOW = declare(Key.duration(
            "pushhub.idempotency.window",
            "PT1H",
            "PT1S",
            "P7D",
            "how long a push's Idempotency-Key makes a repeat a no-op (on any node)"));

    public static final Key<Integer> IDEMPOTENCY_MAX_KEYS = declare(Key.integer(
            "pushhub.idempotency.max-keys",
            100_000,
            1,
            10_000_000,
            "memory broker: idempotency keys held at most; when full the oldest go first (their window is cut short)"));

    // ---------------------------------------------------------------- tracing (docs/tracing.md)

    /** The standard MicroProfile Telemetry switch: pushhub makes spans only when it is false. */
    public static final Key<Boolean> OTEL_SDK_DISABLED = declare(Key.flag(
            "otel.sdk.disabled",
            true,
            "OpenTelemetry off; false turns on spans for pushes (pushhub push, pushhub fan-out per node) exported"
                    + " as the otel.* keys say (docs/tracing.md)"));

    /** Read by {@link HubConfig#traceSampleRate()}: a fraction, clamped to 0..1 (text: MP Config has no double key). */
    public static final Key<String> TRACE_SAMPLE_RATE = declare(Key.text(
            "pushhub.trace.sample-rate",
            "0",
            "fraction (0 to 1) of pushes recorded in the trace journal; a push with \"trace\": true or a sampled"
                    + " traceparent header is always recorded"));

    public static final Key<Integer> TRACE_JOURNAL_MAX_MESSAGES = declare(Key.integer(
            "pushhub.trace.journal.max-messages",
            1000,
            1,
            1_000_000,
            "messages each node keeps in its trace journal; when full the oldest go first"));

    public static final Key<Integer> TRACE_JOURNAL_MAX_ENTRIES = declare(Key.integer(
            "pushhub.trace.journal.max-entries",
            200,
            1,
            100_000,
            "facts (queued, written, dropped, no connection, ...) each node keeps per journaled message"));

    public static final Key<Duration> TRACE_JOURNAL_RETENTION = declare(Key.duration(
            "pushhub.trace.journal.retention",
            "PT1H",
            "PT1S",
            "P7D",
            "how long a journaled message's trace is kept (on each node, and in Redis with the redis broker)"));

    // ---------------------------------------------------------------- server-side subscriptions

    public static final Key<Integer> SUBSCRIPTIONS_MAX_STICKY = declare(Key.integer(
            "pushhub.subscriptions.max-sticky",
            100,
            1,
            10_000,
            "sticky server-side subscriptions stored per user (POST /api/users/{id}/subscriptions with sticky);"
                    + " past it the request is refused with 409"));

    // ---------------------------------------------------------------- SSE transport

    public static final Key<Duration> SSE_HEARTBEAT = declare(Key.duration(
            "pushhub.sse.heartbeat",
            "PT15S",
            "PT1S",
            "PT5M",
            "an idle SSE stream gets a comment line after this much silence"));

    public static final Key<Duration> SSE_RESUME_WINDOW = declare(Key.duration(
            "pushhub.sse.resume-window",
            "PT30S",
            "PT0S",
            "PT10M",
            "how long a broken SSE connection waits for a Last-Event-ID resume (0 = no resume)"));

    public static final Key<Integer> SSE_REPLAY_FRAMES = declare(Key.integer(
            "pushhub.sse.replay-frames", 256, 0, 100_000, "most recent frames kept per SSE connection for a resume"));

    // ---------------------------------------------------------------- cluster

    /** Strict: a node that falls back to {@code memory} by mistake would silently leave its cluster. */
    public static final Key<String> BROKER = declare(Key.choice(
                    "pushhub.broker",
                    "memory (one node) or redis (a cluster sharing pushhub.redis.uri)",
                    "memory",
                    "redis")
            .strict());

    public static final Key<String> REDIS_URI = declare(Key.text(
            "pushhub.redis.uri",
            "redis://127.0.0.1:6379",
            "Redis for the cluster, as a Lettuce URI (rediss:// for TLS)"));

    public static final Key<String> REDIS_PREFIX = declare(Key.text(
            "pushhub.redis.prefix",
            "pushhub",
            "prefix of every Redis key and channel; the nodes of one cluster use the same"));

    public static final Key<Duration> REDIS_TIMEOUT = declare(Key.duration(
            "pushhub.redis.timeout",
            "PT2S",
            "PT0.1S",
            "PT1M",
            "longest a Redis command may take before it counts as failed"));

    public static final Key<Duration> PRESENCE_TTL = declare(Key.duration(
            "pushhub.presence.ttl",
            "PT15S",
            "PT2S",
            "PT10M",
            "lease of this node's presence entries in Redis, renewed every third of it"));

    // ---------------------------------------------------------------- history

    public static final Key<String> HISTORY_TOPICS = declare(Key.text(
            "pushhub.history.topics",
            "*",
            "topics that keep history: globs, each optionally ;size=N;ttl=ISO, !glob for none; none = no topic"));

    public static final Key<Integer> HISTORY_SIZE = declare(Key.integer(
            "pushhub.history.size",
            100,
            1,
            100_000,
            "publications kept per topic with history, unless its entry sets size"));

    public static final Key<Duration> HISTORY_TTL = declare(Key.duration(
            "pushhub.history.ttl",
            "PT10M",
            "PT1S",
            "P3650D",
            "how long a topic's history is kept after its last publication, unless its entry sets ttl"));

    public static final Key<Long> HISTORY_MAX_BYTES = declare(Key.bytes(
            "pushhub.history.max-bytes",
            67108864L,
            1024,
            "memory broker: heap budget for all topics' history together"));

    // ---------------------------------------------------------------- outbox relay (docs/outbox.md)

    public static final Key<Boolean> RELAY_ENABLED = declare(Key.flag(
            "pushhub.outbox-relay.enabled",
            false,
            "relay the rows of an outbox table in the backend's PostgreSQL database to clients"));

    public static final Key<String> RELAY_JDBC_URL = declare(Key.text(
            "pushhub.outbox-relay.jdbc-url",
            null,
            "the backend's PostgreSQL database, e.g. jdbc:postgresql://db:5432/shop (required when enabled)"));

    public static final Key<String> RELAY_USER =
            declare(Key.text("pushhub.outbox-relay.user", null, "database user of the relay"));

    public static final Key<String> RELAY_PASSWORD =
            declare(Key.text("pushhub.outbox-relay.password", null, "password of that user (never logged)"));

    /** Checked by the relay: a name it cannot use keeps the relay off, with a SEVERE log line saying why. */
    public static final Key<String> RELAY_TABLE = declare(Key.text(
            "pushhub.outbox-relay.table",
            "pushhub_outbox",
            "the outbox table, optionally schema.table; lower-case letters, digits and _ only"));

    public static final Key<Integer> RELAY_BATCH_SIZE = declare(Key.integer(
            "pushhub.outbox-relay.batch-size", 100, 1, 10_000, "rows read, pushed and deleted per round trip"));

    public static final Key<Duration> RELAY_POLL_INTERVAL = declare(
            Key.duration(
                    "pushhub.outbox-relay.poll-interval",
                    "PT1S",
                    "PT0.01S",
                    "PT1H",
                    "safety-net poll and leadership check when no NOTIFY came; also the longest a partition of a dead node waits"));

    public static final Key<Integer> RELAY_PARTITIONS = declare(Key.integer(
            "pushhub.outbox-relay.partitions",
            1,
            1,
            1024,
            "partitions of the table (0..N-1), each relayed in order by one node; every node sets the same"));

    public static final Key<Boolean> RELAY_CREATE_TABLE = declare(Key.flag(
            "pushhub.outbox-relay.create-table",
            true,
            "create the table, index, trigger and function when missing (false: they must exist)"));

    // ---------------------------------------------------------------- webhooks and hub events (docs/hooks.md)

    public static final Key<String> WEBHOOK_URLS = declare(Key.text(
            "pushhub.webhook.urls",
            null,
            "comma-separated http(s) URLs that receive every hub event (topic, member, user, connection) as signed"
                    + " JSON batches; unset: no webhooks, nothing queued"));

    /** Required with URLs: the hub refuses to send unsigned webhooks (the start fails, naming this key). */
    public static final Key<String> WEBHOOK_SECRET = declare(Key.text(
            "pushhub.webhook.secret",
            null,
            "HMAC-SHA256 key of the PushHub-Signature header, at least 16 characters (required with urls; never"
                    + " logged)"));

    public static final Key<String> WEBHOOK_EVENTS = declare(Key.text(
            "pushhub.webhook.events",
            "*",
            "event types sent to the URLs, comma-separated (topic.occupied, topic.vacated, member.joined, member.left,"
                    + " user.online, user.offline, connection.closed), or * for all"));

    public static final Key<Duration> WEBHOOK_RETRY_FOR = declare(Key.duration(
            "pushhub.webhook.retry-for",
            "PT1H",
            "PT0S",
            "P7D",
            "how long a batch is retried (backoff 0.5 s doubling to 1 min) after its oldest event; then dropped and"
                    + " counted"));

    public static final Key<Integer> WEBHOOK_BATCH_SIZE = declare(Key.integer(
            "pushhub.webhook.batch-size", 100, 1, 10_000, "most events in one webhook request (a JSON array)"));

    public static final Key<Duration> WEBHOOK_TIMEOUT = declare(Key.duration(
            "pushhub.webhook.timeout",
            "PT10S",
            "PT0.1S",
            "PT5M",
            "longest a receiver may take to answer a webhook request; then it counts as failed and is retried"));

    public static final Key<Integer> WEBHOOK_MAX_QUEUED = declare(Key.integer(
            "pushhub.webhook.max-queued",
            10_000,
            10,
            10_000_000,
            "events waiting for delivery per URL (memory broker) or in the Redis stream (redis broker); beyond it the"
                    + " oldest are dropped and counted"));

    public static final Key<Duration> WEBHOOK_OFFLINE_GRACE = declare(Key.duration(
            "pushhub.webhook.offline-grace",
            "PT10S",
            "PT0S",
            "PT1H",
            "user.offline waits this long after a user's last connection closed, and is not sent if the user"
                    + " reconnects (to any node) meanwhile"));

    /** Every key, in declaration order. */
    public static final List<Key<?>> ALL = List.copyOf(DECLARED);

    /** Every key by name. */
    public static final Map<String, Key<?>> BY_NAME;

    static {
        Map<String, Key<?>> m = new LinkedHashMap<>();
        ALL.forEach(k -> m.put(k.name(), k));
        BY_NAME = java.util.Collections.unmodifiableMap(m);
    }
}
