package io.pushhub.protocol;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import jakarta.websocket.Decoder;
import java.io.StringReader;

/**
 * Decodes client text frames. Never throws: a frame that is not valid JSON, has an unknown type or lacks a required
 * field decodes to an invalid {@link ClientFrame} carrying the error code, so the endpoint can answer with an
 * {@code error} frame and keep the connection open. Frames nesting arrays/objects deeper than {@link
 * JsonDepth#MAX_DEPTH} are refused ({@code bad_json}) before they are parsed.
 */
public class ClientFrameDecoder implements Decoder.Text<ClientFrame> {

    /** Correlation ids longer than this are cut, so a client cannot make the server echo megabytes. */
    static final int MAX_ID_LENGTH = 64;

    /** A subscribe token longer than this is refused unread (a JWT the backend signs for one topic is far smaller). */
    static final int MAX_TOKEN_LENGTH = 8192;

    @Override
    public ClientFrame decode(String text) {
        return parse(text);
    }

    @Override
    public boolean willDecode(String text) {
        return true;
    }

    /** The decoding logic, usable without a WebSocket container (tests, other transports). */
    public static ClientFrame parse(String text) {
        if (JsonDepth.exceeds(text, JsonDepth.MAX_DEPTH)) {
            return ClientFrame.invalid(null, ErrorCode.BAD_JSON, JsonDepth.message("frame"));
        }
        JsonValue value;
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            value = reader.readValue();
        } catch (JsonParsingException e) {
            return ClientFrame.invalid(null, ErrorCode.BAD_JSON, "frame is not valid JSON: " + e.getMessage());
        } catch (RuntimeException e) {
            return ClientFrame.invalid(null, ErrorCode.BAD_JSON, "frame is not valid JSON");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            return ClientFrame.invalid(null, ErrorCode.BAD_JSON, "frame must be a JSON object, got " + typeName(value));
        }
        JsonObject obj = value.asJsonObject();

        JsonValue idValue = obj.get("id");
        String id = null;
        if (idValue != null && idValue.getValueType() == JsonValue.ValueType.STRING) {
            id = truncate(((JsonString) idValue).getString());
        } else if (idValue != null && idValue.getValueType() == JsonValue.ValueType.NUMBER) {
            id = truncate(idValue.toString());
        } else if (idValue != null && idValue.getValueType() != JsonValue.ValueType.NULL) {
            return ClientFrame.invalid(null, ErrorCode.MISSING_FIELD, "field 'id' must be a string or a number");
        }

        JsonValue typeValue = obj.get("type");
        if (typeValue == null || typeValue.getValueType() != JsonValue.ValueType.STRING) {
            return ClientFrame.invalid(id, ErrorCode.UNKNOWN_TYPE, "field 'type' (string) is required");
        }
        String typeName = ((JsonString) typeValue).getString();
        ClientFrame.Type type = ClientFrame.Type.fromWire(typeName);
        if (type == null) {
            return ClientFrame.invalid(
                    id,
                    ErrorCode.UNKNOWN_TYPE,
                    "unknown type '" + truncate(typeName)
                            + "'; expected subscribe, unsubscribe, publish, echo, ping or received");
        }

        String topic = null;
        if (type == ClientFrame.Type.SUBSCRIBE
                || type == ClientFrame.Type.UNSUBSCRIBE
                || type == ClientFrame.Type.PUBLISH) {
            JsonValue t = obj.get("topic");
            if (t == null || t.getValueType() != JsonValue.ValueType.STRING) {
                return ClientFrame.invalid(
                        id, ErrorCode.MISSING_FIELD, "'" + typeName + "' needs a string field 'topic'");
            }
            topic = ((JsonString) t).getString();
        }
        JsonValue data = null;
        if (type == ClientFrame.Type.PUBLISH || type == ClientFrame.Type.ECHO) {
            data = obj.get("data");
            if (data == null) {
                return ClientFrame.invalid(
                        id, ErrorCode.MISSING_FIELD, "'" + typeName + "' needs a field 'data' (any JSON)");
            }
        }
        ClientFrame.Since since = null;
        JsonValue sinceValue = obj.get("since");
        if (type == ClientFrame.Type.SUBSCRIBE
                && sinceValue != null
                && sinceValue.getValueType() != JsonValue.ValueType.NULL) {
            since = since(sinceValue);
            if (since == null) {
                return ClientFrame.invalid(
                        id,
                        ErrorCode.MISSING_FIELD,
                        "'since' must be {\"offset\": <integer >= 0>, \"epoch\": \"<string>\"} as received in message frames");
            }
        }
        String token = null;
        JsonValue tokenValue = obj.get("token");
        if (type == ClientFrame.Type.SUBSCRIBE
                && tokenValue != null
                && tokenValue.getValueType() != JsonValue.ValueType.NULL) {
            if (tokenValue.getValueType() != JsonValue.ValueType.STRING
                    || ((JsonString) tokenValue).getString().isBlank()
                    || ((JsonString) tokenValue).getString().length() > MAX_TOKEN_LENGTH) {
                return ClientFrame.invalid(
                        id,
                        ErrorCode.MISSING_FIELD,
                        "'token' must be a subscribe token (a signed JWT, at most " + MAX_TOKEN_LENGTH
                                + " characters)");
            }
            token = ((JsonString) tokenValue).getString().trim();
        }
        String messageId = null;
        if (type == ClientFrame.Type.RECEIVED) {
            JsonValue m = obj.get("messageId");
            if (!(m instanceof JsonString ms)
                    || ms.getString().isEmpty()
                    || ms.getString().length() > MAX_MESSAGE_ID_LENGTH) {
                return ClientFrame.invalid(
                        id,
                        ErrorCode.MISSING_FIELD,
                        "'received' needs a string field 'messageId' (1 to " + MAX_MESSAGE_ID_LENGTH
                                + " characters): the messageId of the message frame it acknowledges");
            }
            messageId = ms.getString();
        }
        return new ClientFrame(type, id, topic, data, null, since, token, messageId);
    }

    /** Longest message id a {@code received} frame may name (pushhub's own ids are far shorter). */
    static final int MAX_MESSAGE_ID_LENGTH = 200;

    /** The {@code since} object, or null when it is malformed. */
    private static ClientFrame.Since since(JsonValue v) {
        if (v.getValueType() != JsonValue.ValueType.OBJECT) {
            return null;
        }
        JsonObject o = v.asJsonObject();
        if (!(o.get("offset") instanceof jakarta.json.JsonNumber n)
                || !n.isIntegral()
                || n.longValue() < 0
                || !(o.get("epoch") instanceof JsonString e)
                || e.getString().isEmpty()
                || e.getString().length() > 64) {
            return null;
        }
        return new ClientFrame.Since(n.longValue(), e.getString());
    }

    private static String typeName(JsonValue v) {
        return v.getValueType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String truncate(String s) {
        return s.length() <= MAX_ID_LENGTH ? s : s.substring(0, MAX_ID_LENGTH);
    }
}
