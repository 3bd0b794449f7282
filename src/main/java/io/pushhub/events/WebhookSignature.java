package io.pushhub.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code PushHub-Signature} header of a webhook request: {@code t=<unix seconds>,v1=<hex>}, where {@code v1} is
 * HMAC-SHA256, keyed with {@code pushhub.webhook.secret}, over {@code <t> + "." + <raw body>}. The time is inside the
 * MAC so a receiver that rejects old timestamps (docs/hooks.md suggests 5 minutes) also rejects replays.
 */
public final class WebhookSignature {

    public static final String HEADER = "PushHub-Signature";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public WebhookSignature(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The header value for {@code body} sent at {@code unixSeconds}. */
    public String sign(long unixSeconds, String body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac(unixSeconds, body));
    }

    /** Whether {@code header} is a valid signature of {@code body} (constant-time compare; a receiver's check). */
    public boolean verifies(String header, String body) {
        long t = -1;
        String v1 = null;
        for (String part : header == null ? new String[0] : header.split(",")) {
            String p = part.trim();
            if (p.startsWith("t=")) {
                try {
                    t = Long.parseLong(p.substring(2));
                } catch (NumberFormatException e) {
                    return false;
                }
            } else if (p.startsWith("v1=")) {
                v1 = p.substring(3);
            }
        }
        if (t < 0 || v1 == null) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(v1);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, mac(t, body));
    }

    private byte[] mac(long unixSeconds, String body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal((unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
