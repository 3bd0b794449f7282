package io.pushhub.broker;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * One push as it travels between nodes and is kept in history. Encoded as a compact JSON object (see {@link
 * #toJson()}) so that any broker can carry it as text.
 *
 * @param node id of the node that published it
 * @param kind what {@code targets} names
 * @param targets user ids, connection ids or one topic (empty for {@link Kind#ALL})
 * @param messageId the id every recipient sees; for presence the connection id that joined or left
 * @param from the publishing user for client publishes, the user who joined/left for presence; else null
 * @param time server time of the push (epoch ms)
 * @param data the payload (for presence: the event, {@code "join"} or {@code "leave"}, as a JSON string)
 * @param offset the topic offset for history topics, else 0
 * @param epoch the topic epoch for history topics, else null
 * @param expiresAt when the message expires (epoch ms; 0: never): it is delivered by no node after that
 * @param except null, or the id of a connection that must not get it (live or from history), wherever it is
 * @param tracking what the push asked to be tracked (receipts, trace); {@link Tracking#NONE} for most
 */
public record Publication(
        String node,
        Kind kind,
        List<String> targets,
        String messageId,
        String from,
        long time,
        JsonValue data,
        long offset,
        String epoch,
        long expiresAt,
        String except,
        Tracking tracking) {

    /**
     * Looked up once: {@code Json.createObjectBuilder()} and friends search the provider with a ServiceLoader on every
     * call, which dominated encoding (each history message is encoded once for its size).
     */
    private static final jakarta.json.spi.JsonProvider JSON = jakarta.json.spi.JsonProvider.provider();

    /** What a publication is addressed to. */
    public enum Kind {
        ALL("all"),
        USERS("user"),
        TOPIC("topic"),
        CONNECTIONS("connection"),
        PRESENCE("presence"),
        /**
         * Not a message: subscribe every connection of the users in {@code targets} to the topic in {@code data} (a
         * JSON string) on every node. A node older than server-side subscriptions logs it as malformed and skips it.
         */
        SUBSCRIBE("subscribe"),
        /** Not a message: unsubscribe every connection of the users in {@code targets} from the topic in {@code data}. */
        UNSUBSCRIBE("unsubscribe"),
        /**
         * Not a message: the user in {@code targets} acknowledged the message {@code messageId} (delivery receipts,
         * collapseOnAck) on the connection {@code except}; every node retracts it on the user's other connections.
         */
        RETRACT("retract");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        /** Spelling on the wire, equal to the message frame's {@code scope} for pushes. */
        public String wire() {
            return wire;
        }

        static Kind fromWire(String s) {
            for (Kind k : values()) {
                if (k.wire.equals(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown publication kind '" + s + "'");
        }
    }

    public Publication {
        targets = List.copyOf(targets);
        tracking = tracking == null ? Tracking.NONE : tracking;
    }

    /** A publication that tracks nothing. */
    public Publication(
            String node,
            Kind kind,
            List<String> targets,
            String messageId,
            String from,
            long time,
            JsonValue data,
            long offset,
            String epoch,
            long expiresAt,
            String except) {
        this(node, kind, targets, messageId, from, time, data, offset, epoch, expiresAt, except, Tracking.NONE);
    }

    /** This publication, tracking {@code t}. */
    public Publication tracked(Tracking t) {
        return new Publication(node, kind, targets, messageId, from, time, data, offset, epoch, expiresAt, except, t);
    }

    /** A publication that excludes no connection. */
    public Publication(
            String node,
            Kind kind,
            List<String> targets,
            String messageId,
            String from,
            long time,
            JsonValue data,
            long offset,
            String epoch,
            long expiresAt) {
        this(node, kind, targets, messageId, from, time, data, offset, epoch, expiresAt, null);
    }

    /** A publication that never expires. */
    public Publication(
            String node,
            Kind kind,
            List<String> targets,
            String messageId,
            String from,
            long time,
            JsonValue data,
            long offset,
            String epoch) {
        this(node, kind, targets, messageId, from, time, data, offset, epoch, 0, null);
    }

    /** Whether it has an expiry and it has passed at {@code nowMillis}. */
    public boolean expiredAt(long nowMillis) {
        return expiresAt != 0 && nowMillis >= expiresAt;
    }

    /** Whether {@code connectionId} is the connection this publication excludes. */
    public boolean excludes(String connectionId) {
        return except != null && except.equals(connectionId);
    }

    /** The topic of a TOPIC or PRESENCE publication. */
    public String topic() {
        return targets.get(0);
    }

    public boolean hasOffset() {
        return epoch != null;
    }

    public Publication at(long newOffset, String newEpoch) {
        return new Publication(
                node, kind, targets, messageId, from, time, data, newOffset, newEpoch, expiresAt, except, tracking);
    }

    /**
     * Compact JSON: {@code {"n":node,"k":kind,"t":[targets],"m":messageId,"f":from,"ts":time,"x":expiresAt,"d":data}}
     * ({@code "f"} and {@code "x"} only when set) plus {@code "o"} and {@code "e"} when it has an offset, and {@code
     * "xc"} (the excluded connection) when set. The Redis script relies on this being a JSON object that starts with
     * <code>{"n":</code>. A node older than expiry ignores {@code "x"}; a publication without it never expires, so old
     * and new nodes read each other's. Likewise {@code "xc"}: a node older than exclusion ignores it and delivers to
     * every recipient it has. And {@code "tr"} ({@link Tracking}) when the push tracks something; an older node
     * ignores it and delivers untracked.
     */
    public String toJson() {
        JsonObjectBuilder b = JSON.createObjectBuilder();
        if (hasOffset()) {
            b.add("o", offset).add("e", epoch);
        }
        b.add("n", node).add("k", kind.wire());
        JsonArrayBuilder t = JSON.createArrayBuilder();
        targets.forEach(t::add);
        b.add("t", t).add("m", messageId);
        if (from != null) {
            b.add("f", from);
        }
        b.add("ts", time);
        if (expiresAt != 0) {
            b.add("x", expiresAt);
        }
        if (except != null) {
            b.add("xc", except);
        }
        if (!tracking.none()) {
            b.add("tr", tracking.toJson(JSON));
        }
        b.add("d", data == null ? JsonValue.NULL : data);
        return b.build().toString();
    }

    /** Parses {@link #toJson()}; the broker may have added {@code "o"} and {@code "e"}. */
    public static Publication fromJson(String json) {
        JsonObject o;
        try (JsonReader r = JSON.createReader(new StringReader(json))) {
            o = r.readObject();
        }
        List<String> targets = new ArrayList<>();
        for (JsonValue v : o.getJsonArray("t")) {
            targets.add(((JsonString) v).getString());
        }
        JsonNumber offset = o.getJsonNumber("o");
        JsonNumber expires = o.getJsonNumber("x");
        return new Publication(
                o.getString("n"),
                Kind.fromWire(o.getString("k")),
                targets,
                o.getString("m"),
                o.containsKey("f") ? o.getString("f") : null,
                o.getJsonNumber("ts").longValue(),
                o.get("d"),
                offset == null ? 0 : offset.longValue(),
                o.containsKey("e") ? o.getString("e") : null,
                expires == null ? 0 : expires.longValue(),
                o.get("xc") instanceof JsonString xc ? xc.getString() : null,
                Tracking.fromJson(o.get("tr")));
    }
}
