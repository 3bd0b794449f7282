package io.pushhub.protocol;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;

/** The one shared {@link Jsonb} of the hub (thread-safe, expensive to create). */
public final class Codec {

    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig().withNullValues(false));

    private Codec() {}

    public static Jsonb jsonb() {
        return JSONB;
    }

    /** Serializes a frame once; the resulting text can be handed to any number of connections. */
    public static String encode(ServerFrame frame) {
        return JSONB.toJson(frame);
    }
}
