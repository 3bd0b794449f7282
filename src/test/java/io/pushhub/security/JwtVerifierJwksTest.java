package io.pushhub.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.pushhub.config.Keys;
import io.pushhub.config.TestConfigs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JwtVerifier on jose4j: a JWKS fetched from a real local HTTPS server (self-signed certificate made by keytool for
 * the test), rotation, refresh on unknown kid and its rate limit, periodic refresh, plain http: refused without the
 * flag, crit headers, and the claim checks.
 */
class JwtVerifierJwksTest {

    static final String ISSUER = "https://idp.test";

    static RsaJsonWebKey keyA;
    static RsaJsonWebKey keyB;
    static RsaJsonWebKey keyC;
    static RsaJsonWebKey stranger;

    @TempDir
    static Path tmp;

    static KeyStore tlsKeys;

    private final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeAll
    static void keys() throws Exception {
        keyA = rsa("a");
        keyB = rsa("b");
        keyC = rsa("c");
        stranger = rsa("s");
        // A self-signed certificate for 127.0.0.1, made with the JDK's keytool (no API for it in the JDK).
        Path ks = tmp.resolve("tls.p12");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "jwks",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=ip:127.0.0.1,dns:localhost",
                        "-validity",
                        "2",
                        "-keystore",
                        ks.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        tlsKeys = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(ks)) {
            tlsKeys.load(in, "changeit".toCharArray());
        }
    }

    @AfterEach
    void stopServers() throws Exception {
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    // ------------------------------------------------------------------ tests: remote JWKS

    @Test
    void httpsJwksRotatesWithoutRestart() throws Exception {
        JwksServer server = https();
        server.serve(jwks(keyA));
        JwtVerifier v = remote(server.url(), Duration.ofHours(1), Duration.ofSeconds(1), false, trusting());
        assertTrue(v.enabled());
        assertEquals(1, server.requests.get());
        assertEquals("alice", v.verify(token(keyA, "a", claims("alice"))).userId());
        assertEquals(1, server.requests.get(), "a known kid is served from the cache");

        // The issuer rotates: B replaces A. A token from B names an unknown kid, which triggers a fetch.
        server.serve(jwks(keyB));
        Thread.sleep(1100); // past the minimum gap since the fetch at start
        assertEquals("bob", v.verify(token(keyB, "b", claims("bob"))).userId());
        assertEquals(2, server.requests.get());
        // A's key is gone: its tokens no longer verify (the kid is unknown; the gap forbids another fetch now).
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verify(token(keyA, "a", claims("alice"))))
                .getMessage()
                .contains("signature"));
        assertEquals(2, server.requests.get());
    }

    @Test
    void httpsCertificateIsVerified() throws Exception {
        JwksServer server = https();
        server.serve(jwks(keyA));
        // The JVM's default trust store does not trust the test's self-signed certificate.
        JwtVerifier v = remote(server.url(), Duration.ofHours(1), Duration.ofSeconds(1), false, null);
        assertTrue(v.enabled(), "keeps the location and tries again later");
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verify(token(keyA, "a", claims("alice"))))
                .getMessage()
                .contains("could not be fetched"));
    }

    @Test
    void unknownKidRefreshIsRateLimited() throws Exception {
        JwksServer server = https();
        server.serve(jwks(keyA));
        JwtVerifier v = remote(server.url(), Duration.ofHours(1), Duration.ofSeconds(2), false, trusting());
        assertEquals(1, server.requests.get());
        // A flood of tokens with made-up kids right after the start fetch: no fetch at all.
        for (int i = 0; i < 20; i++) {
            String t = token(stranger, "x" + i, claims("mallory"));
            assertThrows(InvalidTokenException.class, () -> v.verify(t));
        }
        assertEquals(1, server.requests.get());

        Thread.sleep(2100);
        server.serve(jwks(keyA, keyC));
        assertEquals(
                "carol", v.verify(token(keyC, "c", claims("carol"))).userId(), "unknown kid after the gap: fetched");
        assertEquals(2, server.requests.get());
        for (int i = 0; i < 20; i++) {
            String t = token(stranger, "y" + i, claims("mallory"));
            assertThrows(InvalidTokenException.class, () -> v.verify(t));
        }
        assertEquals(2, server.requests.get(), "at most one fetch per gap");

        // Even a genuinely new key waits for the gap.
        server.serve(jwks(keyA, keyC, keyB));
        assertThrows(InvalidTokenException.class, () -> v.verify(token(keyB, "b", claims("bob"))));
        assertEquals(2, server.requests.get());
        Thread.sleep(2100);
        assertEquals("bob", v.verify(token(keyB, "b", claims("bob"))).userId());
        assertEquals(3, server.requests.get());
    }

    @Test
    void periodicRefreshDropsARemovedKeyEvenForAKnownKid() throws Exception {
        JwksServer server = https();
        server.cacheControl = "max-age=86400"; // ignored: the configured interval applies
        server.serve(jwks(keyA));
        // 3 s: long enough for the first checks below even on a slow, busy machine.
        JwtVerifier v = remote(server.url(), Duration.ofSeconds(3), Duration.ofMillis(100), false, trusting());
        String tokenA = token(keyA, "a", claims("alice"));
        assertEquals("alice", v.verify(tokenA).userId());
        server.serve(jwks(keyB)); // A revoked
        assertEquals("alice", v.verify(tokenA).userId(), "until the refresh interval passes, the cached set is used");
        assertEquals(1, server.requests.get());
        Thread.sleep(3200);
        assertThrows(InvalidTokenException.class, () -> v.verify(tokenA));
        assertEquals(2, server.requests.get());
        assertEquals("bob", v.verify(token(keyB, "b", claims("bob"))).userId());
    }

    @Test
    void aFailedFetchIsRetriedOnUseButNotBeforeTheGap() throws Exception {
        JwksServer server = https();
        server.status = 503;
        JwtVerifier v = remote(server.url(), Duration.ofHours(1), Duration.ofSeconds(1), false, trusting());
        assertTrue(v.enabled());
        int afterStart = server.requests.get();
        assertTrue(afterStart >= 1);
        server.status = 200;
        server.serve(jwks(keyA));
        String tokenA = token(keyA, "a", claims("alice"));
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verify(tokenA))
                .getMessage()
                .contains("could not be fetched"));
        assertEquals(afterStart, server.requests.get(), "no fetch within the gap of the failed one");
        Thread.sleep(1100);
        assertEquals("alice", v.verify(tokenA).userId());
        assertEquals(afterStart + 1, server.requests.get());
    }

    @Test
    void plainHttpIsRefusedWithoutTheFlag() throws Exception {
        JwksServer server = http();
        server.serve(jwks(keyA));
        List<LogRecord> logged = new ArrayList<>();
        Handler h = capture(logged);
        Logger log = Logger.getLogger(JwtVerifier.class.getName());
        log.addHandler(h);
        JwtVerifier v;
        try {
            v = remote(server.url(), Duration.ofHours(1), Duration.ofSeconds(1), false, null);
        } finally {
            log.removeHandler(h);
        }
        assertFalse(v.enabled());
        assertEquals(0, server.requests.get(), "nothing fetched over plain http");
        String msg = assertThrows(InvalidTokenException.class, () -> v.verify(token(keyA, "a", claims("alice"))))
                .getMessage();
        assertTrue(msg.contains(Keys.JWT_ALLOW_INSECURE_HTTP_KEYS.name()), msg);
        LogRecord severe = logged.stream()
                .filter(r -> r.getLevel() == Level.SEVERE)
                .findFirst()
                .orElseThrow();
        assertTrue(severe.getMessage().contains("mp.jwt.verify.publickey.location"), severe.getMessage());
        assertTrue(severe.getMessage().contains("https:"), severe.getMessage());
        assertTrue(
                severe.getMessage().contains(Keys.JWT_ALLOW_INSECURE_HTTP_KEYS.name() + "=true"), severe.getMessage());
    }

    @Test
    void plainHttpWithTheFlagFetchesAndRotates() throws Exception {
        JwksServer server = http();
        server.serve(jwks(keyA));
        JwtVerifier v = remote(server.url(), Duration.ofHours(1), Duration.ofMillis(200), true, null);
        assertEquals("alice", v.verify(token(keyA, "a", claims("alice"))).userId());
        server.serve(jwks(keyB));
        Thread.sleep(300);
        assertEquals("bob", v.verify(token(keyB, "b", claims("bob"))).userId());
        assertEquals(2, server.requests.get());
    }

    @Test
    void aPemKeyAtAnHttpsLocationIsStillReadOnce() throws Exception {
        JwksServer server = https();
        server.serve("-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keyA.getPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        JwtVerifier v = remote(server.url(), Duration.ofSeconds(1), Duration.ofMillis(100), false, trusting());
        assertEquals("alice", v.verify(token(keyA, null, claims("alice"))).userId());
        Thread.sleep(1200);
        assertEquals("alice", v.verify(token(keyA, null, claims("alice"))).userId());
        assertEquals(1, server.requests.get(), "a PEM is not a JWKS: read once, not refreshed");
    }

    // ------------------------------------------------------------------ tests: token rules

    @Test
    void unknownCritHeaderIsRefused() throws Exception {
        JwtVerifier v = fixed(jwks(keyA), null);
        JsonWebSignature ok = jws(keyA, "a", claims("alice"));
        assertEquals("alice", v.verify(ok.getCompactSerialization()).userId());

        JsonWebSignature crit = jws(keyA, "a", claims("alice"));
        crit.setHeader("x-pushhub-test", "must-understand");
        crit.setCriticalHeaderNames("x-pushhub-test");
        String critToken = crit.getCompactSerialization();
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verify(critToken))
                .getMessage()
                .contains("critical"));
    }

    @Test
    void expiredNotYetValidWrongIssuerAndWrongAudienceAreRefused() throws Exception {
        JwtVerifier v = fixed(jwks(keyA), "hub-api, other-api");
        JwtClaims good = claims("alice");
        good.setAudience("x", "hub-api");
        assertEquals("alice", v.verify(token(keyA, "a", good)).userId());

        JwtClaims expired = claims("alice");
        expired.setAudience("hub-api");
        expired.setExpirationTime(NumericDate.fromSeconds(Instant.now().getEpochSecond() - 120));
        assertTrue(refusal(v, expired).contains("expired"));

        JwtClaims early = claims("alice");
        early.setAudience("hub-api");
        early.setNotBefore(NumericDate.fromSeconds(Instant.now().getEpochSecond() + 300));
        assertTrue(refusal(v, early).contains("not valid before"));

        JwtClaims foreignIssuer = claims("alice");
        foreignIssuer.setAudience("hub-api");
        foreignIssuer.setIssuer("https://evil.test");
        assertTrue(refusal(v, foreignIssuer).contains("issuer"));

        JwtClaims noIssuer = claims("alice");
        noIssuer.setAudience("hub-api");
        noIssuer.unsetClaim("iss");
        assertTrue(refusal(v, noIssuer).contains("issuer"));

        JwtClaims foreignAudience = claims("alice");
        foreignAudience.setAudience("someone-else");
        assertTrue(refusal(v, foreignAudience).contains("audience"));

        JwtClaims noAudience = claims("alice");
        assertTrue(refusal(v, noAudience).contains("audience"));

        JwtClaims noExp = claims("alice");
        noExp.setAudience("hub-api");
        noExp.unsetClaim("exp");
        assertTrue(refusal(v, noExp).contains("exp"));
    }

    @Test
    void hmacAndNoneAreRefusedAndCannotBeConfigured() throws Exception {
        JwtVerifier v = fixed(jwks(keyA), null);
        // Algorithm confusion: HS256 "signed" with the public key's bytes as the secret.
        JsonWebSignature hs = new JsonWebSignature();
        hs.setPayload(claims("root").toJson());
        hs.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        hs.setKey(new HmacKey(keyA.getPublicKey().getEncoded()));
        hs.setDoKeyValidation(false);
        String hsToken = hs.getCompactSerialization();
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verify(hsToken))
                .getMessage()
                .contains("algorithm"));

        JwtVerifier hmac = JwtVerifierTest.verifier(
                Map.of(Keys.JWT_PUBLIC_KEY.name(), jwks(keyA), Keys.JWT_ALGORITHM.name(), "HS256"));
        assertFalse(hmac.enabled());
        assertTrue(assertThrows(InvalidTokenException.class, () -> hmac.verify(hsToken))
                .getMessage()
                .contains("unsupported JWT algorithm"));
    }

    @Test
    void aKidThatNamesNoKeyFallsBackToEveryKeyAsBefore() throws Exception {
        JwtVerifier v = fixed(jwks(keyA, keyC), null);
        assertEquals(
                "alice",
                v.verify(token(keyA, "not-in-the-set", claims("alice"))).userId());
        assertEquals("carol", v.verify(token(keyC, null, claims("carol"))).userId());
        assertTrue(assertThrows(InvalidTokenException.class, () -> v.verify(token(stranger, "a", claims("mallory"))))
                .getMessage()
                .contains("signature"));
    }

    @Test
    void rsaKeysShorterThan2048BitsAreRefused() throws Exception {
        RsaJsonWebKey small = RsaJwkGenerator.generateJwk(1024);
        small.setKeyId("small");
        JwtVerifier v = fixed(jwks(small), null);
        JsonWebSignature jws = jws(small, "small", claims("alice"));
        jws.setDoKeyValidation(false);
        String t = jws.getCompactSerialization();
        assertThrows(InvalidTokenException.class, () -> v.verify(t));
        // The same token shape with a 2048-bit key is fine.
        assertEquals(
                "alice",
                fixed(jwks(keyA), null)
                        .verify(token(keyA, "a", claims("alice")))
                        .userId());
    }

    // ------------------------------------------------------------------ helpers

    static String refusal(JwtVerifier v, JwtClaims claims) throws Exception {
        String t = token(keyA, "a", claims);
        return assertThrows(InvalidTokenException.class, () -> v.verify(t)).getMessage();
    }

    static RsaJsonWebKey rsa(String kid) throws Exception {
        RsaJsonWebKey k = RsaJwkGenerator.generateJwk(2048);
        k.setKeyId(kid);
        return k;
    }

    static String jwks(RsaJsonWebKey... keys) {
        StringBuilder sb = new StringBuilder("{\"keys\":[");
        for (int i = 0; i < keys.length; i++) {
            sb.append(i > 0 ? "," : "").append(keys[i].toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        }
        return sb.append("]}").toString();
    }

    static JwtClaims claims(String user) {
        JwtClaims c = new JwtClaims();
        c.setIssuer(ISSUER);
        c.setSubject(user);
        c.setStringListClaim("groups", "dev");
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(5);
        return c;
    }

    static JsonWebSignature jws(RsaJsonWebKey key, String kid, JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws;
    }

    static String token(RsaJsonWebKey key, String kid, JwtClaims claims) throws Exception {
        return jws(key, kid, claims).getCompactSerialization();
    }

    static JwtVerifier fixed(String keyMaterial, String audiences) {
        Map<String, String> c = new HashMap<>();
        c.put(Keys.JWT_PUBLIC_KEY.name(), keyMaterial);
        c.put(Keys.JWT_ISSUER.name(), ISSUER);
        c.put(Keys.JWT_AUDIENCES.name(), audiences);
        return JwtVerifierTest.verifier(c);
    }

    static JwtVerifier remote(
            String location, Duration refresh, Duration gap, boolean allowHttp, SSLSocketFactory tls) {
        JwtVerifier v = new JwtVerifier();
        v.config = TestConfigs.with(Map.of(
                Keys.JWT_PUBLIC_KEY_LOCATION.name(), location,
                Keys.JWT_ISSUER.name(), ISSUER,
                Keys.JWKS_REFRESH.name(), refresh.toString(),
                Keys.JWKS_MIN_REFRESH_GAP.name(), gap.toString(),
                Keys.JWT_ALLOW_INSECURE_HTTP_KEYS.name(), Boolean.toString(allowHttp)));
        v.jwksSslSocketFactory = tls;
        v.init();
        return v;
    }

    static SSLSocketFactory trusting() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("jwks", tlsKeys.getCertificate("jwks"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    static Handler capture(List<LogRecord> into) {
        return new Handler() {
            @Override
            public void publish(LogRecord r) {
                into.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
    }

    JwksServer https() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(tlsKeys, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx));
        return start(s, "https");
    }

    JwksServer http() throws Exception {
        return start(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), "http");
    }

    private JwksServer start(HttpServer s, String scheme) {
        JwksServer js = new JwksServer(s, scheme);
        servers.add(js);
        return js;
    }

    /** Serves one mutable document at /jwks and counts the requests. */
    static final class JwksServer implements AutoCloseable {
        final HttpServer server;
        final String scheme;
        final AtomicInteger requests = new AtomicInteger();
        final AtomicReference<String> body = new AtomicReference<>("{\"keys\":[]}");
        volatile int status = 200;
        volatile String cacheControl;

        JwksServer(HttpServer server, String scheme) {
            this.server = server;
            this.scheme = scheme;
            server.createContext("/jwks", ex -> {
                requests.incrementAndGet();
                byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
                if (cacheControl != null) {
                    ex.getResponseHeaders().add("Cache-Control", cacheControl);
                }
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(status, b.length);
                ex.getResponseBody().write(b);
                ex.close();
            });
            server.start();
        }

        void serve(String document) {
            body.set(document);
        }

        String url() {
            return scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
