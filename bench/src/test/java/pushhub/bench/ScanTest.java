package pushhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScanTest {
    static List<long[]> pairs(String s) {
        ByteBuf b = Unpooled.directBuffer().writeBytes(s.getBytes(StandardCharsets.UTF_8));
        List<long[]> out = new ArrayList<>();
        int n = Scan.pairs(b, (seq, t) -> out.add(new long[] {seq, t}));
        assertEquals(out.size(), n);
        b.release();
        return out;
    }

    @Test
    void singleMessage() {
        List<long[]> p = pairs("{\"type\":\"message\",\"messageId\":\"m-1\",\"scope\":\"all\",\"time\":1763780000000,"
                + "\"data\":{\"seq\":17,\"t\":1763780000123456}}");
        assertEquals(1, p.size());
        assertEquals(17, p.get(0)[0]);
        assertEquals(1763780000123456L, p.get(0)[1]);
    }

    @Test
    void reorderedKeysWhitespaceAndPadding() {
        List<long[]> p = pairs(
                "{\"type\": \"message\", \"topic\": \"news\", \"data\": {\"t\": 99, \"p\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", \"seq\": 3}}");
        assertEquals(1, p.size());
        assertEquals(3, p.get(0)[0]);
        assertEquals(99, p.get(0)[1]);
    }

    @Test
    void batchFrameCountsEveryInnerMessage() {
        StringBuilder sb = new StringBuilder("{\"type\":\"batch\",\"messages\":[");
        for (int i = 0; i < 5; i++) {
            if (i > 0) sb.append(',');
            sb.append("{\"type\":\"message\",\"messageId\":\"m-")
                    .append(i)
                    .append("\",\"scope\":\"all\",\"time\":1,")
                    .append("\"data\":{\"seq\":")
                    .append(i)
                    .append(",\"t\":")
                    .append(1000 + i)
                    .append("}}");
        }
        sb.append("]}");
        List<long[]> p = pairs(sb.toString());
        assertEquals(5, p.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(i, p.get(i)[0]);
            assertEquals(1000 + i, p.get(i)[1]);
        }
    }

    @Test
    void framesWithoutDataYieldNothing() {
        assertEquals(
                0,
                pairs("{\"type\":\"ack\",\"id\":\"1\",\"for\":\"subscribe\",\"topic\":\"news\"}")
                        .size());
        assertEquals(
                0,
                pairs("{\"type\":\"welcome\",\"connectionId\":\"c-1\",\"userId\":\"anon-1\",\"anonymous\":true}")
                        .size());
    }

    @Test
    void welcomeFields() {
        String w = "{\"type\":\"welcome\",\"connectionId\": \"c-9f2\",\"userId\":\"anon-1a2b\",\"anonymous\":true}";
        assertEquals("c-9f2", Scan.stringField(w, "connectionId"));
        assertEquals("anon-1a2b", Scan.stringField(w, "userId"));
        assertNull(Scan.stringField(w, "nope"));
    }

    @Test
    void reachedField() {
        ByteBuf b = Unpooled.copiedBuffer("{\"messageId\":\"m-1\",\"reached\": 2000}", StandardCharsets.UTF_8);
        assertEquals(2000, Scan.longField(b, "reached"));
    }

    @Test
    void miniJsonKeepsDataVerbatim() {
        Map<String, String> m =
                MiniJson.object("{\"users\":[\"u1\",\"u\\\"2\"], \"data\" : {\"seq\":1,\"t\":2,\"s\":\"a}b\"}}");
        assertEquals("{\"seq\":1,\"t\":2,\"s\":\"a}b\"}", m.get("data"));
        assertEquals(List.of("u1", "u\"2"), MiniJson.strings(m.get("users")));
        assertEquals(
                "news", MiniJson.str(MiniJson.object("{\"topic\":\"news\"}").get("topic")));
    }
}
