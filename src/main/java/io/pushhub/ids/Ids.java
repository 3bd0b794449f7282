package io.pushhub.ids;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The one minter of random ids: connection ids ({@code c-}), scheduled pushes ({@code s-}), demo jobs ({@code j-}),
 * node ids, history epochs and anonymous users. Ids are unguessable (a connection id is a capability: whoever knows
 * it can push to that one connection through the publisher API), so they come from one {@link SecureRandom}.
 * Thread-safe. Imports nothing of pushhub.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private Ids() {}

    /** {@code prefix} followed by {@code bytes} random bytes in lower-case hex. */
    public static String random(String prefix, int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return prefix + HEX.formatHex(b);
    }

    /** A connection id, unique in the cluster: {@code c-} and 24 hex digits. */
    public static String connection() {
        return random("c-", 12);
    }

    /** A scheduled push's id: {@code s-} and 16 hex digits. */
    public static String scheduled() {
        return random("s-", 8);
    }

    /** A demo job's id: {@code j-} and 12 hex digits. */
    public static String job() {
        return random("j-", 6);
    }

    /** A node id (8 hex digits), new at every start; message ids carry it. */
    public static String node() {
        return random("", 4);
    }

    /** A history epoch: names one run of a topic's offsets (12 hex digits). */
    public static String epoch() {
        return random("", 6);
    }

    /** An anonymous user without an HTTP session: {@code anon-} and 16 hex digits. */
    public static String anonymousUser() {
        return random("anon-", 8);
    }

    /**
     * The secret of one SSE connection that its commands carry (header {@code X-PushHub-Command-Key}): 32 hex digits, given
     * only to the stream that opened it, in its welcome frame.
     */
    public static String commandKey() {
        return random("", 16);
    }

    /** Random bytes for secrets that are not ids (generated API keys). */
    public static byte[] secret(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return b;
    }
}
