package io.pushhub.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClientFrameDecoderTest {

    @Test
    void decodesEachCommand() {
        ClientFrame sub = ClientFrameDecoder.parse("{\"type\":\"subscribe\",\"topic\":\"news\",\"id\":\"1\"}");
        assertTrue(sub.isValid());
        assertEquals(ClientFrame.Type.SUBSCRIBE, sub.type());
        assertEquals("news", sub.topic());
        assertEquals("1", sub.id());

        ClientFrame pub =
                ClientFrameDecoder.parse("{\"type\":\"publish\",\"topic\":\"chat:a\",\"data\":{\"x\":[1,null]}}");
        assertEquals("{\"x\":[1,null]}", pub.data().toString());
        assertNull(pub.id());

        ClientFrame echo = ClientFrameDecoder.parse("{\"type\":\"echo\",\"data\":null,\"id\":7}");
        assertTrue(echo.isValid(), "null is a valid JSON payload");
        assertEquals("7", echo.id(), "numeric ids are echoed as text");
        assertTrue(ClientFrameDecoder.parse("{\"type\":\"ping\"}").isValid());
    }

    @Test
    void problemsCarryTheirCodeAndTheId() {
        assertEquals(
                ErrorCode.BAD_JSON, ClientFrameDecoder.parse("{oops").problem().code());
        assertEquals(
                ErrorCode.BAD_JSON,
                ClientFrameDecoder.parse("\"a string\"").problem().code());
        ClientFrame unknown = ClientFrameDecoder.parse("{\"type\":\"fly\",\"id\":\"q\"}");
        assertEquals(ErrorCode.UNKNOWN_TYPE, unknown.problem().code());
        assertEquals("q", unknown.id());
        assertTrue(unknown.problem().message().contains("fly"));
        assertEquals(
                ErrorCode.MISSING_FIELD,
                ClientFrameDecoder.parse("{\"type\":\"unsubscribe\"}").problem().code());
        assertEquals(
                ErrorCode.MISSING_FIELD,
                ClientFrameDecoder.parse("{\"type\":\"echo\"}").problem().code());
        assertEquals(
                ErrorCode.MISSING_FIELD,
                ClientFrameDecoder.parse("{\"type\":\"ping\",\"id\":{}}")
                        .problem()
                        .code());
    }

    /** An echo frame whose data nests {@code levels} arrays: the frame itself is one more level. */
    private static String nestedEcho(int levels) {
        return "{\"type\":\"echo\",\"data\":" + "[".repeat(levels) + "]".repeat(levels) + "}";
    }

    @Test
    void deepNestingIsRefusedAsBadJsonNamingTheLimit() {
        ClientFrame deep = ClientFrameDecoder.parse(nestedEcho(2000));
        assertEquals(ErrorCode.BAD_JSON, deep.problem().code());
        assertTrue(
                deep.problem().message().contains("deeper than " + JsonDepth.MAX_DEPTH),
                deep.problem().message());
        assertEquals(
                ErrorCode.BAD_JSON,
                ClientFrameDecoder.parse(nestedEcho(JsonDepth.MAX_DEPTH))
                        .problem()
                        .code(),
                "one level over the limit");
        assertTrue(ClientFrameDecoder.parse(nestedEcho(JsonDepth.MAX_DEPTH - 1)).isValid(), "exactly at the limit");
    }

    @Test
    void bracketsInsideStringsDoNotCount() {
        String text = "\"\\\"" + "[{".repeat(500) + "\"";
        ClientFrame f = ClientFrameDecoder.parse("{\"type\":\"echo\",\"data\":" + text + "}");
        assertTrue(f.isValid(), "a string full of brackets (after an escaped quote) is flat: " + f);
    }

    @Test
    void longIdsAreCut() {
        ClientFrame f = ClientFrameDecoder.parse("{\"type\":\"ping\",\"id\":\"" + "i".repeat(10_000) + "\"}");
        assertEquals(ClientFrameDecoder.MAX_ID_LENGTH, f.id().length());
    }

    @Test
    void serverFramesOmitNullsAndKeepTypeFirst() {
        String json = Codec.encode(ServerFrame.error("9", ErrorCode.INVALID_TOPIC, "bad"));
        assertEquals("{\"type\":\"error\",\"id\":\"9\",\"code\":\"invalid_topic\",\"message\":\"bad\"}", json);
        String ack = Codec.encode(ServerFrame.ack(null, ClientFrame.Type.SUBSCRIBE));
        assertEquals("{\"type\":\"ack\",\"for\":\"subscribe\"}", ack);
    }
}
