package io.pushhub.protocol;

import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * A server-to-client frame. One class for every frame type keeps the JSON-B mapping in one place; fields a type does
 * not use stay null and are left out of the JSON. Use the static factories, which set exactly the fields that the
 * type documents in docs/protocol.md.
 */
@JsonbPropertyOrder({
    "type", "id", "forType", "code", "message", "connectionId", "userId", "anonymous", "messageId", "scope", "topic",
    "event", "from", "time", "offset", "epoch", "fromOffset", "toOffset", "reason", "members", "recovery", "limits", "data"
})
public class ServerFrame {

    public String type;
    public String id;

    @JsonbProperty("for")
    public String forType;

    public String code;
    public String message;
    public String connectionId;
    public String userId;
    public Boolean anonymous;
    public String messageId;
    public String scope;
    public String topic;
    public String event;
    public String from;
    public Long time;
    public Long offset;
    public String epoch;
    public Long fromOffset;
    public Long toOffset;
    public String reason;
    public List<String> members;
    /** On a subscribe ack for a topic with history: the resume outcome and the stream position (docs/protocol.md). */
    public Map<String, Object> recovery;
    public Map<String, Object> limits;
    public JsonValue data;

    public static ServerFrame welcome(String connectionId, String userId, boolean anonymous, Map<String, Object> limits) {
        ServerFrame f = new ServerFrame();
        f.type = "welcome";
        f.connectionId = connectionId;
        f.userId = userId;
        f.anonymous = anonymous;
        f.limits = limits;
        return f;
    }

    public static ServerFrame ack(String id, ClientFrame.Type forType) {
        ServerFrame f = new ServerFrame();
        f.type = "ack";
        f.id = id;
        f.forType = forType.wire();
        return f;
    }

    public static ServerFrame error(String id, ErrorCode code, String message) {
        ServerFrame f = new ServerFrame();
        f.type = "error";
        f.id = id;
        f.code = code.code();
        f.message = message;
        return f;
    }

    public static ServerFrame pong(String id, long time) {
        ServerFrame f = new ServerFrame();
        f.type = "pong";
        f.id = id;
        f.time = time;
        return f;
    }

    /** A pushed message. {@code scope} is one of all, user, connection, topic; topic and from may be null. */
    public static ServerFrame message(String messageId, String scope, String topic, String from, long time, JsonValue data) {
        ServerFrame f = new ServerFrame();
        f.type = "message";
        f.messageId = messageId;
        f.scope = scope;
        f.topic = topic;
        f.from = from;
        f.time = time;
        f.data = data;
        return f;
    }

    /** A pushed topic message with its place in the topic's history. */
    public static ServerFrame message(
            String messageId, String topic, String from, long time, JsonValue data, long offset, String epoch) {
        ServerFrame f = message(messageId, "topic", topic, from, time, data);
        if (epoch != null) {
            f.offset = offset;
            f.epoch = epoch;
        }
        return f;
    }

    public static ServerFrame presence(String topic, String event, String userId, String connectionId, long time) {
        ServerFrame f = new ServerFrame();
        f.type = "presence";
        f.topic = topic;
        f.event = event;
        f.userId = userId;
        f.connectionId = connectionId;
        f.time = time;
        return f;
    }

    /**
     * Messages of a history topic that this connection missed and will not get (this node's live feed was cut and the
     * catch-up could not read them): offsets {@code fromOffset..toOffset} of {@code epoch}; {@code toOffset} is left
     * out ({@code to} 0) when the end is unknown. The drop-oldest notice {@code {"type":"gap","missed":N}} is another
     * form (see Outbox).
     */
    public static ServerFrame gap(String topic, long from, long to, String epoch, String reason, String message) {
        ServerFrame f = new ServerFrame();
        f.type = "gap";
        f.topic = topic;
        f.fromOffset = from;
        f.toOffset = to > 0 ? to : null;
        f.epoch = epoch;
        f.reason = reason;
        f.message = message;
        return f;
    }
}
