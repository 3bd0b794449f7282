package io.pushhub.authorization;

import io.pushhub.protocol.JsonDepth;
import io.pushhub.stats.Count;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The authorization hook over HTTP: one {@code POST} of a JSON question to the backend's URL per command, sent with
 * {@link HttpClient#sendAsync} so that no thread waits for the answer (a backend that hangs costs a socket and a
 * permit, never a thread). Bounded everywhere:
 *
 * <ul>
 *   <li>at most {@code max-in-flight} requests at once on this node; past that a question fails at once as {@link
 *       HookDecision.Outcome#OVERLOAD} (and {@code on-failure} decides);
 *   <li>each request is abandoned (and its exchange cancelled) after {@code timeout}: {@link
 *       HookDecision.Outcome#TIMEOUT};
 *   <li>an answer larger than {@link #MAX_ANSWER_BYTES}, nested deeper than {@link JsonDepth#MAX_DEPTH}, not JSON, not
 *       an object with a boolean {@code allow}, or with a non-2xx status is {@link HookDecision.Outcome#ERROR};
 *   <li>subscribe answers (not failures) are cached per user and topic for {@code cache-ttl}, at most {@code
 *       cache-size} of them ({@link DecisionCache}).
 * </ul>
 *
 * Redirects are not followed. With a secret, each request carries {@code X-PushHub-Timestamp} (epoch seconds) and
 * {@code X-PushHub-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>}.
 */
public final class HttpAuthorizationHook implements AuthorizationHook {

    private static final Logger LOG = Logger.getLogger(HttpAuthorizationHook.class.getName());
    /** The largest answer read; a rewritten publish's data must fit in it. */
    static final int MAX_ANSWER_BYTES = 1 << 20;
    /** A backend's reason is cut to this many characters before it reaches a client. */
    static final int MAX_REASON_LENGTH = 200;

    /**
     * What the hook needs from the configuration.
     *
     * @param url the backend's URL (http or https)
     * @param events the events that ask
     * @param topics globs of the topics whose subscribe and publish ask
     * @param timeout longest wait for an answer
     * @param allowOnFailure what a failure decides
     * @param cacheTtl how long a subscribe answer is reused; zero: never
     * @param cacheSize subscribe answers kept; zero: none
     * @param secret HMAC key, or null for unsigned requests
     * @param maxInFlight requests at once
     */
    public record Settings(
            URI url,
            Set<Event> events,
            List<String> topics,
            Duration timeout,
            boolean allowOnFailure,
            Duration cacheTtl,
            int cacheSize,
            String secret,
            int maxInFlight) {}

    private final Settings settings;
    private final List<Pattern> topics;
    private final HttpClient http;
    private final Semaphore inFlight;
    private final DecisionCache cache;
    private final Map<Event, Map<HookDecision.Outcome, Count>> outcomes = new EnumMap<>(Event.class);
    private final Count cacheHits = new Count();
    private volatile LongConsumer[] latency = new LongConsumer[Event.values().length];
    private final AtomicBoolean failing = new AtomicBoolean();

    /**
     * @param executor runs the HTTP client's work and every completion (the hub's continuation of a decided command);
     *     owned by the caller
     */
    public HttpAuthorizationHook(Settings settings, ExecutorService executor) {
        this.settings = settings;
        this.topics =
                settings.topics().stream().map(HttpAuthorizationHook::glob).toList();
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        this.inFlight = new Semaphore(settings.maxInFlight());
        this.cache = new DecisionCache(settings.cacheSize(), settings.cacheTtl());
        for (Event e : Event.values()) {
            Map<HookDecision.Outcome, Count> m = new EnumMap<>(HookDecision.Outcome.class);
            for (HookDecision.Outcome o : HookDecision.Outcome.values()) {
                m.put(o, new Count());
            }
            outcomes.put(e, m);
        }
    }

    @Override
    public boolean asks(Event event, String topic) {
        if (!settings.events().contains(event)) {
            return false;
        }
        if (topic == null) {
            return true;
        }
        for (Pattern p : topics) {
            if (p.matcher(topic).matches()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public CompletableFuture<HookDecision> ask(HookRequest request) {
        String cacheKey = request.event() == Event.SUBSCRIBE ? request.user() + '\u0000' + request.topic() : null;
        if (cacheKey != null) {
            HookDecision cached = cache.get(cacheKey);
            if (cached != null) {
                cacheHits.increment();
                return CompletableFuture.completedFuture(cached);
            }
        }
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.completedFuture(counted(
                    request.event(),
                    HookDecision.failed(
                            HookDecision.Outcome.OVERLOAD,
                            "the authorization backend has " + settings.maxInFlight()
                                    + " questions waiting (pushhub.hook.max-in-flight)",
                            settings.allowOnFailure()),
                    0));
        }
        long start = System.nanoTime();
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                inFlight.release();
            }
        };
        CompletableFuture<HttpResponse<byte[]>> exchange;
        try {
            exchange = http.sendAsync(httpRequest(request), info -> new LimitedBody(MAX_ANSWER_BYTES));
        } catch (RuntimeException e) { // e.g. an URL the client refuses; never thrown out of ask
            release.run();
            return CompletableFuture.completedFuture(
                    counted(request.event(), failure(HookDecision.Outcome.ERROR, e), System.nanoTime() - start));
        }
        exchange.whenComplete((r, t) -> release.run());
        CompletableFuture<HookDecision> decided = exchange.handle(
                (response, thrown) -> thrown != null ? failure(thrown) : answer(request.event(), response));
        // The request time-out covers the wait for the status line; this one also covers a body that never ends.
        return decided.completeOnTimeout(null, settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenApplyAsync(
                        d -> {
                            HookDecision out = d;
                            if (out == null) {
                                exchange.cancel(true);
                                out = failure(
                                        HookDecision.Outcome.TIMEOUT,
                                        "no answer within " + settings.timeout() + " (pushhub.hook.timeout)");
                            }
                            if (cacheKey != null && !out.outcome().failure()) {
                                cache.put(cacheKey, out);
                            }
                            return counted(request.event(), out, System.nanoTime() - start);
                        },
                        http.executor().orElseThrow());
    }

    private HttpRequest httpRequest(HookRequest r) {
        String body = body(r);
        HttpRequest.Builder b = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("X-PushHub-Event", r.event().wire())
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (settings.secret() != null) {
            String timestamp = Long.toString(System.currentTimeMillis() / 1000);
            b.header("X-PushHub-Timestamp", timestamp)
                    .header("X-PushHub-Signature", "sha256=" + sign(settings.secret(), timestamp + "." + body));
        }
        return b.build();
    }

    /** The question as JSON: {@code event, user, anonymous, groups, connection, transport}, then topic and data. */
    static String body(HookRequest r) {
        JsonArrayBuilder groups = Json.createArrayBuilder();
        r.groups().stream().sorted().forEach(groups::add);
        JsonObjectBuilder o = Json.createObjectBuilder()
                .add("event", r.event().wire())
                .add("user", r.user())
                .add("anonymous", r.anonymous())
                .add("groups", groups)
                .add("connection", r.connection())
                .add("transport", r.transport());
        if (r.topic() != null) {
            o.add("topic", r.topic());
        }
        if (r.data() != null) {
            o.add("data", r.data());
        }
        return o.build().toString();
    }

    /** HMAC-SHA256 of {@code text} with {@code secret}, lower-case hex. */
    public static String sign(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The backend's answer read: {@code {"allow": bool, "reason"?: string, "data"?: any, "info"?: any}}. */
    private HookDecision answer(Event event, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            return failure(HookDecision.Outcome.ERROR, "the authorization backend answered HTTP " + status);
        }
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (JsonDepth.exceeds(text, JsonDepth.MAX_DEPTH)) {
            return failure(HookDecision.Outcome.ERROR, "the authorization backend's answer is nested too deeply");
        }
        JsonObject o;
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            JsonValue v = reader.readValue();
            if (v.getValueType() != JsonValue.ValueType.OBJECT) {
                return failure(HookDecision.Outcome.ERROR, "the authorization backend's answer is not a JSON object");
            }
            o = v.asJsonObject();
        } catch (RuntimeException e) {
            return failure(HookDecision.Outcome.ERROR, "the authorization backend's answer is not JSON");
        }
        JsonValue allow = o.get("allow");
        if (allow != JsonValue.TRUE && allow != JsonValue.FALSE) {
            return failure(HookDecision.Outcome.ERROR, "the authorization backend's answer has no boolean 'allow'");
        }
        String reason = o.get("reason") instanceof JsonString s ? cut(s.getString()) : null;
        if (allow == JsonValue.FALSE) {
            return HookDecision.deny(reason != null ? reason : "denied by the application");
        }
        JsonValue data = event == Event.PUBLISH ? o.get("data") : null;
        JsonValue info = event == Event.CONNECT ? o.get("info") : null;
        return new HookDecision(HookDecision.Outcome.ALLOW, true, reason, data, info);
    }

    private HookDecision failure(Throwable thrown) {
        Throwable t = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (t instanceof HttpTimeoutException) {
            return failure(
                    HookDecision.Outcome.TIMEOUT, "no answer within " + settings.timeout() + " (pushhub.hook.timeout)");
        }
        return failure(HookDecision.Outcome.ERROR, t);
    }

    private HookDecision failure(HookDecision.Outcome outcome, Throwable t) {
        LOG.log(Level.FINE, "authorization hook " + settings.url() + " failed", t);
        return failure(
                outcome,
                "the authorization backend could not be asked (" + t.getClass().getSimpleName() + ")");
    }

    private HookDecision failure(HookDecision.Outcome outcome, String why) {
        return HookDecision.failed(outcome, why, settings.allowOnFailure());
    }

    private HookDecision counted(Event event, HookDecision d, long nanos) {
        outcomes.get(event).get(d.outcome()).increment();
        if (d.outcome() != HookDecision.Outcome.OVERLOAD) {
            LongConsumer l = latency[event.ordinal()];
            if (l != null) {
                l.accept(nanos);
            }
        }
        if (d.outcome().failure()) {
            if (failing.compareAndSet(false, true)) {
                LOG.warning(() -> "pushhub: the authorization hook " + settings.url() + " failed ("
                        + d.outcome().label()
                        + ": " + d.reason() + "); questions it cannot answer are "
                        + (settings.allowOnFailure() ? "allowed" : "denied")
                        + " (pushhub.hook.on-failure) until it answers again");
            }
        } else if (failing.compareAndSet(true, false)) {
            LOG.info(() -> "pushhub: the authorization hook " + settings.url() + " answers again");
        }
        return d;
    }

    private static String cut(String s) {
        return s.length() <= MAX_REASON_LENGTH ? s : s.substring(0, MAX_REASON_LENGTH);
    }

    private static Pattern glob(String glob) {
        String[] parts = glob.trim().split("\\*", -1);
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append(".*");
            }
            re.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.toString());
    }

    // ---------------------------------------------------------------- for metrics and tests

    /** Questions about {@code event} that ended with {@code outcome} (cache hits not included). */
    public Count outcomes(Event event, HookDecision.Outcome outcome) {
        return outcomes.get(event).get(outcome);
    }

    /** Subscribe questions answered from the cache. */
    public Count cacheHits() {
        return cacheHits;
    }

    /** From now on every answered (or timed-out, failed) request's duration in nanoseconds goes to {@code nanos}. */
    public void latencyTo(Event event, LongConsumer nanos) {
        LongConsumer[] copy = latency.clone();
        copy[event.ordinal()] = nanos;
        latency = copy;
    }

    /** Requests waiting for an answer now. */
    public int inFlight() {
        return settings.maxInFlight() - inFlight.availablePermits();
    }

    /** Subscribe answers cached now. */
    public int cached() {
        return cache.size();
    }

    /** Reads at most {@code max} bytes of a body; a longer one fails the exchange (the rest is not read). */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        private Flow.Subscription subscription;

        LimitedBody(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                if (out.size() + b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new java.io.IOException("answer larger than " + max + " bytes"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
