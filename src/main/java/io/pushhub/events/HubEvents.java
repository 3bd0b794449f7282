package io.pushhub.events;

import io.pushhub.HubEvent;
import io.pushhub.broker.redis.RedisLink;
import io.pushhub.config.HubConfig;
import io.pushhub.config.Keys;
import io.pushhub.presence.LocalConnections;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Hub events and webhooks of one node, put together from the configuration: the {@link EventLedger} that decides the
 * transitions (memory or Redis, like the broker) and one {@link WebhookSender} per URL. Off entirely, at no cost, when
 * there is no webhook URL and no CDI observer of {@link HubEvent}: then the ledger is {@link #OFF}.
 *
 * <p>Threads: one webhook thread ({@code pushhub-webhooks}) steps every sender every {@value #STEP_MS} ms, and one HTTP
 * completion thread; no thread per request or per pending event.
 */
public final class HubEvents {

    private static final Logger LOG = Logger.getLogger(HubEvents.class.getName());
    static final long STEP_MS = 100;

    /** The ledger when events are off: nothing recorded, no sequence known. */
    public static final EventLedger OFF = new EventLedger() {
        @Override
        public void connected(String connectionId, String userId) {}

        @Override
        public void subscribed(String connectionId, String userId, String topic) {}

        @Override
        public void unsubscribed(String connectionId, String userId, String topic) {}

        @Override
        public void disconnected(String connectionId, String userId, Set<String> topics, int closeCode) {}

        @Override
        public OptionalLong topicSeq(String topic) {
            return OptionalLong.empty();
        }

        @Override
        public OptionalLong userSeq(String userId) {
            return OptionalLong.empty();
        }

        @Override
        public void stop() {}
    };

    private final EventLedger ledger;
    private final List<WebhookSender> senders;
    private final WebhookStats stats;
    private final ScheduledExecutorService webhookThread;
    private final ExecutorService httpThread;
    private final RedisEventLedger redisLedger;

    private HubEvents(
            EventLedger ledger,
            RedisEventLedger redisLedger,
            List<WebhookSender> senders,
            WebhookStats stats,
            ScheduledExecutorService webhookThread,
            ExecutorService httpThread) {
        this.ledger = ledger;
        this.redisLedger = redisLedger;
        this.senders = senders;
        this.stats = stats;
        this.webhookThread = webhookThread;
        this.httpThread = httpThread;
    }

    /**
     * @param link the cluster's Redis, or null with the memory broker
     * @param presenceTopic which topics have members
     * @param cdi fires an event to this application's observers (must not block)
     * @param observed whether this application observes {@link HubEvent}s at all
     * @throws IllegalArgumentException for webhook settings that cannot work (the application does not start)
     */
    public static HubEvents create(
            HubConfig config,
            String node,
            RedisLink link,
            LocalConnections registry,
            Predicate<String> presenceTopic,
            Consumer<HubEvent> cdi,
            boolean observed) {
        List<URI> urls;
        Predicate<String> wanted;
        WebhookSignature signature;
        try {
            urls = urls(config.webhookUrls());
            wanted = wanted(config.webhookEvents());
            signature = urls.isEmpty() ? null : signature(config);
        } catch (IllegalArgumentException e) {
            LOG.severe("pushhub configuration: " + e.getMessage() + "; the application does not start");
            throw e;
        }
        WebhookStats stats = new WebhookStats();
        if (urls.isEmpty() && !observed) {
            return new HubEvents(OFF, null, List.of(), stats, null, null);
        }
        Clock clock = Clock.systemUTC();
        ScheduledExecutorService webhookThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pushhub-webhooks");
            t.setDaemon(true);
            return t;
        });
        ExecutorService httpThread = urls.isEmpty()
                ? null
                : Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "pushhub-webhooks-http");
                    t.setDaemon(true);
                    return t;
                });
        HttpClient http = urls.isEmpty()
                ? null
                : HttpClient.newBuilder()
                        .executor(httpThread)
                        .connectTimeout(config.webhookTimeout())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
        List<WebhookSender> senders = new ArrayList<>();
        List<MemoryBacklog> memory = new ArrayList<>();
        for (URI url : urls) {
            Backlog backlog;
            if (link == null) {
                MemoryBacklog m = new MemoryBacklog(config.webhookMaxQueued(), stats.dropped());
                memory.add(m);
                backlog = m;
            } else {
                long lease = config.webhookTimeout().toMillis() * 2 + 5_000;
                backlog = new RedisBacklog(link, config.redisPrefix(), urlKey(url), node, lease);
            }
            senders.add(new WebhookSender(
                    url,
                    backlog,
                    signature,
                    http,
                    config.webhookBatchSize(),
                    config.webhookTimeout(),
                    config.webhookRetryFor(),
                    wanted,
                    stats,
                    clock));
        }
        Consumer<HubEvent> sink = e -> {
            cdi.accept(e);
            if (wanted.test(e.type())) {
                memory.forEach(m -> m.add(e));
            }
        };
        EventLedger ledger;
        RedisEventLedger redisLedger = null;
        if (link == null) {
            ledger = new MemoryEventLedger(
                    node, presenceTopic, config.webhookOfflineGrace(), clock, webhookThread, sink);
        } else {
            redisLedger = new RedisEventLedger(
                    link,
                    registry,
                    config.redisPrefix(),
                    node,
                    presenceTopic,
                    config.webhookOfflineGrace(),
                    config.presenceTtl(),
                    urls.isEmpty() ? 0 : config.webhookMaxQueued(),
                    clock,
                    sink);
            ledger = redisLedger;
        }
        LOG.info(() -> "hub events on (" + (link == null ? "memory" : "redis") + " ledger, offline grace "
                + config.webhookOfflineGrace() + "); webhooks: "
                + (urls.isEmpty()
                        ? "none"
                        : urls + " (events " + config.webhookEvents() + ", batch " + config.webhookBatchSize()
                                + ", retry for " + config.webhookRetryFor() + ")"));
        return new HubEvents(ledger, redisLedger, List.copyOf(senders), stats, webhookThread, httpThread);
    }

    /** Starts the ledger's Redis tick (if any) and the webhook steps. Call before connections arrive. */
    public void start() {
        if (redisLedger != null) {
            redisLedger.start();
        }
        if (!senders.isEmpty()) {
            webhookThread.scheduleWithFixedDelay(
                    () -> senders.forEach(WebhookSender::step), STEP_MS, STEP_MS, TimeUnit.MILLISECONDS);
        }
    }

    public EventLedger ledger() {
        return ledger;
    }

    public WebhookStats stats() {
        return stats;
    }

    /** Events waiting (memory: in the queues; Redis: in the stream), summed over the URLs; 0 without webhooks. */
    public long queued() {
        long n = 0;
        for (WebhookSender s : senders) {
            n += Math.max(0, s.backlog().depth());
            if (!(s.backlog() instanceof MemoryBacklog)) {
                return n; // one shared stream
            }
        }
        return n;
    }

    /** Age in seconds of the oldest event this node is trying to deliver (the worst URL). */
    public double lagSeconds() {
        return senders.stream().mapToDouble(WebhookSender::lagSeconds).max().orElse(0);
    }

    public void stop() {
        ledger.stop();
        senders.forEach(s -> s.backlog().stop());
        if (webhookThread != null) {
            webhookThread.shutdownNow();
        }
        if (httpThread != null) {
            httpThread.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ configuration checks

    static List<URI> urls(List<String> configured) {
        List<URI> out = new ArrayList<>();
        for (String u : configured) {
            URI uri;
            try {
                uri = URI.create(u);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(Keys.WEBHOOK_URLS.name() + ": '" + u + "' is not a URL", e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException(
                        Keys.WEBHOOK_URLS.name() + ": '" + u + "' is not an absolute http(s) URL");
            }
            out.add(uri);
        }
        return out;
    }

    static WebhookSignature signature(HubConfig config) {
        String secret = config.webhookSecret()
                .orElseThrow(() -> new IllegalArgumentException(Keys.WEBHOOK_SECRET.name()
                        + " is required with " + Keys.WEBHOOK_URLS.name()
                        + ": the hub signs every webhook (docs/hooks.md)"));
        if (secret.length() < 16) {
            throw new IllegalArgumentException(
                    Keys.WEBHOOK_SECRET.name() + " must have at least 16 characters (it has " + secret.length() + ")");
        }
        return new WebhookSignature(secret);
    }

    static Predicate<String> wanted(List<String> events) {
        if (events.isEmpty() || events.contains("*")) {
            return type -> true;
        }
        Set<String> set = new HashSet<>();
        for (String e : events) {
            if (!EventJson.TYPES.contains(e)) {
                throw new IllegalArgumentException(Keys.WEBHOOK_EVENTS.name() + ": unknown event type '" + e
                        + "' (known: " + String.join(", ", EventJson.TYPES) + ", or *)");
            }
            set.add(e);
        }
        return set::contains;
    }

    /** A short name of a URL for Redis keys (the same on every node; the URL itself may hold a token). */
    static String urlKey(URI url) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256").digest(url.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** For the log: a URL without its query (which may hold a token). */
    static String describe(URI url) {
        return url.getScheme() + "://" + url.getAuthority() + (url.getPath() == null ? "" : url.getPath());
    }
}
