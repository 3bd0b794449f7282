package io.pushhub.broker;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * What a push asked the hub to keep track of, carried with its {@link Publication} to every node: delivery receipts
 * ({@code receipt}, {@code collapseOnAck}, {@code escalateAfterMillis}) and tracing ({@code traceparent}, the W3C trace
 * context of the call that pushed; {@code journal}, whether the nodes record the message in their trace journal).
 * {@link #NONE} for almost every push: then nothing is encoded and delivery pays nothing for it.
 *
 * @param receipt whether recipients' connections report written / acknowledged / dropped for it
 * @param collapseOnAck whether the first acknowledgement of a user retracts it on the user's other connections
 * @param escalateAfterMillis 0, or how long after the push an unacknowledged user is reported ({@code
 *     push.unacknowledged})
 * @param traceparent null, or the W3C {@code traceparent} the push continues
 * @param journal whether every node records what became of it in its trace journal
 */
public record Tracking(
        boolean receipt, boolean collapseOnAck, long escalateAfterMillis, String traceparent, boolean journal) {

    public static final Tracking NONE = new Tracking(false, false, 0, null, false);

    /** Whether nothing is tracked. */
    public boolean none() {
        return !receipt && !collapseOnAck && escalateAfterMillis == 0 && traceparent == null && !journal;
    }

    public Tracking withTraceparent(String tp, boolean journaled) {
        return new Tracking(receipt, collapseOnAck, escalateAfterMillis, tp, journaled);
    }

    /** Compact JSON, {@code {"r":true,"c":true,"ea":30000,"tp":"00-…","j":true}}, each only when set. */
    JsonObject toJson(jakarta.json.spi.JsonProvider json) {
        JsonObjectBuilder b = json.createObjectBuilder();
        if (receipt) {
            b.add("r", true);
        }
        if (collapseOnAck) {
            b.add("c", true);
        }
        if (escalateAfterMillis != 0) {
            b.add("ea", escalateAfterMillis);
        }
        if (traceparent != null) {
            b.add("tp", traceparent);
        }
        if (journal) {
            b.add("j", true);
        }
        return b.build();
    }

    /** Reads {@link #toJson}; anything missing or of another type counts as not set. */
    static Tracking fromJson(JsonValue v) {
        if (!(v instanceof JsonObject o)) {
            return NONE;
        }
        Tracking t = new Tracking(
                o.get("r") == JsonValue.TRUE,
                o.get("c") == JsonValue.TRUE,
                o.get("ea") instanceof JsonNumber n ? n.longValue() : 0,
                o.get("tp") instanceof JsonString s ? s.getString() : null,
                o.get("j") == JsonValue.TRUE);
        return t.none() ? NONE : t;
    }
}
