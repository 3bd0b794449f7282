package io.pushhub.security;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Verifies MicroProfile JWT bearer tokens for the WebSocket handshake and the push API.
 *
 * <p>The hub verifies tokens itself rather than through the server's MP-JWT feature because browsers cannot set an
 * {@code Authorization} header on a WebSocket handshake (the token comes as a query parameter or sub-protocol, which
 * the container's MP-JWT does not read) and because the same WAR must behave the same on Liberty and Payara. It reads
 * the standard MP JWT configuration keys, so one configuration serves both (see docs/adr/0002).
 *
 * <ul>
 *   <li>{@code mp.jwt.verify.publickey}: the key inline (PEM, base64 DER, JWK or JWKS).
 *   <li>{@code mp.jwt.verify.publickey.location}: file path, {@code file:}/{@code http(s):} URL or class-path
 *       resource holding the same. Read once at start.
 *   <li>{@code mp.jwt.verify.publickey.algorithm}: RS256 (default), RS384, RS512, ES256 or ES384. Tokens must be
 *       signed with exactly this algorithm ({@code none} and HMAC are always refused).
 *   <li>{@code mp.jwt.verify.issuer}: required {@code iss}, if set. {@code mp.jwt.verify.audiences}: comma list, one
 *       of which must be in {@code aud}, if set. {@code mp.jwt.verify.clock.skew}: seconds of leeway, default 60.
 * </ul>
 *
 * The user id is, as in MP JWT, {@code upn}, else {@code preferred_username}, else {@code sub}; groups come from the
 * {@code groups} claim. {@code exp} is required. With no key configured every token is refused.
 */
@ApplicationScoped
public class JwtVerifier {

    private static final Logger LOG = Logger.getLogger(JwtVerifier.class.getName());
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey")
    Optional<String> publicKey;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    Optional<String> publicKeyLocation;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.algorithm", defaultValue = "RS256")
    String algorithm;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer")
    Optional<String> issuer;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.audiences")
    Optional<String> audiences; // split by HubConfig.commaList: Payara cannot inject Optional<List<String>>

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.clock.skew", defaultValue = "60")
    int clockSkewSeconds;

    private Map<String, PublicKey> keys = Map.of(); // kid ("" when none) -> key
    private String keySource = "none";
    private String loadProblem;

    /** What a verified token says. */
    public record Verified(String userId, Set<String> groups, Instant expiresAt) {}

    @PostConstruct
    void init() {
        try {
            String material = null;
            if (publicKey.isPresent() && !publicKey.get().isBlank()) {
                material = publicKey.get();
                keySource = "mp.jwt.verify.publickey";
            } else if (publicKeyLocation.isPresent() && !publicKeyLocation.get().isBlank()) {
                material = read(publicKeyLocation.get().trim());
                keySource = publicKeyLocation.get().trim();
            }
            if (material != null) {
                keys = parseKeys(material, algorithm);
                LOG.info(() -> "pushhub JWT verification: " + algorithm + " with " + keys.size() + " key(s) from "
                        + keySource + issuer.map(i -> ", issuer " + i).orElse(""));
            } else {
                LOG.info("pushhub JWT verification is off (no mp.jwt.verify.publickey or .location): tokens are refused");
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            loadProblem = "the JWT key from " + keySource + " could not be loaded: " + e.getMessage();
            LOG.severe("pushhub: " + loadProblem + "; every token will be refused");
        }
    }

    /** Whether a key is loaded, i.e. whether a token can be accepted at all. */
    public boolean enabled() {
        return !keys.isEmpty();
    }

    /** Looks like a JWS compact token (three dot-separated parts), as opposed to an API key. */
    public static boolean looksLikeJwt(String credential) {
        return credential.chars().filter(ch -> ch == '.').count() == 2;
    }

    public Verified verify(String token) throws InvalidTokenException {
        if (keys.isEmpty()) {
            throw new InvalidTokenException(loadProblem != null ? loadProblem : "JWT verification is not configured on this server");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidTokenException("token is not a JWS compact token (header.payload.signature)");
        }
        JsonObject header = jsonPart(parts[0], "header");
        JsonObject claims = jsonPart(parts[1], "payload");
        String alg = header.getString("alg", "");
        if (!alg.equals(algorithm)) {
            throw new InvalidTokenException("token algorithm '" + alg + "' is not the accepted " + algorithm);
        }
        byte[] signature;
        try {
            signature = B64URL.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("token signature is not base64url");
        }
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        String kid = header.getString("kid", "");
        List<PublicKey> candidates = new ArrayList<>();
        if (!kid.isEmpty() && keys.containsKey(kid)) {
            candidates.add(keys.get(kid));
        } else {
            candidates.addAll(keys.values());
        }
        boolean ok = false;
        for (PublicKey key : candidates) {
            if (verifySignature(key, signed, signature)) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            throw new InvalidTokenException("token signature does not verify");
        }

        long now = Instant.now().getEpochSecond();
        Long exp = numericClaim(claims, "exp");
        if (exp == null) {
            throw new InvalidTokenException("token has no 'exp' claim");
        }
        if (now > exp + clockSkewSeconds) {
            throw new InvalidTokenException("token expired at " + Instant.ofEpochSecond(exp));
        }
        Long nbf = numericClaim(claims, "nbf");
        if (nbf != null && now + clockSkewSeconds < nbf) {
            throw new InvalidTokenException("token is not valid before " + Instant.ofEpochSecond(nbf));
        }
        if (issuer.isPresent() && !issuer.get().isBlank() && !issuer.get().equals(claims.getString("iss", null))) {
            throw new InvalidTokenException("token issuer is not " + issuer.get());
        }
        List<String> wantAud = io.pushhub.config.HubConfig.commaList(audiences);
        if (!wantAud.isEmpty() && wantAud.stream().noneMatch(stringOrList(claims.get("aud"))::contains)) {
            throw new InvalidTokenException("token audience is not one of " + wantAud);
        }
        String user = firstString(claims, "upn", "preferred_username", "sub");
        if (user == null || user.isBlank()) {
            throw new InvalidTokenException("token names no user (upn, preferred_username or sub)");
        }
        return new Verified(user, Set.copyOf(stringOrList(claims.get("groups"))), Instant.ofEpochSecond(exp));
    }

    private boolean verifySignature(PublicKey key, byte[] signed, byte[] signature) {
        try {
            Signature s = Signature.getInstance(jcaName(algorithm));
            s.initVerify(key);
            s.update(signed);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    static String jcaName(String alg) {
        return switch (alg) {
            case "RS256" -> "SHA256withRSA";
            case "RS384" -> "SHA384withRSA";
            case "RS512" -> "SHA512withRSA";
            case "ES256" -> "SHA256withECDSAinP1363Format";
            case "ES384" -> "SHA384withECDSAinP1363Format";
            default -> throw new IllegalArgumentException("unsupported JWT algorithm " + alg);
        };
    }

    private static JsonObject jsonPart(String part, String what) throws InvalidTokenException {
        try (JsonReader r = Json.createReader(new StringReader(new String(B64URL.decode(part), StandardCharsets.UTF_8)))) {
            return r.readObject();
        } catch (RuntimeException e) {
            throw new InvalidTokenException("token " + what + " is not base64url JSON");
        }
    }

    private static Long numericClaim(JsonObject claims, String name) throws InvalidTokenException {
        JsonValue v = claims.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof JsonNumber n) {
            return n.longValue();
        }
        throw new InvalidTokenException("token claim '" + name + "' is not a number");
    }

    private static String firstString(JsonObject claims, String... names) {
        for (String n : names) {
            JsonValue v = claims.get(n);
            if (v instanceof JsonString s && !s.getString().isBlank()) {
                return s.getString();
            }
        }
        return null;
    }

    private static List<String> stringOrList(JsonValue v) {
        List<String> out = new ArrayList<>();
        if (v instanceof JsonString s) {
            out.add(s.getString());
        } else if (v instanceof JsonArray a) {
            for (JsonValue e : a) {
                if (e instanceof JsonString s) {
                    out.add(s.getString());
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- key loading

    private static String read(String location) throws IOException {
        if (location.startsWith("http://") || location.startsWith("https://") || location.startsWith("file:")) {
            URLConnection conn = URI.create(location).toURL().openConnection();
            conn.setConnectTimeout(5000);
            conn.setReadTimeout(5000);
            try (InputStream in = conn.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        Path path = Path.of(location);
        if (Files.isRegularFile(path)) {
            return Files.readString(path);
        }
        String resource = location.startsWith("/") ? location.substring(1) : location;
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no file, URL or class-path resource '" + location + "'");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Parses PEM / base64 DER / JWK / JWKS into kid -> key. Package-private for tests. */
    static Map<String, PublicKey> parseKeys(String material, String algorithm) throws GeneralSecurityException {
        String text = material.trim();
        String family = algorithm.startsWith("ES") ? "EC" : "RSA";
        Map<String, PublicKey> out = new LinkedHashMap<>();
        if (text.startsWith("{")) {
            JsonObject json;
            try (JsonReader r = Json.createReader(new StringReader(text))) {
                json = r.readObject();
            }
            List<JsonObject> jwks = new ArrayList<>();
            if (json.containsKey("keys")) {
                json.getJsonArray("keys").forEach(k -> jwks.add(k.asJsonObject()));
            } else {
                jwks.add(json);
            }
            Set<String> seen = new HashSet<>();
            for (JsonObject jwk : jwks) {
                if (!family.equals(jwk.getString("kty", ""))) {
                    continue;
                }
                String kid = jwk.getString("kid", "");
                if (!seen.add(kid)) {
                    kid = kid + "#" + seen.size();
                }
                out.put(kid, jwkToKey(jwk));
            }
            if (out.isEmpty()) {
                throw new GeneralSecurityException("no " + family + " key in the JWK(S)");
            }
            return out;
        }
        String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        out.put("", KeyFactory.getInstance(family).generatePublic(new X509EncodedKeySpec(der)));
        return out;
    }

    private static PublicKey jwkToKey(JsonObject jwk) throws GeneralSecurityException {
        if ("RSA".equals(jwk.getString("kty"))) {
            BigInteger n = new BigInteger(1, B64URL.decode(jwk.getString("n")));
            BigInteger e = new BigInteger(1, B64URL.decode(jwk.getString("e")));
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        }
        String curve = switch (jwk.getString("crv", "")) {
            case "P-256" -> "secp256r1";
            case "P-384" -> "secp384r1";
            default -> throw new GeneralSecurityException("unsupported EC curve " + jwk.getString("crv", "?"));
        };
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec(curve));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        ECPoint point = new ECPoint(
                new BigInteger(1, B64URL.decode(jwk.getString("x"))), new BigInteger(1, B64URL.decode(jwk.getString("y"))));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
    }
}
