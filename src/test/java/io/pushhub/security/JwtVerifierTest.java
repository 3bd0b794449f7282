package io.pushhub.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.config.Keys;
import io.pushhub.config.TestConfigs;
import io.pushhub.testsupport.Jwts;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {

    static JwtVerifier verifier(String keyMaterial, String algorithm, String issuer) {
        Map<String, String> c = new HashMap<>();
        c.put(Keys.JWT_PUBLIC_KEY.name(), keyMaterial);
        c.put(Keys.JWT_ALGORITHM.name(), algorithm);
        c.put(Keys.JWT_ISSUER.name(), issuer);
        return verifier(c);
    }

    /** A verifier with the default configuration but for {@code settings} (key name to value). */
    static JwtVerifier verifier(Map<String, String> settings) {
        JwtVerifier v = new JwtVerifier();
        v.config = TestConfigs.with(settings);
        v.init();
        return v;
    }

    static String pem(String resource) throws Exception {
        try (var in = JwtVerifierTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void acceptsAValidTokenAndReadsUserAndGroups() throws Exception {
        JwtVerifier v = verifier(pem("jwt/it-public.pem"), "RS256", Jwts.ISSUER);
        JwtVerifier.Verified ok = v.verify(Jwts.token("alice", List.of("publisher", "dev")));
        assertEquals("alice", ok.userId());
        assertEquals(Set.of("publisher", "dev"), ok.groups());
    }

    @Test
    void refusesForgedExpiredAndForeignTokens() throws Exception {
        JwtVerifier v = verifier(pem("jwt/it-public.pem"), "RS256", Jwts.ISSUER);
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verify(Jwts.signedByStranger("m")))
                .getMessage()
                .contains("signature"));
        assertTrue(assertThrows(
                        InvalidTokenException.class,
                        () -> v.verify(Jwts.token("a", List.of(), Instant.now().minusSeconds(120))))
                .getMessage()
                .contains("expired"));
        // Within the 60 s clock skew an expired token is still accepted.
        assertEquals(
                "a",
                v.verify(Jwts.token("a", List.of(), Instant.now().minusSeconds(30)))
                        .userId());
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verify(Jwts.withIssuer("a", "https://x")))
                .getMessage()
                .contains("issuer"));
        assertThrows(InvalidTokenException.class, () -> v.verify("a.b"));
        assertThrows(InvalidTokenException.class, () -> v.verify("e30.e30.AAAA"));
    }

    @Test
    void refusesAlgNoneAndTamperedPayload() throws Exception {
        JwtVerifier v = verifier(pem("jwt/it-public.pem"), "RS256", null);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String claims = Jwts.claims(
                "root", List.of("publisher"), Jwts.ISSUER, Instant.now().plusSeconds(60));
        String none = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".";
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verify(none))
                .getMessage()
                .contains("algorithm"));

        String good = Jwts.token("alice", List.of());
        String[] p = good.split("\\.");
        String tampered = p[0] + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + p[2];
        assertThrows(InvalidTokenException.class, () -> v.verify(tampered));
    }

    @Test
    void requiresExp() throws Exception {
        JwtVerifier v = verifier(pem("jwt/it-public.pem"), "RS256", null);
        String noExp = Jwts.sign("jwt/it-private.pem", "{\"sub\":\"x\"}");
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verify(noExp))
                .getMessage()
                .contains("exp"));
    }

    @Test
    void es256WithAJwksKey() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = gen.generateKeyPair();
        ECPublicKey pub = (ECPublicKey) kp.getPublic();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String jwks = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k1\",\"x\":\""
                + b64.encodeToString(fixed(pub.getW().getAffineX().toByteArray())) + "\",\"y\":\""
                + b64.encodeToString(fixed(pub.getW().getAffineY().toByteArray())) + "\"}]}";
        JwtVerifier v = verifier(jwks, "ES256", null);
        String header = b64.encodeToString("{\"alg\":\"ES256\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(
                ("{\"sub\":\"ec-user\",\"exp\":" + (Instant.now().getEpochSecond() + 60) + "}")
                        .getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initSign(kp.getPrivate());
        s.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        assertEquals(
                "ec-user",
                v.verify(header + "." + payload + "." + b64.encodeToString(s.sign()))
                        .userId());
    }

    @Test
    void withoutAKeyEveryTokenIsRefused() {
        JwtVerifier v = verifier(Map.of());
        assertFalse(v.enabled());
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verify(Jwts.token("a", List.of())))
                .getMessage()
                .contains("not configured"));
    }

    private static byte[] fixed(byte[] unsigned) {
        byte[] out = new byte[32];
        int n = Math.min(32, unsigned.length);
        System.arraycopy(unsigned, unsigned.length - n, out, 32 - n, n);
        return out;
    }
}
