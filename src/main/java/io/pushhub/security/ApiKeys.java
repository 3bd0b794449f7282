package io.pushhub.security;

import io.pushhub.config.HubConfig;
import io.pushhub.ids.Ids;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Logger;

/**
 * The API keys that may push. From {@code pushhub.api-keys}; when none is configured, one random key is generated at
 * start-up and written to the server log, so a dev run is never open to anyone who can reach the port.
 */
@ApplicationScoped
public class ApiKeys {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class.getName());
    /** The log line a developer greps for; the README quotes it. */
    static final String GENERATED_MESSAGE =
            "pushhub: no pushhub.api-keys configured; generated publisher API key for this run: ";

    @Inject
    HubConfig config;

    private final List<byte[]> digests = new ArrayList<>();
    private boolean generated;

    @PostConstruct
    void init() {
        List<String> keys = config.apiKeys();
        if (keys.isEmpty()) {
            byte[] raw = Ids.secret(24);
            String key = "dev-" + HexFormat.of().formatHex(raw);
            keys = List.of(key);
            generated = true;
            LOG.warning(GENERATED_MESSAGE + key);
        } else {
            LOG.info(() -> "pushhub: " + config.apiKeys().size() + " publisher API key(s) configured");
        }
        for (String k : keys) {
            digests.add(sha256(k));
        }
    }

    /** Creates the bean at start-up so the generated key is in the log before anyone needs it. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        digests.size();
    }

    /** Constant-time check of a presented key. */
    public boolean matches(String candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return false;
        }
        byte[] d = sha256(candidate);
        boolean ok = false;
        for (byte[] k : digests) {
            ok |= MessageDigest.isEqual(k, d);
        }
        return ok;
    }

    public boolean generated() {
        return generated;
    }

    /** SHA-256 of a string's UTF-8 bytes (API keys are compared by digest; anonymous ids derive from one). */
    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
