package io.pushhub.security;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a browser page from {@code Origin} may open a WebSocket. Allowed: no Origin header (not a browser),
 * same origin as the request's {@code Host}, localhost / 127.0.0.1 / [::1] on any port, any origin listed in {@code
 * pushhub.ws.allowed-origins}, or everything when that list contains {@code *}. Everything else is refused.
 */
public final class OriginPolicy {

    private final List<String> allowed;
    private final boolean any;

    public OriginPolicy(List<String> allowedOrigins) {
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalize).toList();
        this.any = allowed.contains("*");
    }

    public boolean allows(String origin, String hostHeader) {
        if (origin == null || origin.isBlank()) {
            return true;
        }
        if (any) {
            return true;
        }
        String o = normalize(origin);
        if (allowed.contains(o)) {
            return true;
        }
        URI uri;
        try {
            uri = URI.create(o);
        } catch (IllegalArgumentException e) {
            return false;
        }
        String host = uri.getHost();
        if (host == null) {
            return false; // "null" origins (file:, sandboxed frames) only when listed
        }
        if (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1")) {
            return true;
        }
        if (hostHeader != null) {
            int port = uri.getPort() != -1 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
            String h = hostHeader.trim().toLowerCase(Locale.ROOT);
            return h.equals(host + ":" + port) || (h.equals(host) && (port == 80 || port == 443));
        }
        return false;
    }

    private static String normalize(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
