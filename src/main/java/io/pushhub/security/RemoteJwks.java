package io.pushhub.security;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.net.ssl.SSLSocketFactory;
import org.jose4j.http.Get;
import org.jose4j.http.SimpleGet;
import org.jose4j.http.SimpleResponse;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * A JWKS at an {@code https:} (or, when allowed, {@code http:}) URL, on jose4j's {@link HttpsJwks}.
 *
 * <ul>
 *   <li>Fetched at start, then again when the copy is older than {@code refresh} (checked on use: the request that
 *       finds it stale fetches, concurrent ones keep using the current keys). The response's own cache headers are
 *       ignored, so the configured interval is what happens.
 *   <li>A token whose {@code kid} is not in the set triggers a fetch ({@link #refreshForUnknownKid()}).
 *   <li>Whatever the trigger, two fetches are at least {@code minGap} apart: jose4j's "refresh reprieve" skips a
 *       refresh that follows a fetch within the gap, and {@link GatedGet} refuses any HTTP request within the gap of
 *       the previous attempt (which also covers a failing or empty set, where jose4j would fetch on every token).
 *   <li>When a fetch fails the keys already held stay in use (for a gap, then the next use tries again).
 * </ul>
 */
final class RemoteJwks {

    private static final Logger LOG = Logger.getLogger(RemoteJwks.class.getName());

    private final String location;
    private final Duration refresh;
    private final Duration minGap;
    private final HttpsJwks jwks;
    private final GatedGet get;

    RemoteJwks(String location, Duration refresh, Duration minGap, SSLSocketFactory tls) {
        this.location = location;
        this.refresh = refresh;
        this.minGap = minGap;
        Get http = new Get();
        http.setConnectTimeout(5000);
        http.setReadTimeout(5000);
        // No retries inside one fetch: the first fetch runs while the application starts and later ones in a request
        // thread; a failed fetch is tried again on use once the gap has passed.
        http.setRetries(0);
        if (tls != null) {
            http.setSslSocketFactory(tls);
        }
        get = new GatedGet(http, minGap.toMillis());
        jwks = new HttpsJwks(location);
        jwks.setSimpleHttpGet(get);
        jwks.setDefaultCacheDuration(ceilSeconds(refresh));
        jwks.setRefreshReprieveThreshold(minGap.toMillis());
        jwks.setRetainCacheOnErrorDuration(ceilSeconds(minGap));
    }

    private static long ceilSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    String location() {
        return location;
    }

    Duration refresh() {
        return refresh;
    }

    Duration minGap() {
        return minGap;
    }

    /** Fetches now (at start). JoseException: the body is not a JWKS ({@link #lastBody()} has it). */
    void fetchNow() throws JoseException, IOException {
        jwks.refresh();
    }

    /** The current keys, fetched again first if the copy is older than the refresh interval. */
    List<JsonWebKey> keys() throws JoseException, IOException {
        return jwks.getJsonWebKeys();
    }

    /** A token named a kid we do not hold: fetch again, unless the last fetch was less than the gap ago. */
    void refreshForUnknownKid() {
        try {
            jwks.refresh();
        } catch (IOException | JoseException e) {
            LOG.fine(() -> "pushhub: no JWKS refresh from " + location + " for an unknown kid: " + e.getMessage());
        }
    }

    /** HTTP requests made (successful or not). */
    int fetches() {
        return get.fetches.get();
    }

    String lastBody() {
        return get.lastBody;
    }

    /** Rate-limits requests, refuses non-200s (Get does), and hides cache headers so our interval applies. */
    static final class GatedGet implements SimpleGet {
        private final SimpleGet delegate;
        private final long gapMillis;
        private final AtomicInteger fetches = new AtomicInteger();
        private long lastAttempt = -1;
        private volatile String lastBody;

        GatedGet(SimpleGet delegate, long gapMillis) {
            this.delegate = delegate;
            this.gapMillis = gapMillis;
        }

        @Override
        public SimpleResponse get(String location) throws IOException {
            synchronized (this) {
                long now = System.nanoTime() / 1_000_000;
                if (lastAttempt >= 0 && now - lastAttempt < gapMillis) {
                    throw new IOException("JWKS fetched " + (now - lastAttempt) + " ms ago; next fetch allowed after "
                            + gapMillis + " ms (pushhub.jwt.jwks-min-refresh-gap)");
                }
                lastAttempt = now;
            }
            fetches.incrementAndGet();
            SimpleResponse r;
            try {
                r = delegate.get(location);
            } catch (IOException e) {
                LOG.warning(() -> "pushhub: fetching the JWKS from " + location + " failed: " + e);
                throw e;
            }
            lastBody = r.getBody();
            return new SimpleResponse() {
                @Override
                public int getStatusCode() {
                    return r.getStatusCode();
                }

                @Override
                public String getStatusMessage() {
                    return r.getStatusMessage();
                }

                @Override
                public Collection<String> getHeaderNames() {
                    return List.of();
                }

                @Override
                public List<String> getHeaderValues(String name) {
                    return null;
                }

                @Override
                public String getBody() {
                    return r.getBody();
                }
            };
        }
    }
}
