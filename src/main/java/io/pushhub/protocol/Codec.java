package io.pushhub.protocol;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import java.util.List;

/**
 * The one encoder of server frames, and the one shared {@link Jsonb} of the hub (thread-safe, expensive to create).
 * No other code writes frame JSON: every {@link ServerFrame} becomes text here, with JSON-B (nulls left out, members
 * in the order the frame's record declares), except a {@link ServerFrame.Batch}, whose frames are already text and are
 * joined as they are.
 */
public final class Codec {

    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig().withNullValues(false));
    private static final String BATCH_HEAD = "{\"type\":\"batch\",\"messages\":[";
    private static final String BATCH_TAIL = "]}";

    private Codec() {}

    public static Jsonb jsonb() {
        return JSONB;
    }

    /** Serializes a frame once; the resulting text can be handed to any number of connections. */
    public static String encode(ServerFrame frame) {
        if (frame instanceof ServerFrame.Batch b) {
            return batch(b.messages());
        }
        return JSONB.toJson(frame);
    }

    /**
     * A {@code batch} frame of frames already encoded by {@link #encode}: {@code {"type":"batch","messages":[f1,f2,…]}}.
     * The members are spliced in as they are, not parsed and written again (a batch is composed per connection on the
     * delivery path, from texts encoded once per push); each must be one encoded frame and none a batch.
     */
    private static String batch(List<String> encoded) {
        int size = BATCH_HEAD.length() + BATCH_TAIL.length() + encoded.size();
        for (String frame : encoded) {
            size += frame.length();
        }
        StringBuilder sb = new StringBuilder(size).append(BATCH_HEAD);
        for (int i = 0; i < encoded.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(encoded.get(i));
        }
        return sb.append(BATCH_TAIL).toString();
    }
}
