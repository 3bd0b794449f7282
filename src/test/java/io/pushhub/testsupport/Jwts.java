package io.pushhub.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Signs test JWTs (RS256) with the test-only key pair in src/test/resources/jwt. The server under test trusts
 * {@code it-public.pem}; {@code other-private.pem} is a stranger's key.
 */
public final class Jwts {

    public static final String ISSUER = "https://it.pushhub.test";

    private Jwts() {}

    public static String token(String subject, List<String> groups, Instant expires) {
        return sign("jwt/it-private.pem", claims(subject, groups, ISSUER, expires));
    }

    public static String token(String subject, List<String> groups) {
        return token(subject, groups, Instant.now().plusSeconds(600));
    }

    public static String signedByStranger(String subject) {
        return sign(
                "jwt/other-private.pem",
                claims(subject, List.of(), ISSUER, Instant.now().plusSeconds(600)));
    }

    public static String withIssuer(String subject, String issuer) {
        return sign(
                "jwt/it-private.pem",
                claims(subject, List.of(), issuer, Instant.now().plusSeconds(600)));
    }

    public static String claims(String subject, List<String> groups, String issuer, Instant expires) {
        StringBuilder g = new StringBuilder("[");
        for (int i = 0; i < groups.size(); i++) {
            g.append(i > 0 ? "," : "").append('"').append(groups.get(i)).append('"');
        }
        g.append(']');
        return "{\"iss\":\"" + issuer + "\",\"sub\":\"" + subject + "\",\"upn\":\"" + subject + "\",\"groups\":" + g
                + ",\"iat\":" + Instant.now().getEpochSecond() + ",\"exp\":" + expires.getEpochSecond() + "}";
    }

    public static String sign(String keyResource, String claimsJson) {
        try {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
            String payload = b64.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(privateKey(keyResource));
            s.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + b64.encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey privateKey(String resource) throws Exception {
        String pem;
        try (InputStream in = Jwts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            pem = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }
}
