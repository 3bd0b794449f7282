package io.pushhub.authorization;

import io.pushhub.config.HubConfig;
import io.pushhub.config.Keys;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The node's authorization hook, built once from the configuration ({@code pushhub.hook.*}): an {@link
 * HttpAuthorizationHook} when {@code pushhub.hook.url} is set, else {@link AuthorizationHook#NONE}. A URL the hub
 * cannot use (not http or https, no host) stops the start: a hook the operator configured must not be skipped silently.
 */
@ApplicationScoped
public class AuthorizationHooks {

    private static final Logger LOG = Logger.getLogger(AuthorizationHooks.class.getName());
    /** Threads of the hook's HTTP client, which also continue the commands it decided (short work, never a wait). */
    static final int THREADS = 2;

    @Inject
    HubConfig config;

    private AuthorizationHook hook = AuthorizationHook.NONE;
    private ExecutorService executor;

    @PostConstruct
    void init() {
        if (config.hookUrl().isEmpty()) {
            LOG.fine("pushhub: no authorization hook (pushhub.hook.url unset)");
            return;
        }
        String url = config.hookUrl().get();
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw refuse(url, "it is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw refuse(url, "it is not an http: or https: URL with a host");
        }
        Set<AuthorizationHook.Event> events = EnumSet.noneOf(AuthorizationHook.Event.class);
        for (String e : config.hookEvents()) {
            boolean known = false;
            for (AuthorizationHook.Event ev : AuthorizationHook.Event.values()) {
                if (ev.wire().equals(e)) {
                    events.add(ev);
                    known = true;
                }
            }
            if (!known) {
                LOG.warning(() -> "pushhub configuration: " + Keys.HOOK_EVENTS.name() + " names '" + e
                        + "', which is not connect, subscribe or publish; ignored");
            }
        }
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "pushhub-hook-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpAuthorizationHook.Settings s = new HttpAuthorizationHook.Settings(
                uri,
                events,
                config.hookTopics(),
                config.hookTimeout(),
                config.hookAllowsOnFailure(),
                config.hookCacheTtl(),
                config.hookCacheSize(),
                config.hookSecret().orElse(null),
                config.hookMaxInFlight());
        hook = new HttpAuthorizationHook(s, executor);
        if (s.secret() == null) {
            LOG.warning("pushhub: the authorization hook's requests are not signed (no pushhub.hook.secret): the"
                    + " backend cannot tell them from anyone else's");
        }
        LOG.info(() -> "pushhub authorization hook: " + uri + " asked on " + events + " (topics " + s.topics()
                + "), time-out " + s.timeout() + ", on failure " + (s.allowOnFailure() ? "allow" : "deny")
                + ", subscribe answers cached " + s.cacheTtl() + " (at most " + s.cacheSize() + "), at most "
                + s.maxInFlight() + " requests in flight");
    }

    private static IllegalStateException refuse(String url, String why) {
        String m = "pushhub configuration: " + Keys.HOOK_URL.name() + "=" + url + " cannot be used: " + why
                + "; the application does not start";
        LOG.severe(m);
        return new IllegalStateException(m);
    }

    @PreDestroy
    void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** The hook; {@link AuthorizationHook#NONE} when none is configured. */
    public AuthorizationHook hook() {
        return hook;
    }

    /** The HTTP hook, or null when none is configured (metrics). */
    public HttpAuthorizationHook http() {
        return hook instanceof HttpAuthorizationHook h ? h : null;
    }
}
