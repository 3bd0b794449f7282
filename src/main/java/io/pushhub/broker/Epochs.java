package io.pushhub.broker;

import java.security.SecureRandom;
import java.util.HexFormat;

/** New epoch identifiers: 12 random hex digits, so two runs of one topic's offsets never share an epoch. */
public final class Epochs {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Epochs() {}

    public static String next() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
