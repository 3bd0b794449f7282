package io.pushhub.protocol;

import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.util.List;

/**
 * A server-to-client frame: one immutable record per frame type of docs/protocol.md, encoded only by {@link Codec}.
 *
 * <p><b>The frame set.</b> {@link Welcome} opens every connection (its id, user and {@link Limits}). {@link Ack},
 * {@link Error} and {@link Pong} are the {@link Reply replies} to client commands and echo the command's {@code id}; a
 * subscribe ack may carry the room's {@code members} and a {@link Recovery} (the topic's stream position, or the outcome
 * of resuming from {@code since}). {@link Message} is a push (scope all, user, connection or topic; topic messages of
 * topics with history carry {@code offset} and {@code epoch}), {@link Presence} a join or leave in a presence topic.
 * {@link Gap} says what will not arrive, in two forms: {@code missed} messages dropped from a slow client's queue, or a
 * topic's offsets this node could not catch up. {@link Batch} carries several already encoded frames in one transport
 * frame. Two frames exist only on the SSE transport: {@link Resumed} starts a resumed stream, {@link Closed} ends one
 * with the WebSocket close code the connection would have got. {@link Subscribed} and {@link Unsubscribed} tell a
 * client that the server (its backend, through {@code /api/users/{id}/subscriptions}) changed its subscriptions.
 *
 * <p><b>JSON.</b> The {@code type} member comes first (the alias below), then the record's components in the order of
 * its {@code @JsonbPropertyOrder}; null components are left out. That order is part of the wire format (it is the one
 * the frames had before they were records, which is why presence and gap frames do not follow their components'
 * order): {@code ServerFrameWireFormatTest} pins every frame to the examples in docs/protocol.md. Records here must
 * not declare {@code getX()} or {@code isX()} methods: JSON-B would write them as members.
 */
@JsonbTypeInfo(
        key = "type",
        value = {
            @JsonbSubtype(alias = "welcome", type = ServerFrame.Welcome.class),
            @JsonbSubtype(alias = "ack", type = ServerFrame.Ack.class),
            @JsonbSubtype(alias = "error", type = ServerFrame.Error.class),
            @JsonbSubtype(alias = "pong", type = ServerFrame.Pong.class),
            @JsonbSubtype(alias = "message", type = ServerFrame.Message.class),
            @JsonbSubtype(alias = "presence", type = ServerFrame.Presence.class),
            @JsonbSubtype(alias = "gap", type = ServerFrame.Gap.class),
            @JsonbSubtype(alias = "resumed", type = ServerFrame.Resumed.class),
            @JsonbSubtype(alias = "closed", type = ServerFrame.Closed.class),
            @JsonbSubtype(alias = "subscribed", type = ServerFrame.Subscribed.class),
            @JsonbSubtype(alias = "unsubscribed", type = ServerFrame.Unsubscribed.class),
            @JsonbSubtype(alias = "retract", type = ServerFrame.Retract.class)
            // Batch is not here: its members are already encoded, and Codec joins them as they are.
        })
public sealed interface ServerFrame
        permits ServerFrame.Welcome,
                ServerFrame.Reply,
                ServerFrame.Message,
                ServerFrame.Presence,
                ServerFrame.Gap,
                ServerFrame.Batch,
                ServerFrame.Resumed,
                ServerFrame.Closed,
                ServerFrame.Subscribed,
                ServerFrame.Unsubscribed,
                ServerFrame.Retract {

    // ---------------------------------------------------------------- frames

    /**
     * The first frame of every connection. {@code commandKey} only on an SSE connection: its commands send it back in
     * {@code X-PushHub-Command-Key}, which proves the stream's owner without a cookie (pages of another site). {@code
     * info} only when the authorization hook admitted the connection with per-connection info (docs/authorization.md).
     */
    @JsonbPropertyOrder({"connectionId", "userId", "anonymous", "limits", "commandKey", "info"})
    record Welcome(
            String connectionId, String userId, boolean anonymous, Limits limits, String commandKey, JsonValue info)
            implements ServerFrame {}

    /** The answer to one client command; {@code id} echoes the command's (null when it had none). */
    sealed interface Reply extends ServerFrame permits Ack, Error, Pong {
        String id();

        /** The same reply answering the command with this id (the SSE transport restores the client's own id). */
        Reply withId(String id);
    }

    /**
     * A command succeeded. {@code forType} ({@code for} on the wire) names the command; {@code messageId} is set for
     * publish, {@code topic} for subscribe, unsubscribe and publish, {@code members} for a subscribe to a presence
     * topic, {@code recovery} for a subscribe to a topic with history, {@code data} for echo.
     */
    @JsonbPropertyOrder({"id", "forType", "messageId", "topic", "members", "recovery", "data"})
    record Ack(
            String id,
            @JsonbProperty("for") String forType,
            String messageId,
            String topic,
            List<String> members,
            Recovery recovery,
            JsonValue data)
            implements Reply {

        @Override
        public Ack withId(String id) {
            return new Ack(id, forType, messageId, topic, members, recovery, data);
        }
    }

    /** A command failed; {@code code} is one of {@link ErrorCode}. The connection stays open. */
    @JsonbPropertyOrder({"id", "code", "message"})
    record Error(String id, String code, String message) implements Reply {

        @Override
        public Error withId(String id) {
            return new Error(id, code, message);
        }
    }

    /** The answer to a ping: the server's clock in epoch milliseconds. */
    @JsonbPropertyOrder({"id", "time"})
    record Pong(String id, long time) implements Reply {

        @Override
        public Pong withId(String id) {
            return new Pong(id, time);
        }
    }

    /**
     * A pushed message. {@code scope} is one of all, user, connection, topic; {@code topic} is set for scope topic,
     * {@code from} when a client published it, {@code offset} and {@code epoch} when the topic keeps history,
     * {@code expiresAt} (epoch ms) when the push has an expiry (the hub never delivers it after that), {@code receipt}
     * (true) when the push asked for delivery receipts: the client answers {@code received} once its handler ran.
     */
    @JsonbPropertyOrder({
        "messageId",
        "scope",
        "topic",
        "from",
        "time",
        "expiresAt",
        "offset",
        "epoch",
        "receipt",
        "data"
    })
    record Message(
            String messageId,
            String scope,
            String topic,
            String from,
            long time,
            Long expiresAt,
            Long offset,
            String epoch,
            Boolean receipt,
            JsonValue data)
            implements ServerFrame {

        /** A message without receipt. */
        public Message(
                String messageId,
                String scope,
                String topic,
                String from,
                long time,
                Long expiresAt,
                Long offset,
                String epoch,
                JsonValue data) {
            this(messageId, scope, topic, from, time, expiresAt, offset, epoch, null, data);
        }

        /** This message asking the client for a receipt ({@code receipt: true}). */
        public Message askingReceipt() {
            return new Message(messageId, scope, topic, from, time, expiresAt, offset, epoch, Boolean.TRUE, data);
        }
    }

    /**
     * Delivery receipts with {@code collapseOnAck}: another connection of this user acknowledged the message {@code
     * messageId}, so this one may take it off the screen. Not an answer to a command.
     */
    @JsonbPropertyOrder({"messageId"})
    record Retract(String messageId) implements ServerFrame {}

    /** A user joined or left a presence topic ({@code event} join or leave). */
    @JsonbPropertyOrder({"connectionId", "userId", "topic", "event", "time"})
    record Presence(String topic, String event, String userId, String connectionId, long time) implements ServerFrame {}

    /**
     * Something this connection will not receive, in one of two forms (docs/protocol.md, "Batches and gaps"): only
     * {@code missed}, the number of messages dropped from its queue (policy drop-oldest); or, with {@code topic}, the
     * offsets {@code fromOffset..toOffset} of {@code epoch} that this node could not catch up ({@code toOffset} null when
     * the end is unknown), with a {@code reason} and a {@code message} for people.
     */
    @JsonbPropertyOrder({"missed", "message", "topic", "epoch", "fromOffset", "toOffset", "reason"})
    record Gap(
            Integer missed, String topic, Long fromOffset, Long toOffset, String epoch, String reason, String message)
            implements ServerFrame {}

    /**
     * Several frames sent as one: {@code messages} are frames already encoded by {@link Codec}, handled by the client in
     * order as if each had arrived alone. Never nested. {@link Codec#encode} joins them as they are, without parsing
     * them again; the list is not copied.
     */
    record Batch(List<String> messages) implements ServerFrame {}

    /** SSE only: the stream was resumed with {@code Last-Event-ID}; {@code replayed} frames follow. Has no event id. */
    @JsonbPropertyOrder({"connectionId", "replayed"})
    record Resumed(String connectionId, int replayed) implements ServerFrame {}

    /** SSE only: the last event of a stream the server ends, with the WebSocket close code it would have used. */
    @JsonbPropertyOrder({"code", "reason"})
    record Closed(int code, String reason) implements ServerFrame {}

    /**
     * The server subscribed this connection to {@code topic} ({@code by} is always {@code server}): messages of the
     * topic follow. Not an answer to a command, so it has no {@code id}.
     */
    @JsonbPropertyOrder({"topic", "by"})
    record Subscribed(String topic, String by) implements ServerFrame {}

    /** The server unsubscribed this connection from {@code topic} ({@code by} is always {@code server}). */
    @JsonbPropertyOrder({"topic", "by"})
    record Unsubscribed(String topic, String by) implements ServerFrame {}

    // ---------------------------------------------------------------- values inside frames

    /** The connection's limits, in the welcome. */
    @JsonbPropertyOrder({"maxFrameBytes", "maxSubscriptions", "ratePerSecond", "rateBurst"})
    record Limits(int maxFrameBytes, int maxSubscriptions, int ratePerSecond, int rateBurst) {}

    /**
     * In a subscribe ack for a topic with history: where the topic's stream is ({@code epoch}, {@code offset}), and for
     * a subscribe with {@code since} whether the missed messages follow ({@code recovered}, {@code replayed}) or why
     * not ({@code reason}, with the {@code missed} offsets when known). {@code reason} {@code unavailable} comes with a
     * {@code message} and no position. See docs/protocol.md, "History and resume".
     */
    @JsonbPropertyOrder({"recovered", "replayed", "expired", "reason", "missed", "message", "epoch", "offset"})
    record Recovery(
            Boolean recovered,
            Integer replayed,
            Integer expired,
            String reason,
            Missed missed,
            String message,
            String epoch,
            Long offset) {

        /** A subscribe without {@code since}: only the position, to resume from later. */
        public static Recovery position(String epoch, long offset) {
            return new Recovery(null, null, null, null, null, null, epoch, offset);
        }

        /** Resumed: {@code replayed} messages follow, up to {@code offset} of {@code epoch}. */
        public static Recovery recovered(int replayed, String epoch, long offset) {
            return recovered(replayed, 0, epoch, offset);
        }

        /**
         * Resumed: {@code replayed} messages follow, up to {@code offset} of {@code epoch}; {@code expired} missed
         * messages were skipped because they had expired (left out when 0).
         */
        public static Recovery recovered(int replayed, int expired, String epoch, long offset) {
            return new Recovery(true, replayed, expired == 0 ? null : expired, null, null, null, epoch, offset);
        }

        /** Not resumed; {@code missed} may be null when no offset is known to be missed. */
        public static Recovery lost(String reason, Missed missed, String epoch, long offset) {
            return new Recovery(false, null, null, reason, missed, null, epoch, offset);
        }

        /** The history could not be read; {@code resuming}: the subscribe had {@code since}, so it is not recovered. */
        public static Recovery unavailable(boolean resuming, String message) {
            return new Recovery(resuming ? false : null, null, null, "unavailable", null, message, null, null);
        }
    }

    /** Offsets a resume could not deliver, inclusive. */
    @JsonbPropertyOrder({"fromOffset", "toOffset"})
    record Missed(long fromOffset, long toOffset) {}

    // ---------------------------------------------------------------- factories

    static Welcome welcome(String connectionId, String userId, boolean anonymous, Limits limits, String commandKey) {
        return new Welcome(connectionId, userId, anonymous, limits, commandKey, null);
    }

    /** A welcome carrying the info the authorization hook attached to the connection (null: none). */
    static Welcome welcome(
            String connectionId, String userId, boolean anonymous, Limits limits, String commandKey, JsonValue info) {
        return new Welcome(connectionId, userId, anonymous, limits, commandKey, info);
    }

    /** An ack with nothing but the command (see the specific factories below). */
    static Ack ack(String id, ClientFrame.Type forType) {
        return new Ack(id, forType.wire(), null, null, null, null, null);
    }

    /** Subscribed; {@code members} for presence topics and {@code recovery} for history topics, else null. */
    static Ack subscribed(String id, String topic, List<String> members, Recovery recovery) {
        return new Ack(id, ClientFrame.Type.SUBSCRIBE.wire(), null, topic, members, recovery, null);
    }

    static Ack unsubscribed(String id, String topic) {
        return new Ack(id, ClientFrame.Type.UNSUBSCRIBE.wire(), null, topic, null, null, null);
    }

    /** Published: the message id the publisher will also see on its own copy. */
    static Ack published(String id, String topic, String messageId) {
        return new Ack(id, ClientFrame.Type.PUBLISH.wire(), messageId, topic, null, null, null);
    }

    /** A {@code received} command taken (answered only when it had an id: SSE commands always have one). */
    static Ack received(String id, String messageId) {
        return new Ack(id, ClientFrame.Type.RECEIVED.wire(), messageId, null, null, null, null);
    }

    static Retract retract(String messageId) {
        return new Retract(messageId);
    }

    static Ack echoed(String id, JsonValue data) {
        return new Ack(id, ClientFrame.Type.ECHO.wire(), null, null, null, null, data);
    }

    static Error error(String id, ErrorCode code, String message) {
        return new Error(id, code.code(), message);
    }

    static Pong pong(String id, long time) {
        return new Pong(id, time);
    }

    /** A pushed message. {@code scope} is one of all, user, connection, topic; topic and from may be null. */
    static Message message(String messageId, String scope, String topic, String from, long time, JsonValue data) {
        return new Message(messageId, scope, topic, from, time, null, null, null, data);
    }

    /** As above, expiring at {@code expiresAt} (epoch ms; 0: never, left out). */
    static Message message(
            String messageId, String scope, String topic, String from, long time, long expiresAt, JsonValue data) {
        return new Message(messageId, scope, topic, from, time, expiry(expiresAt), null, null, data);
    }

    /** A pushed topic message with its place in the topic's history ({@code epoch} null: the topic keeps none). */
    static Message message(
            String messageId, String topic, String from, long time, JsonValue data, long offset, String epoch) {
        return message(messageId, topic, from, time, 0, data, offset, epoch);
    }

    /** As above, expiring at {@code expiresAt} (epoch ms; 0: never, left out). */
    static Message message(
            String messageId,
            String topic,
            String from,
            long time,
            long expiresAt,
            JsonValue data,
            long offset,
            String epoch) {
        return epoch == null
                ? new Message(messageId, "topic", topic, from, time, expiry(expiresAt), null, null, data)
                : new Message(messageId, "topic", topic, from, time, expiry(expiresAt), offset, epoch, data);
    }

    private static Long expiry(long expiresAt) {
        return expiresAt == 0 ? null : expiresAt;
    }

    static Presence presence(String topic, String event, String userId, String connectionId, long time) {
        return new Presence(topic, event, userId, connectionId, time);
    }

    /** The drop-oldest notice: {@code missed} messages were dropped from this connection's queue. */
    static Gap gap(int missed) {
        return new Gap(missed, null, null, null, null, null, null);
    }

    /**
     * Messages of a history topic that this connection missed and will not get (this node's live feed was cut and the
     * catch-up could not read them): offsets {@code from..to} of {@code epoch}; {@code toOffset} is left out ({@code to}
     * 0) when the end is unknown.
     */
    static Gap gap(String topic, long from, long to, String epoch, String reason, String message) {
        return new Gap(null, topic, from, to > 0 ? to : null, epoch, reason, message);
    }

    static Subscribed subscribedByServer(String topic) {
        return new Subscribed(topic, "server");
    }

    static Unsubscribed unsubscribedByServer(String topic) {
        return new Unsubscribed(topic, "server");
    }

    static Resumed resumed(String connectionId, int replayed) {
        return new Resumed(connectionId, replayed);
    }

    static Closed closed(int code, String reason) {
        return new Closed(code, reason);
    }
}
