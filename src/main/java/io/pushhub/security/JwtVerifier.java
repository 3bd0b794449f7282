package io.pushhub.security;

import io.pushhub.config.HubConfig;
import io.pushhub.config.Keys;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import javax.net.ssl.SSLSocketFactory;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.AudValidator;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.InvalidJwtSignatureException;
import org.jose4j.jwt.consumer.IssValidator;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.lang.InvalidAlgorithmException;
import org.jose4j.lang.JoseException;

/**
 * Verifies MicroProfile JWT bearer tokens for the WebSocket handshake and the push API, with jose4j.
 *
 * <p>The hub verifies tokens itself rather than through the server's MP-JWT feature because browsers cannot set an
 * {@code Authorization} header on a WebSocket handshake (the token comes as a query parameter or sub-protocol, which
 * the container's MP-JWT does not read) and because the same WAR must behave the same on Liberty and Payara. It reads
 * the standard MP JWT configuration keys, so one configuration serves both (see docs/adr/0002).
 *
 * <ul>
 *   <li>{@code mp.jwt.verify.publickey}: the key inline (PEM, base64 DER, JWK or JWKS).
 *   <li>{@code mp.jwt.verify.publickey.location}: file path, {@code file:} URL or class-path resource holding the
 *       same (read once at start), or an {@code https:} URL of a JWKS, fetched at start and refreshed (see {@link
 *       RemoteJwks}). Plain {@code http:} is refused unless {@code pushhub.jwt.allow-insecure-http-keys=true}.
 *   <li>{@code mp.jwt.verify.publickey.algorithm}: RS256 (default), RS384, RS512, ES256 or ES384. Tokens must be
 *       signed with exactly this algorithm ({@code none} and HMAC are always refused).
 *   <li>{@code mp.jwt.verify.issuer}: required {@code iss}, if set. {@code mp.jwt.verify.audiences}: comma list, one
 *       of which must be in {@code aud}, if set. {@code mp.jwt.verify.clock.skew}: seconds of leeway, default 60.
 *   <li>{@code pushhub.jwt.jwks-refresh} (default {@code PT10M}), {@code pushhub.jwt.jwks-min-refresh-gap} (default
 *       {@code PT30S}): how often a remote JWKS is fetched again, and the shortest time between two fetches (a token
 *       with an unknown {@code kid} triggers one, at most once per gap).
 * </ul>
 *
 * The user id is, as in MP JWT, {@code upn}, else {@code preferred_username}, else {@code sub}; groups come from the
 * {@code groups} claim. {@code exp} is required. A token naming an unknown header in {@code crit} is refused. With no
 * key configured every token is refused.
 */
@ApplicationScoped
public class JwtVerifier {

    private static final Logger LOG = Logger.getLogger(JwtVerifier.class.getName());

    /** The algorithms that may be configured: the RSA PKCS#1 and ECDSA families, as before jose4j. */
    static final Set<String> ALGORITHMS = Set.of("RS256", "RS384", "RS512", "ES256", "ES384");

    /** Every key this verifier reads is declared in {@link io.pushhub.config.Keys} and read through here. */
    @Inject
    HubConfig config;

    // Read from the configuration when the bean starts.
    private Optional<String> publicKey;
    private Optional<String> publicKeyLocation;
    private String algorithm;
    private Optional<String> issuer;
    private List<String> audiences;
    private int clockSkewSeconds;
    /** How long a fetched JWKS is used before it is fetched again (its own cache headers are ignored). */
    private Duration jwksRefresh;
    /** Shortest time between two JWKS fetches, whatever triggers them (unknown kid, expiry, failed fetch). */
    private Duration jwksMinRefreshGap;
    /** Whether keys may be fetched over plain http: (anyone on the path could replace them). */
    private boolean allowInsecureHttpKeys;

    /** TLS for fetching a remote JWKS; null: the JVM's default trust store. Set by tests. */
    SSLSocketFactory jwksSslSocketFactory;

    private JwtConsumer consumer; // null: no usable key, every token refused
    private RemoteJwks remote;
    private String keySource = "none";
    private String loadProblem;

    /** At most this many globs in a {@code pushhub.subscribe} or {@code pushhub.publish} claim. */
    static final int MAX_GLOBS = 256;
    /** At most this many characters in one of those globs. */
    static final int MAX_GLOB_LENGTH = 256;

    /**
     * What a verified token says.
     *
     * @param grants its {@code pushhub.subscribe} / {@code pushhub.publish} claims (docs/authorization.md)
     */
    public record Verified(String userId, Set<String> groups, Instant expiresAt, TopicGrants grants) {

        public Verified(String userId, Set<String> groups, Instant expiresAt) {
            this(userId, groups, expiresAt, TopicGrants.NONE);
        }
    }

    /** Creates the bean when the application starts, so key problems are logged then rather than at the first token. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // @PostConstruct has run.
    }

    @PostConstruct
    void init() {
        publicKey = config.jwtPublicKey();
        publicKeyLocation = config.jwtPublicKeyLocation();
        algorithm = config.jwtAlgorithm();
        issuer = config.jwtIssuer();
        audiences = config.jwtAudiences();
        clockSkewSeconds = config.jwtClockSkewSeconds();
        jwksRefresh = config.jwksRefresh();
        jwksMinRefreshGap = config.jwksMinRefreshGap();
        allowInsecureHttpKeys = config.allowInsecureHttpKeys();
        try {
            if (!ALGORITHMS.contains(algorithm)) {
                keySource = "mp.jwt.verify.publickey.algorithm";
                throw new GeneralSecurityException("unsupported JWT algorithm '" + algorithm + "' (use one of RS256, "
                        + "RS384, RS512, ES256, ES384)");
            }
            KeySetResolver resolver = null;
            if (publicKey.isPresent()) {
                keySource = "mp.jwt.verify.publickey";
                resolver = KeySetResolver.fixed(parseKeys(publicKey.get(), algorithm), algorithm);
            } else if (publicKeyLocation.isPresent()) {
                String location = publicKeyLocation.get();
                keySource = location;
                resolver = isRemote(location)
                        ? remoteResolver(location)
                        : KeySetResolver.fixed(parseKeys(read(location), algorithm), algorithm);
            }
            if (resolver == null) {
                LOG.info(
                        "pushhub JWT verification is off (no mp.jwt.verify.publickey or .location): tokens are refused");
                return;
            }
            consumer = consumer(resolver);
            String keys = remote != null
                    ? "the JWKS at " + keySource + " (fetched again every " + remote.refresh()
                            + " and on an unknown kid, at most once per " + remote.minGap() + ")"
                    : resolver.size() + " key(s) from " + keySource;
            LOG.info(() -> "pushhub JWT verification: " + algorithm + " with " + keys
                    + issuer.map(i -> ", issuer " + i).orElse(""));
        } catch (InsecureLocationException e) {
            loadProblem = e.getMessage();
            LOG.severe("pushhub: " + loadProblem + " Until then every token is refused.");
        } catch (IOException | GeneralSecurityException | JoseException | RuntimeException e) {
            loadProblem = "the JWT key from " + keySource + " could not be loaded: " + e.getMessage();
            LOG.severe("pushhub: " + loadProblem + "; every token will be refused");
        }
    }

    private static boolean isRemote(String location) {
        String l = location.toLowerCase(Locale.ROOT);
        return l.startsWith("https://") || l.startsWith("http://");
    }

    private KeySetResolver remoteResolver(String location) throws IOException, JoseException, GeneralSecurityException {
        if (location.toLowerCase(Locale.ROOT).startsWith("http://") && !allowInsecureHttpKeys) {
            throw new InsecureLocationException("mp.jwt.verify.publickey.location is a plain http: URL (" + location
                    + "): keys fetched without TLS can be replaced by anyone on the network path. Serve the keys over "
                    + "https: (or from a file), or, for a test setup only, set "
                    + Keys.JWT_ALLOW_INSECURE_HTTP_KEYS.name() + "=true.");
        }
        Duration gap = jwksMinRefreshGap; // within its range and at most jwksRefresh (HubConfig)
        RemoteJwks jwks = new RemoteJwks(location, jwksRefresh, gap, jwksSslSocketFactory);
        try {
            jwks.fetchNow();
        } catch (JoseException notAJwks) {
            // Not a JWKS (e.g. a PEM key served over https): read once, as before jose4j; no rotation.
            String body = jwks.lastBody();
            if (body == null) {
                throw notAJwks;
            }
            LOG.warning(() -> "pushhub: " + location + " holds no JWKS (" + notAJwks.getMessage()
                    + "): its key is read once and " + "not refreshed; serve a JWKS for key rotation without restart");
            return KeySetResolver.fixed(parseKeys(body, algorithm), algorithm);
        } catch (IOException e) {
            // The issuer may be down at our start: keep the location and try again (at most once per gap) on use.
            LOG.severe("pushhub: the JWKS at " + location + " could not be fetched at start (" + e
                    + "); tokens are refused until a fetch succeeds (tried again on use, at most once per " + gap
                    + ")");
        }
        remote = jwks;
        return KeySetResolver.remote(jwks, algorithm);
    }

    private JwtConsumer consumer(KeySetResolver resolver) {
        // jose4j's default claim validators are replaced by the checks the hub always made: its date validator also
        // refuses exp < iat (iat was never checked here), and its sub/jti validators add nothing we use.
        JwtConsumerBuilder b = new JwtConsumerBuilder()
                .setSkipAllDefaultValidators()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, algorithm)
                .setVerificationKeyResolver(resolver)
                .registerValidator(new DateValidator(clockSkewSeconds));
        if (issuer.isPresent()) {
            b.registerValidator(new IssValidator(issuer.get(), true));
        }
        List<String> wantAud = wantedAudiences();
        if (!wantAud.isEmpty()) {
            b.registerValidator(new AudValidator(Set.copyOf(wantAud), true));
        }
        return b.build();
    }

    private List<String> wantedAudiences() {
        return audiences;
    }

    /** Whether a key is configured and loaded, i.e. whether a token can be accepted at all. */
    public boolean enabled() {
        return consumer != null;
    }

    /** Looks like a JWS compact token (three dot-separated parts), as opposed to an API key. */
    public static boolean looksLikeJwt(String credential) {
        return credential.chars().filter(ch -> ch == '.').count() == 2;
    }

    /**
     * Verifies a connection (or publisher) token. A subscribe token (one with a {@code pushhub.topic} claim) is refused
     * here: it lets its user subscribe to one topic, it does not open connections.
     */
    public Verified verify(String token) throws InvalidTokenException {
        JwtClaims claims = claims(token);
        if (claims.hasClaim(TopicGrants.TOPIC_CLAIM)) {
            throw new InvalidTokenException(
                    InvalidTokenException.Category.NOT_ACCEPTED,
                    "token is a subscribe token (it has a '" + TopicGrants.TOPIC_CLAIM
                            + "' claim): send it in a subscribe frame, not to connect");
        }
        String user = user(claims);
        try {
            return new Verified(
                    user,
                    Set.copyOf(stringOrList(claims.getClaimValue("groups"))),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue()),
                    new TopicGrants(
                            globs(claims, TopicGrants.SUBSCRIBE_CLAIM), globs(claims, TopicGrants.PUBLISH_CLAIM)));
        } catch (MalformedClaimException e) {
            throw new InvalidTokenException(
                    InvalidTokenException.Category.MALFORMED, "token claim 'exp' is not a number");
        }
    }

    /**
     * Verifies a subscribe token: signed with the same keys and checked like a connection token ({@code exp} required,
     * issuer and audience as configured), naming {@code userId} (its {@code upn}, else {@code preferred_username},
     * else {@code sub}) and exactly {@code topic} in its {@code pushhub.topic} claim.
     *
     * @throws InvalidTokenException with a reason that does not echo the token
     */
    public void verifySubscribeToken(String token, String userId, String topic) throws InvalidTokenException {
        JwtClaims claims = claims(token);
        if (!(claims.getClaimValue(TopicGrants.TOPIC_CLAIM) instanceof String granted)) {
            throw new InvalidTokenException(
                    InvalidTokenException.Category.MALFORMED,
                    "subscribe token has no '" + TopicGrants.TOPIC_CLAIM + "' claim (a string naming the topic)");
        }
        String user = user(claims);
        if (!user.equals(userId)) {
            throw new InvalidTokenException(
                    InvalidTokenException.Category.NOT_ACCEPTED,
                    "subscribe token is for another user, not this connection's");
        }
        if (!granted.equals(topic)) {
            throw new InvalidTokenException(
                    InvalidTokenException.Category.NOT_ACCEPTED, "subscribe token is for another topic, not " + topic);
        }
    }

    /** The claims of a token whose signature and dates verify. */
    private JwtClaims claims(String token) throws InvalidTokenException {
        if (consumer == null) {
            throw new InvalidTokenException(
                    loadProblem != null ? loadProblem : "JWT verification is not configured on this server");
        }
        if (token.split("\\.", -1).length != 3) {
            throw new InvalidTokenException(
                    InvalidTokenException.Category.MALFORMED,
                    "token is not a JWS compact token (header.payload.signature)");
        }
        try {
            return consumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            throw new InvalidTokenException(category(e), describe(e));
        }
    }

    private static String user(JwtClaims claims) throws InvalidTokenException {
        String user = firstString(claims, "upn", "preferred_username", "sub");
        if (user == null || user.isBlank()) {
            throw new InvalidTokenException(
                    InvalidTokenException.Category.MALFORMED, "token names no user (upn, preferred_username or sub)");
        }
        return user;
    }

    /**
     * A topic-glob claim: absent is null; a string or an array of strings is the list; anything else, or more than
     * {@link #MAX_GLOBS} globs or one longer than {@link #MAX_GLOB_LENGTH}, refuses the token (a claim the hub cannot
     * read must not silently mean "no restriction").
     */
    private static List<String> globs(JwtClaims claims, String name) throws InvalidTokenException {
        Object v = claims.getClaimValue(name);
        if (v == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            out.add(s);
        } else if (v instanceof List<?> a) {
            for (Object e : a) {
                if (!(e instanceof String s)) {
                    out = null;
                    break;
                }
                out.add(s);
            }
        } else {
            out = null;
        }
        if (out == null
                || out.size() > MAX_GLOBS
                || out.stream().anyMatch(g -> g.isBlank() || g.length() > MAX_GLOB_LENGTH)) {
            throw new InvalidTokenException(
                    InvalidTokenException.Category.MALFORMED,
                    "token claim '" + name + "' must be a topic glob or an array of at most " + MAX_GLOBS
                            + " topic globs (each 1 to " + MAX_GLOB_LENGTH + " characters)");
        }
        return out;
    }

    /** The category of jose4j's refusal: what a browser page may be told (see {@link InvalidTokenException}). */
    private static InvalidTokenException.Category category(InvalidJwtException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof KeySetResolver.Refusal || t instanceof InvalidAlgorithmException) {
                return InvalidTokenException.Category.NOT_ACCEPTED;
            }
        }
        if (e instanceof InvalidJwtSignatureException || e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return InvalidTokenException.Category.SIGNATURE;
        }
        if (e.hasExpired()) {
            return InvalidTokenException.Category.EXPIRED;
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return InvalidTokenException.Category.NOT_YET_VALID;
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return InvalidTokenException.Category.ISSUER;
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return InvalidTokenException.Category.AUDIENCE;
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING) || e.hasErrorCode(ErrorCodes.MALFORMED_CLAIM)) {
            return InvalidTokenException.Category.MALFORMED;
        }
        return InvalidTokenException.Category.NOT_ACCEPTED;
    }

    /** Turns jose4j's refusal into one short reason that does not echo the token. */
    private String describe(InvalidJwtException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof KeySetResolver.Refusal r) {
                return r.getMessage();
            }
            if (t instanceof InvalidAlgorithmException) {
                return "token algorithm is not the accepted " + algorithm;
            }
        }
        if (e instanceof InvalidJwtSignatureException || e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return "token signature does not verify";
        }
        JwtClaims claims = e.getJwtContext() == null ? null : e.getJwtContext().getJwtClaims();
        if (e.hasExpired()) {
            return "token expired at " + date(claims, "exp");
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return "token has no 'exp' claim";
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return "token is not valid before " + date(claims, "nbf");
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "token issuer is not " + issuer.orElse("");
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "token audience is not one of " + wantedAudiences();
        }
        if (e.hasErrorCode(ErrorCodes.MALFORMED_CLAIM)) {
            List<ErrorCodeValidator.Error> details = e.getErrorDetails();
            return "token has a malformed claim"
                    + (details.isEmpty() ? "" : ": " + details.get(0).getErrorMessage());
        }
        Throwable cause = e.getCause();
        if (cause instanceof JoseException
                && cause.getMessage() != null
                && cause.getMessage().contains("critical")) {
            // jose4j refuses a crit header it does not understand: "Unrecognized header 'x' marked as critical."
            return "token refused: " + cause.getMessage();
        }
        return "token is not a valid signed JWT"
                + (cause != null ? " (" + cause.getClass().getSimpleName() + ")" : "");
    }

    /** {@code exp} required; expired when now is more than the skew past it; not yet valid when {@code nbf} is more than the skew ahead. */
    private record DateValidator(int skewSeconds) implements ErrorCodeValidator {
        @Override
        public Error validate(JwtContext context) throws MalformedClaimException {
            JwtClaims claims = context.getJwtClaims();
            NumericDate exp = claims.getExpirationTime();
            long now = Instant.now().getEpochSecond();
            if (exp == null) {
                return new Error(ErrorCodes.EXPIRATION_MISSING, "no exp claim");
            }
            if (now > exp.getValue() + skewSeconds) {
                return new Error(ErrorCodes.EXPIRED, "expired");
            }
            NumericDate nbf = claims.getNotBefore();
            if (nbf != null && now + skewSeconds < nbf.getValue()) {
                return new Error(ErrorCodes.NOT_YET_VALID, "not yet valid");
            }
            return null;
        }
    }

    private static String date(JwtClaims claims, String name) {
        try {
            NumericDate d = claims == null ? null : claims.getNumericDateClaimValue(name);
            return d == null ? "?" : Instant.ofEpochSecond(d.getValue()).toString();
        } catch (MalformedClaimException e) {
            return "?";
        }
    }

    private static String firstString(JwtClaims claims, String... names) {
        for (String n : names) {
            if (claims.getClaimValue(n) instanceof String s && !s.isBlank()) {
                return s;
            }
        }
        return null;
    }

    private static List<String> stringOrList(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            out.add(s);
        } else if (v instanceof List<?> a) {
            for (Object e : a) {
                if (e instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- key loading

    private static String read(String location) throws IOException {
        if (location.startsWith("file:")) {
            URLConnection conn = URI.create(location).toURL().openConnection();
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

    /**
     * Parses PEM / base64 DER / JWK / JWKS into JWKs of the algorithm's family (RSA or EC); other keys are skipped.
     * Package-private for tests.
     */
    static List<JsonWebKey> parseKeys(String material, String algorithm)
            throws GeneralSecurityException, JoseException {
        String text = material.trim();
        String family = algorithm.startsWith("ES") ? "EC" : "RSA";
        if (text.startsWith("{")) {
            List<JsonWebKey> all = text.contains("\"keys\"")
                    ? new JsonWebKeySet(text).getJsonWebKeys()
                    : List.of(JsonWebKey.Factory.newJwk(text));
            List<JsonWebKey> out =
                    all.stream().filter(k -> family.equals(k.getKeyType())).toList();
            if (out.isEmpty()) {
                throw new GeneralSecurityException("no " + family + " key in the JWK(S)");
            }
            return out;
        }
        String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PublicKey key = KeyFactory.getInstance(family)
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
        return List.of(JsonWebKey.Factory.newJwk(key));
    }

    /** A configuration that must not be used; its message names the key and the fix. */
    private static final class InsecureLocationException extends GeneralSecurityException {
        private static final long serialVersionUID = 1L;

        InsecureLocationException(String message) {
            super(message);
        }
    }

    /** For tests: the remote JWKS, or null. */
    RemoteJwks remote() {
        return remote;
    }
}
