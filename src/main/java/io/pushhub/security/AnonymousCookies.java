package io.pushhub.security;

import io.pushhub.config.HubConfig;
import io.pushhub.ids.Ids;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The anonymous user's identity: a signed cookie, {@code pushhub-anon=<id>.<HMAC-SHA256(secret, id)>}, so the same
 * browser is the same anonymous user across tabs, transports, server restarts and the nodes of a cluster, and nobody
 * can make up a cookie for a user they are not. The server keeps no state for it (no HTTP session).
 *
 * <p>The secret: {@code pushhub.anonymous.secret} if set (every node of a cluster sets the same). Otherwise one is
 * generated at the first start and kept in {@code pushhub.anonymous.secret-file} (relative to the server's working
 * directory: Liberty's server output directory), read again at every later start. If that file can be neither read nor
 * written, a secret for this run only is used, with a WARNING: anonymous users then change at the next start.
 *
 * <p>The cookie is {@code HttpOnly}, lives a year, and is {@code SameSite=Lax} over plain HTTP (sent to the hub from
 * pages of the same site, e.g. {@code app.example.com} and {@code push.example.com}) and {@code SameSite=None; Secure}
 * over HTTPS (also from other sites, in browsers that allow third-party cookies).
 */
@ApplicationScoped
public class AnonymousCookies {

    public static final String NAME = "pushhub-anon";

    /** A year, in seconds. */
    static final int MAX_AGE = 365 * 24 * 3600;

    /** Longest cookie value looked at: 22 characters of id, a dot, 43 of MAC. */
    private static final int MAX_VALUE_LENGTH = 80;

    private static final String MINTED = AnonymousCookies.class.getName() + ".minted";
    private static final Logger LOG = Logger.getLogger(AnonymousCookies.class.getName());
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    @Inject
    HubConfig config;

    private SecretKeySpec key;

    /** For CDI. */
    public AnonymousCookies() {}

    /** With this secret (tests, tools). */
    public AnonymousCookies(byte[] secret) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    @PostConstruct
    void init() {
        key = new SecretKeySpec(secret(config.anonymousSecret(), Path.of(config.anonymousSecretFile())), "HmacSHA256");
    }

    /** Reads (or creates) the secret when the application starts, so a problem with its file is logged then. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        key.getAlgorithm();
    }

    /** A new cookie: its value and the id it stands for. */
    public record Minted(String value, String id) {}

    public Minted mint() {
        String id = B64.encodeToString(Ids.secret(16));
        return new Minted(id + "." + mac(id), id);
    }

    /** The id of a cookie value this server signed, or null (absent, malformed, or signed with another secret). */
    public String verify(String value) {
        if (value == null || value.length() > MAX_VALUE_LENGTH) {
            return null;
        }
        int dot = value.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        String id = value.substring(0, dot);
        byte[] given = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        byte[] expected = mac(id).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(given, expected) ? id : null;
    }

    /**
     * The caller's anonymous cookie for {@link IdentityResolver}: the id of its valid {@code pushhub-anon} cookie; with
     * {@code create} and none, a new cookie is set on {@code res} (once per request) and its id returned.
     */
    public IdentityResolver.AnonymousCookie of(HttpServletRequest req, HttpServletResponse res) {
        return create -> {
            String id = verify(valueIn(req.getCookies()));
            if (id != null) {
                return id;
            }
            if (req.getAttribute(MINTED) instanceof Minted m) {
                return m.id();
            }
            if (!create || res == null) {
                return null;
            }
            Minted m = mint();
            req.setAttribute(MINTED, m);
            res.addHeader("Set-Cookie", setCookie(m.value(), req.isSecure(), req.getContextPath()));
            return m.id();
        };
    }

    /** The value minted for this request by {@link #of}, or null. */
    public static String mintedIn(HttpServletRequest req) {
        return req.getAttribute(MINTED) instanceof Minted m ? m.value() : null;
    }

    /** The anonymous cookie for callers that only have the request headers (the WebSocket configurator). */
    public IdentityResolver.AnonymousCookie of(Map<String, List<String>> headers) {
        return create -> verify(valueIn(headers));
    }

    /** A {@code Set-Cookie} header value. */
    static String setCookie(String value, boolean secure, String contextPath) {
        String path = contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
        return NAME + "=" + value + "; Path=" + path + "; Max-Age=" + MAX_AGE + "; HttpOnly"
                + (secure ? "; SameSite=None; Secure" : "; SameSite=Lax");
    }

    static String valueIn(Cookie[] cookies) {
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (NAME.equals(c.getName())) {
                    return c.getValue();
                }
            }
        }
        return null;
    }

    /** The cookie's value from {@code Cookie} request headers (names in any case), or null. */
    public static String valueIn(Map<String, List<String>> headers) {
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            if (h.getKey() == null || h.getValue() == null || !h.getKey().equalsIgnoreCase("Cookie")) {
                continue;
            }
            for (String line : h.getValue()) {
                for (String pair : line.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).trim().equals(NAME)) {
                        return pair.substring(eq + 1).trim();
                    }
                }
            }
        }
        return null;
    }

    private String mac(String id) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return B64.encodeToString(m.doFinal(("pushhub-anon:" + id).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The signing secret: the configured one, else the one kept in {@code file} (created when missing). */
    static byte[] secret(String configured, Path file) {
        if (configured != null && !configured.isBlank()) {
            if (configured.length() < 32) {
                LOG.warning("pushhub configuration: pushhub.anonymous.secret is " + configured.length()
                        + " characters long; use at least 32 random characters, or anyone who guesses it can act as"
                        + " any anonymous user");
            }
            return sha256(configured);
        }
        try {
            if (Files.exists(file)) {
                return read(file);
            }
            byte[] fresh = Ids.secret(32);
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.write(
                        file,
                        (Base64.getEncoder().encodeToString(fresh) + "\n").getBytes(StandardCharsets.US_ASCII),
                        StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                return read(file); // another node or application on the same directory was first
            }
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            LOG.info("pushhub: generated the secret of the anonymous-user cookie in " + file.toAbsolutePath()
                    + "; set pushhub.anonymous.secret on every node of a cluster instead");
            return fresh;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warning("pushhub: cannot read or create " + file.toAbsolutePath() + " (" + e
                    + "); anonymous users keep their id only until this server stops. Set pushhub.anonymous.secret"
                    + " or a writable pushhub.anonymous.secret-file");
            return Ids.secret(32);
        }
    }

    private static byte[] read(Path file) throws IOException {
        byte[] b = Base64.getDecoder()
                .decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
        if (b.length < 32) {
            throw new IOException("it holds " + b.length + " bytes, fewer than 32");
        }
        return b;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
