package io.pushhub.events;

import io.pushhub.HubEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers one URL's backlog: one batch in flight at a time (so batches arrive in order), posted asynchronously with
 * {@link HttpClient} (no thread waits for a receiver), retried with exponential backoff (0.5 s doubling to 1 min)
 * until {@code retryFor} after the batch's oldest event, then dropped, counted and logged. A receiver that hangs
 * costs one request until {@code timeout}, then counts as a failure like any other.
 *
 * <p>{@link #step} runs on the webhook thread only; the HTTP completion just leaves its outcome for the next step.
 */
final class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class.getName());
    static final long FIRST_BACKOFF_MS = 500;
    static final long MAX_BACKOFF_MS = 60_000;

    private record Outcome(List<HubEvent> batch, int sent, int status, Throwable failure) {
        boolean ok() {
            return failure == null && status >= 200 && status < 300;
        }
    }

    private final URI url;
    private final Backlog backlog;
    private final WebhookSignature signature;
    private final HttpClient http;
    private final int batchSize;
    private final Duration timeout;
    private final Duration retryFor;
    private final Predicate<String> wanted;
    private final WebhookStats stats;
    private final Clock clock;

    private volatile boolean inFlight;
    private volatile Outcome outcome;
    private long notBeforeNanos;
    private int failures;
    private long lastWarning;
    /** The time of the oldest event this sender has taken and not finished with (null: idle). */
    private volatile java.time.Instant waitingSince;

    WebhookSender(
            URI url,
            Backlog backlog,
            WebhookSignature signature,
            HttpClient http,
            int batchSize,
            Duration timeout,
            Duration retryFor,
            Predicate<String> wanted,
            WebhookStats stats,
            Clock clock) {
        this.url = url;
        this.backlog = backlog;
        this.signature = signature;
        this.http = http;
        this.batchSize = batchSize;
        this.timeout = timeout;
        this.retryFor = retryFor;
        this.wanted = wanted;
        this.stats = stats;
        this.clock = clock;
    }

    Backlog backlog() {
        return backlog;
    }

    /** Seconds since the oldest event not yet delivered by this node's sender (0 when idle or another node sends). */
    double lagSeconds() {
        java.time.Instant since = waitingSince;
        return since == null
                ? 0
                : Math.max(0, Duration.between(since, clock.instant()).toMillis() / 1000.0);
    }

    /** One move: settle a finished request, or send the next batch when it is time. Never throws. */
    void step() {
        try {
            Outcome done = outcome;
            if (done != null) {
                outcome = null;
                settle(done);
                inFlight = false;
            }
            if (inFlight || System.nanoTime() - notBeforeNanos < 0) {
                return;
            }
            List<HubEvent> batch = backlog.head(batchSize);
            if (batch.isEmpty()) {
                waitingSince = null;
                return;
            }
            waitingSince = batch.get(0).time();
            List<HubEvent> send =
                    batch.stream().filter(e -> wanted.test(e.type())).toList();
            if (send.isEmpty()) {
                backlog.acknowledge(batch); // only types this URL does not want
                return;
            }
            inFlight = true;
            post(batch, send);
        } catch (Exception e) {
            // Usually Redis unreachable: the backlog is still there, try again after a pause.
            notBeforeNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            LOG.log(Level.FINE, "webhook step for " + HubEvents.describe(url) + " failed", e);
        }
    }

    private void post(List<HubEvent> batch, List<HubEvent> send) {
        String body = EventJson.body(send);
        long t = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "pushhub-webhooks")
                .header(WebhookSignature.HEADER, signature.sign(t, body))
                .header("PushHub-Event-Count", Integer.toString(send.size()))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    // Also bounds a receiver that sends its headers and then never finishes the body.
                    .orTimeout(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)
                    .whenComplete(
                            (r, ex) -> outcome = new Outcome(batch, send.size(), r == null ? 0 : r.statusCode(), ex));
        } catch (RuntimeException e) {
            outcome = new Outcome(batch, send.size(), 0, e);
        }
    }

    private void settle(Outcome o) throws Exception {
        if (o.ok()) {
            stats.delivered().add(o.sent());
            failures = 0;
            backlog.acknowledge(o.batch());
            return;
        }
        stats.failed().increment();
        failures++;
        String why = o.failure() != null ? String.valueOf(o.failure()) : "HTTP " + o.status();
        Duration age = Duration.between(o.batch().get(0).time(), clock.instant());
        if (age.compareTo(retryFor) >= 0) {
            stats.dropped().add(o.sent());
            LOG.warning(() -> "webhook " + HubEvents.describe(url) + ": dropping " + o.sent() + " event(s) after "
                    + failures + " failed attempt(s) over pushhub.webhook.retry-for (" + retryFor + "); last: " + why);
            failures = 0;
            backlog.acknowledge(o.batch());
            return;
        }
        long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(20, failures - 1));
        notBeforeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff);
        long now = System.nanoTime();
        if (now - lastWarning > TimeUnit.MINUTES.toNanos(1) || lastWarning == 0) {
            lastWarning = now;
            int n = failures;
            LOG.warning(() ->
                    "webhook " + HubEvents.describe(url) + " failed (" + why + "), attempt " + n + "; retrying in "
                            + backoff + " ms (further failures of this URL are logged at most once a minute)");
        }
    }
}
