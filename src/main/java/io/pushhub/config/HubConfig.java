package io.pushhub.config;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * pushhub's configuration: every key of {@link Keys} read once, at start-up, from MicroProfile Config (server.xml
 * {@code <variable>} elements, environment variables such as {@code PUSHHUB_WS_MAX_SUBSCRIPTIONS} for {@code
 * pushhub.ws.max-subscriptions}, system properties, {@code META-INF/microprofile-config.properties}). The keys, their
 * defaults and ranges are declared in {@link Keys}; the README's configuration table lists the same.
 *
 * <p>A configured value the hub cannot use is never silently changed: it is replaced as its {@link Key} says (a number
 * or duration out of range by the nearest bound, unreadable text by the default) and a WARNING names the key, the
 * value given, the value used and the allowed range, once, when the application starts. A {@code pushhub.broker} that
 * is neither {@code memory} nor {@code redis} stops the start.
 */
@ApplicationScoped
public class HubConfig {

    private static final Logger LOG = Logger.getLogger(HubConfig.class.getName());

    @Inject
    Config mpConfig;

    private Map<Key<?>, Object> values;
    private List<String> warnings;

    /** Reads every key from {@code source} (a key's name to its configured text, if any): for tests and tools. */
    public static HubConfig from(Function<String, Optional<String>> source) {
        HubConfig c = new HubConfig();
        c.load(source);
        return c;
    }

    @PostConstruct
    void init() {
        load(name -> mpConfig.getOptionalValue(name, String.class));
    }

    /** Reads the configuration when the application starts, so that its warnings come then. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // @PostConstruct has run.
    }

    private void load(Function<String, Optional<String>> source) {
        Map<Key<?>, Object> v = new HashMap<>();
        List<String> w = new ArrayList<>();
        for (Key<?> key : Keys.ALL) {
            Key.Resolved<?> r;
            try {
                r = key.resolve(source.apply(key.name()).orElse(null));
            } catch (IllegalArgumentException e) {
                LOG.severe("pushhub configuration: " + e.getMessage() + "; the application does not start");
                throw e;
            }
            if (r.value() != null) {
                v.put(key, r.value());
            }
            if (r.warning() != null) {
                w.add(r.warning());
            }
        }
        // The one rule across two keys: no fetch gap longer than the refresh period.
        Duration refresh = (Duration) v.get(Keys.JWKS_REFRESH);
        Duration gap = (Duration) v.get(Keys.JWKS_MIN_REFRESH_GAP);
        if (gap.compareTo(refresh) > 0) {
            v.put(Keys.JWKS_MIN_REFRESH_GAP, refresh);
            w.add(Keys.JWKS_MIN_REFRESH_GAP.name() + "=" + gap + " is longer than " + Keys.JWKS_REFRESH.name() + " ("
                    + refresh + "; allowed: " + Keys.JWKS_MIN_REFRESH_GAP.rangeText() + ", at most "
                    + Keys.JWKS_REFRESH.name() + "); using " + refresh);
        }
        String rate = (String) v.get(Keys.TRACE_SAMPLE_RATE);
        if (rate != null && !validSampleRate(rate)) {
            w.add(Keys.TRACE_SAMPLE_RATE.name() + "=" + rate + " is not a fraction from 0 to 1; using "
                    + sampleRate(rate));
        }
        w.forEach(m -> LOG.warning("pushhub configuration: " + m));
        this.values = Map.copyOf(v);
        this.warnings = List.copyOf(w);
    }

    /** The value in use for {@code key}: as configured, else its default (null for a key with none), as resolved. */
    public <T extends Comparable<? super T>> T get(Key<T> key) {
        return key.type().cast(values.get(key));
    }

    /** The warnings logged at start-up about configured values that were replaced (for tests and diagnostics). */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Comma-separated lists are read as one string and split here: Payara's MicroProfile Config cannot inject
     * {@code Optional<List<String>>}, and the same WAR must run there.
     */
    public static List<String> split(String value) {
        if (value == null) {
            return List.of();
        }
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    // ---------------------------------------------------------------- publishers and JWT

    public List<String> apiKeys() {
        return split(get(Keys.API_KEYS));
    }

    public String publisherGroup() {
        return get(Keys.JWT_PUBLISHER_GROUP);
    }

    /** {@code mp.jwt.verify.publickey}, if set and not blank. */
    public Optional<String> jwtPublicKey() {
        return nonBlank(get(Keys.JWT_PUBLIC_KEY));
    }

    /** {@code mp.jwt.verify.publickey.location}, trimmed, if set and not blank. */
    public Optional<String> jwtPublicKeyLocation() {
        return nonBlank(get(Keys.JWT_PUBLIC_KEY_LOCATION)).map(String::trim);
    }

    /** As configured; {@code JwtVerifier} refuses every token when it is not an algorithm it allows. */
    public String jwtAlgorithm() {
        return get(Keys.JWT_ALGORITHM);
    }

    public Optional<String> jwtIssuer() {
        return nonBlank(get(Keys.JWT_ISSUER));
    }

    public List<String> jwtAudiences() {
        return split(get(Keys.JWT_AUDIENCES));
    }

    public int jwtClockSkewSeconds() {
        return get(Keys.JWT_CLOCK_SKEW);
    }

    public Duration jwksRefresh() {
        return get(Keys.JWKS_REFRESH);
    }

    /** At most {@link #jwksRefresh()}. */
    public Duration jwksMinRefreshGap() {
        return get(Keys.JWKS_MIN_REFRESH_GAP);
    }

    public boolean allowInsecureHttpKeys() {
        return get(Keys.JWT_ALLOW_INSECURE_HTTP_KEYS);
    }

    // ---------------------------------------------------------------- WebSocket clients

    public boolean anonymousAllowed() {
        return get(Keys.WS_ANONYMOUS);
    }

    public List<String> allowedOrigins() {
        return split(get(Keys.WS_ALLOWED_ORIGINS));
    }

    /** The configured secret for the anonymous-user cookie, or null. */
    public String anonymousSecret() {
        return get(Keys.ANONYMOUS_SECRET);
    }

    public String anonymousSecretFile() {
        return get(Keys.ANONYMOUS_SECRET_FILE);
    }

    public int maxFrameBytes() {
        return get(Keys.WS_MAX_FRAME_BYTES);
    }

    public int maxSubscriptions() {
        return get(Keys.WS_MAX_SUBSCRIPTIONS);
    }

    public int ratePerSecond() {
        return get(Keys.WS_RATE_PER_SECOND);
    }

    public int rateBurst() {
        return get(Keys.WS_RATE_BURST);
    }

    // ---------------------------------------------------------------- outbound queues and delivery

    public int outboxMaxMessages() {
        return get(Keys.OUTBOX_MAX_MESSAGES);
    }

    public long outboxMaxBytes() {
        return get(Keys.OUTBOX_MAX_BYTES);
    }

    public DeliveryPolicy outboxPolicy() {
        return DeliveryPolicy.parse(get(Keys.OUTBOX_POLICY));
    }

    public long outboxAnonymousMaxBytes() {
        return get(Keys.OUTBOX_ANONYMOUS_MAX_BYTES);
    }

    /** As configured, or with 0 one per available processor (at most 256). */
    public int deliveryThreads() {
        int n = get(Keys.DELIVERY_THREADS);
        return n == 0 ? Math.min(256, Runtime.getRuntime().availableProcessors()) : n;
    }

    public int deliveryBatchMax() {
        return get(Keys.DELIVERY_BATCH_MAX);
    }

    public int deliveryBatchMaxBytes() {
        return get(Keys.DELIVERY_BATCH_MAX_BYTES);
    }

    public String wsReadConfirmations() {
        return get(Keys.WS_READ_CONFIRMATIONS);
    }

    public Duration deliveryWriteTimeout() {
        return get(Keys.DELIVERY_WRITE_TIMEOUT);
    }

    public Duration deliveryLivenessTimeout() {
        return get(Keys.DELIVERY_LIVENESS_TIMEOUT);
    }

    public Duration shutdownFlushTimeout() {
        return get(Keys.SHUTDOWN_FLUSH_TIMEOUT);
    }

    // ---------------------------------------------------------------- topics, time ticker, demo jobs, pushes

    public List<String> clientPublishTopics() {
        return split(get(Keys.TOPICS_CLIENT_PUBLISH));
    }

    public List<String> presenceTopics() {
        return split(get(Keys.TOPICS_PRESENCE));
    }

    public List<String> subscribeDenyTopics() {
        return split(get(Keys.TOPICS_SUBSCRIBE_DENY));
    }

    // ---------------------------------------------------------------- authorization (docs/authorization.md)

    public List<String> subscribeTokenRequiredTopics() {
        return split(get(Keys.TOPICS_SUBSCRIBE_TOKEN_REQUIRED));
    }

    public Optional<String> hookUrl() {
        return Optional.ofNullable(get(Keys.HOOK_URL)).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** The hook events configured, lower case; names other than connect, subscribe, publish are left to the caller. */
    public List<String> hookEvents() {
        return split(get(Keys.HOOK_EVENTS)).stream()
                .map(e -> e.toLowerCase(Locale.ROOT))
                .toList();
    }

    public List<String> hookTopics() {
        return split(get(Keys.HOOK_TOPICS));
    }

    public Duration hookTimeout() {
        return get(Keys.HOOK_TIMEOUT);
    }

    /** True: a question the hook could not answer is allowed; false (default): denied. */
    public boolean hookAllowsOnFailure() {
        return "allow".equals(get(Keys.HOOK_ON_FAILURE));
    }

    public Duration hookCacheTtl() {
        return get(Keys.HOOK_CACHE_TTL);
    }

    public int hookCacheSize() {
        return get(Keys.HOOK_CACHE_SIZE);
    }

    public Optional<String> hookSecret() {
        return Optional.ofNullable(get(Keys.HOOK_SECRET)).filter(s -> !s.isEmpty());
    }

    public int hookMaxInFlight() {
        return get(Keys.HOOK_MAX_IN_FLIGHT);
    }

    public int hookMaxPendingPerConnection() {
        return get(Keys.HOOK_MAX_PENDING_PER_CONNECTION);
    }

    public boolean timeEnabled() {
        return get(Keys.TIME_ENABLED);
    }

    public boolean demoEnabled() {
        return get(Keys.DEMO_ENABLED);
    }

    public int demoSteps() {
        return get(Keys.DEMO_STEPS);
    }

    public Duration demoInterval() {
        return get(Keys.DEMO_INTERVAL);
    }

    public int demoMaxJobs() {
        return get(Keys.DEMO_MAX_JOBS);
    }

    public int pushMaxBodyBytes() {
        return get(Keys.PUSH_MAX_BODY_BYTES);
    }

    public int scheduledMaxPending() {
        return get(Keys.SCHEDULED_MAX_PENDING);
    }

    public Duration scheduledMaxDelay() {
        return get(Keys.SCHEDULED_MAX_DELAY);
    }

    public String scheduledJdbcUrl() {
        return get(Keys.SCHEDULED_JDBC_URL).trim();
    }

    public Optional<String> scheduledUser() {
        return nonBlank(get(Keys.SCHEDULED_USER));
    }

    public Optional<String> scheduledPassword() {
        return Optional.ofNullable(get(Keys.SCHEDULED_PASSWORD));
    }

    public String scheduledTable() {
        return get(Keys.SCHEDULED_TABLE).trim();
    }

    public Duration scheduledPollInterval() {
        return get(Keys.SCHEDULED_POLL_INTERVAL);
    }

    public Duration scheduledLease() {
        return get(Keys.SCHEDULED_LEASE);
    }

    public int transactionMaxPushes() {
        return get(Keys.TRANSACTION_MAX_PUSHES);
    }

    public Duration pushMaxTtl() {
        return get(Keys.PUSH_MAX_TTL);
    }

    /** Whether OpenTelemetry spans are on ({@code otel.sdk.disabled=false}). */
    public boolean otelEnabled() {
        return !get(Keys.OTEL_SDK_DISABLED);
    }

    /** {@code pushhub.trace.sample-rate} as a fraction in 0..1 (0 for text that is not a number). */
    public double traceSampleRate() {
        return sampleRate(get(Keys.TRACE_SAMPLE_RATE));
    }

    static boolean validSampleRate(String text) {
        try {
            double d = Double.parseDouble(text.trim());
            return d >= 0 && d <= 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static double sampleRate(String text) {
        try {
            double d = Double.parseDouble(text.trim());
            return Double.isNaN(d) ? 0 : Math.max(0, Math.min(1, d));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    public int traceJournalMaxMessages() {
        return get(Keys.TRACE_JOURNAL_MAX_MESSAGES);
    }

    public int traceJournalMaxEntries() {
        return get(Keys.TRACE_JOURNAL_MAX_ENTRIES);
    }

    public Duration traceJournalRetention() {
        return get(Keys.TRACE_JOURNAL_RETENTION);
    }

    public Duration idempotencyWindow() {
        return get(Keys.IDEMPOTENCY_WINDOW);
    }

    public int idempotencyMaxKeys() {
        return get(Keys.IDEMPOTENCY_MAX_KEYS);
    }

    /** Sticky server-side subscriptions stored per user ({@code pushhub.subscriptions.max-sticky}). */
    public int subscriptionsMaxSticky() {
        return get(Keys.SUBSCRIPTIONS_MAX_STICKY);
    }

    // ---------------------------------------------------------------- SSE transport

    public Duration sseHeartbeat() {
        return get(Keys.SSE_HEARTBEAT);
    }

    public Duration sseResumeWindow() {
        return get(Keys.SSE_RESUME_WINDOW);
    }

    public int sseReplayFrames() {
        return get(Keys.SSE_REPLAY_FRAMES);
    }

    // ---------------------------------------------------------------- cluster and history

    /** {@code memory} or {@code redis}, lower case (anything else stopped the start). */
    public String broker() {
        return get(Keys.BROKER);
    }

    public String redisUri() {
        return get(Keys.REDIS_URI).trim();
    }

    public String redisPrefix() {
        return get(Keys.REDIS_PREFIX).trim();
    }

    public Duration redisTimeout() {
        return get(Keys.REDIS_TIMEOUT);
    }

    public Duration presenceTtl() {
        return get(Keys.PRESENCE_TTL);
    }

    /** The history rules; empty for {@code none}. */
    public List<String> historyTopics() {
        return split(get(Keys.HISTORY_TOPICS)).stream()
                .filter(s -> !s.toLowerCase(Locale.ROOT).equals("none"))
                .toList();
    }

    public int historySize() {
        return get(Keys.HISTORY_SIZE);
    }

    public Duration historyTtl() {
        return get(Keys.HISTORY_TTL);
    }

    public long historyMaxBytes() {
        return get(Keys.HISTORY_MAX_BYTES);
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    // ---------------------------------------------------------------- outbox relay

    public boolean relayEnabled() {
        return get(Keys.RELAY_ENABLED);
    }

    public Optional<String> relayJdbcUrl() {
        return nonBlank(get(Keys.RELAY_JDBC_URL)).map(String::trim);
    }

    public Optional<String> relayUser() {
        return nonBlank(get(Keys.RELAY_USER));
    }

    public Optional<String> relayPassword() {
        return Optional.ofNullable(get(Keys.RELAY_PASSWORD));
    }

    public String relayTable() {
        return get(Keys.RELAY_TABLE).trim();
    }

    public int relayBatchSize() {
        return get(Keys.RELAY_BATCH_SIZE);
    }

    public Duration relayPollInterval() {
        return get(Keys.RELAY_POLL_INTERVAL);
    }

    public int relayPartitions() {
        return get(Keys.RELAY_PARTITIONS);
    }

    public boolean relayCreateTable() {
        return get(Keys.RELAY_CREATE_TABLE);
    }

    // ---------------------------------------------------------------- webhooks and hub events

    /** The webhook URLs as configured (checked by the webhook sender: http or https, absolute). */
    public List<String> webhookUrls() {
        return split(get(Keys.WEBHOOK_URLS));
    }

    public Optional<String> webhookSecret() {
        return nonBlank(get(Keys.WEBHOOK_SECRET));
    }

    /** The event types to send, lower case; {@code *} for all. */
    public List<String> webhookEvents() {
        return split(get(Keys.WEBHOOK_EVENTS)).stream()
                .map(s -> s.toLowerCase(Locale.ROOT))
                .toList();
    }

    public Duration webhookRetryFor() {
        return get(Keys.WEBHOOK_RETRY_FOR);
    }

    public int webhookBatchSize() {
        return get(Keys.WEBHOOK_BATCH_SIZE);
    }

    public Duration webhookTimeout() {
        return get(Keys.WEBHOOK_TIMEOUT);
    }

    public int webhookMaxQueued() {
        return get(Keys.WEBHOOK_MAX_QUEUED);
    }

    public Duration webhookOfflineGrace() {
        return get(Keys.WEBHOOK_OFFLINE_GRACE);
    }

    public Duration receiptsRetention() {
        return get(Keys.RECEIPTS_RETENTION);
    }

    public int receiptsMaxMessages() {
        return get(Keys.RECEIPTS_MAX_MESSAGES);
    }

    public int receiptsMaxRecipients() {
        return get(Keys.RECEIPTS_MAX_RECIPIENTS);
    }

    public int receiptsMaxEscalations() {
        return get(Keys.RECEIPTS_MAX_ESCALATIONS);
    }
}
