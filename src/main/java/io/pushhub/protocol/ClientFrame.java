package io.pushhub.protocol;

import jakarta.json.JsonValue;

/**
 * One decoded client-to-server frame. Either a valid command ({@link #problem()} is null) or the reason it could not
 * be understood, together with whatever correlation {@code id} could still be read so the error can be matched.
 *
 * @param type the command, or null when the frame is invalid
 * @param id the client's correlation id, echoed in the reply; may be null
 * @param topic the topic for subscribe/unsubscribe/publish; null otherwise
 * @param data the payload for publish/echo; null otherwise
 * @param problem why the frame was rejected; null for a valid frame
 * @param since for subscribe: the last offset and epoch the client received on this topic, to resume from; else null
 * @param token for subscribe: a subscribe token (a JWT signed by the backend for this user and topic); else null
 * @param messageId for received: the id of the message the client acknowledges (delivery receipts); else null
 */
public record ClientFrame(
        Type type,
        String id,
        String topic,
        JsonValue data,
        Problem problem,
        Since since,
        String token,
        String messageId) {

    /** A frame that acknowledges no message. */
    public ClientFrame(Type type, String id, String topic, JsonValue data, Problem problem, Since since, String token) {
        this(type, id, topic, data, problem, since, token, null);
    }

    /** A frame without a subscribe token. */
    public ClientFrame(Type type, String id, String topic, JsonValue data, Problem problem, Since since) {
        this(type, id, topic, data, problem, since, null);
    }

    /** A client's position in a topic's stream: the last offset it received and that offset's epoch. */
    public record Since(long offset, String epoch) {}

    /** Client commands, as spelled on the wire. */
    public enum Type {
        SUBSCRIBE("subscribe"),
        UNSUBSCRIBE("unsubscribe"),
        PUBLISH("publish"),
        ECHO("echo"),
        PING("ping"),
        /** The client's handler ran for a message that asked for a receipt ({@code "receipt": true}). */
        RECEIVED("received");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static Type fromWire(String s) {
            for (Type t : values()) {
                if (t.wire.equals(s)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** Why a frame was rejected: an error code and a message naming the problem. */
    public record Problem(ErrorCode code, String message) {}

    public static ClientFrame invalid(String id, ErrorCode code, String message) {
        return new ClientFrame(null, id, null, null, new Problem(code, message), null);
    }

    public boolean isValid() {
        return problem == null;
    }
}
