package io.pushhub.security;

import java.io.IOException;
import java.security.Key;
import java.util.List;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Chooses the key for a token, with the rules the hand-written verifier had: a token whose {@code kid} names keys
 * uses those; otherwise (no {@code kid}, or one the set does not hold) every key of the algorithm's family is tried.
 * For a remote JWKS an unknown {@code kid} first triggers a (rate-limited) fetch, so a rotated-in key is found.
 *
 * <p>The token's {@code alg} is checked before any key is looked at, so a token with a foreign algorithm never
 * causes a fetch. (jose4j checks the algorithm again, and the {@code crit} header, when it verifies.)
 */
final class KeySetResolver implements VerificationKeyResolver {

    /** A refusal whose message is safe to show the client. */
    static final class Refusal extends UnresolvableKeyException {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message);
        }
    }

    private final List<JsonWebKey> fixed; // null when remote
    private final RemoteJwks remote;
    private final String algorithm;
    private final String family;

    private KeySetResolver(List<JsonWebKey> fixed, RemoteJwks remote, String algorithm) {
        this.fixed = fixed;
        this.remote = remote;
        this.algorithm = algorithm;
        this.family = algorithm.startsWith("ES") ? "EC" : "RSA";
    }

    static KeySetResolver fixed(List<JsonWebKey> keys, String algorithm) {
        return new KeySetResolver(List.copyOf(keys), null, algorithm);
    }

    static KeySetResolver remote(RemoteJwks jwks, String algorithm) {
        return new KeySetResolver(null, jwks, algorithm);
    }

    int size() {
        return fixed != null ? fixed.size() : -1;
    }

    @Override
    public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nestingContext) throws UnresolvableKeyException {
        String alg = jws.getAlgorithmHeaderValue();
        if (!algorithm.equals(alg)) {
            throw new Refusal("token algorithm '" + (alg == null ? "" : alg) + "' is not the accepted " + algorithm);
        }
        List<JsonWebKey> keys = usable(load());
        String kid = jws.getKeyIdHeaderValue();
        if (kid != null) {
            List<JsonWebKey> byKid = withKid(keys, kid);
            if (byKid.isEmpty() && remote != null) {
                remote.refreshForUnknownKid();
                keys = usable(load());
                byKid = withKid(keys, kid);
            }
            if (!byKid.isEmpty()) {
                return pick(jws, byKid);
            }
        }
        if (keys.isEmpty()) {
            throw new Refusal("no " + algorithm + " verification key is available");
        }
        return pick(jws, keys);
    }

    private List<JsonWebKey> load() throws Refusal {
        if (fixed != null) {
            return fixed;
        }
        try {
            return remote.keys();
        } catch (IOException | JoseException e) {
            throw new Refusal("no verification key is available: the JWKS could not be fetched");
        }
    }

    private List<JsonWebKey> usable(List<JsonWebKey> keys) {
        return keys.stream()
                .filter(k -> family.equals(k.getKeyType()))
                .filter(k -> k.getUse() == null || "sig".equals(k.getUse()))
                .filter(k -> k.getAlgorithm() == null || algorithm.equals(k.getAlgorithm()))
                .toList();
    }

    private static List<JsonWebKey> withKid(List<JsonWebKey> keys, String kid) {
        return keys.stream().filter(k -> kid.equals(k.getKeyId())).toList();
    }

    /** One candidate: it. Several: the one whose signature verifies, else the first (and the signature check fails). */
    private static Key pick(JsonWebSignature jws, List<JsonWebKey> candidates) {
        if (candidates.size() > 1) {
            for (JsonWebKey k : candidates) {
                try {
                    jws.setKey(k.getKey());
                    if (jws.verifySignature()) {
                        return k.getKey();
                    }
                } catch (JoseException | RuntimeException e) {
                    // not this one
                }
            }
        }
        return candidates.get(0).getKey();
    }
}
