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
 * <p>JWT verification uses the standard MicroProfile JWT keys ({@code mp.jwt.verify.*}); see {@link
 * io.pushhub.security.JwtVerifier}.
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

    /** Outbound bytes (UTF-16 chars x2, approximated) queued per connection before the policy applies. Default 4 MiB. */
    @Inject
    @ConfigProperty(name = "pushhub.outbox.max-bytes", defaultValue = "4194304")
    long outboxMaxBytes;

    /** Topic patterns (glob, {@code *} = any run of characters) clients may publish to. Default {@code chat:*}. */
    @Inject
    @ConfigProperty(name = "pushhub.topics.client-publish", defaultValue = "chat:*")
    List<String> clientPublishTopics;

    /** Topic patterns whose subscribers get join/leave presence notices. Default {@code chat:*}. */
    @Inject
    @ConfigProperty(name = "pushhub.topics.presence", defaultValue = "chat:*")
    List<String> presenceTopics;

    /**
     * Topic patterns no client may subscribe to (server-side pushes to them still work). Topics starting with {@code $}
     * are always reserved, and {@code user:<id>} only for user {@code <id>}. Default: {@code internal:*}.
     */
    @Inject
    @ConfigProperty(name = "pushhub.topics.subscribe-deny", defaultValue = "internal:*")
    List<String> subscribeDenyTopics;

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
        return commaList(apiKeys);
    }

    public String publisherGroup() {
        return publisherGroup;
    }

    public boolean anonymousAllowed() {
        return anonymousAllowed;
    }

    public List<String> allowedOrigins() {
        return commaList(allowedOrigins);
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

    public List<String> clientPublishTopics() {
        return clientPublishTopics;
    }

    public List<String> presenceTopics() {
        return presenceTopics;
    }

    public List<String> subscribeDenyTopics() {
        return subscribeDenyTopics;
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

    public Duration sseHeartbeat() {
        return clamp(sseHeartbeat, Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    public Duration sseResumeWindow() {
        return clamp(sseResumeWindow, Duration.ZERO, Duration.ofMinutes(10));
    }

    public int sseReplayFrames() {
        return clamp(sseReplayFrames, 0, 100_000);
    }

    /**
     * Splits an optional comma-separated value. Injected as {@code Optional<String>} and split here because Payara 6's
     * MicroProfile Config fails on {@code Optional<List<String>>} (ClassCastException at injection).
     */
    public static List<String> commaList(Optional<String> value) {
        return value.map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
