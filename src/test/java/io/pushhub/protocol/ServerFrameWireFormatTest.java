package io.pushhub.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every server frame type, encoded by the {@link Codec}, is exactly the text docs/protocol.md shows: the member order,
 * the left-out nulls and the spelling are what clients see, so a change here is a change of the wire format. Each
 * documented example is also looked up in docs/protocol.md itself, so the document cannot drift from the encoder.
 */
class ServerFrameWireFormatTest {

    private static final long T = 1763805600000L;
    private static String doc;

    @BeforeAll
    static void readDoc() throws IOException {
        String text = Files.readString(Path.of("docs/protocol.md"), StandardCharsets.UTF_8);
        // Long examples are wrapped after a comma or an opening bracket: join them back into one line.
        doc = text.replaceAll("(?<=[,\\[])\\n\\s*", "");
    }

    /** The frame encodes to exactly {@code json}, and docs/protocol.md shows that text. */
    private static void documented(String json, ServerFrame frame) {
        assertEquals(json, Codec.encode(frame));
        assertTrue(doc.contains(json), "docs/protocol.md does not show " + json);
    }

    /** The frame encodes to exactly {@code json} (a form the document describes in words only). */
    private static void encodes(String json, ServerFrame frame) {
        assertEquals(json, Codec.encode(frame));
    }

    private static JsonValue json(String text) {
        return Json.createReader(new java.io.StringReader(text)).readValue();
    }

    @Test
    void welcome() {
        documented(
                "{\"type\":\"welcome\",\"connectionId\":\"c-5e0c…\",\"userId\":\"alice\",\"anonymous\":false,"
                        + "\"limits\":{\"maxFrameBytes\":65536,\"maxSubscriptions\":100,\"ratePerSecond\":50,\"rateBurst\":100}}",
                ServerFrame.welcome("c-5e0c…", "alice", false, new ServerFrame.Limits(65536, 100, 50, 100), null));
        // Over SSE only: the secret its commands carry in X-PushHub-Command-Key.
        encodes(
                "{\"type\":\"welcome\",\"connectionId\":\"c-5e0c…\",\"userId\":\"anon-…\",\"anonymous\":true,"
                        + "\"limits\":{\"maxFrameBytes\":65536,\"maxSubscriptions\":100,\"ratePerSecond\":50,\"rateBurst\":100},"
                        + "\"commandKey\":\"9c1f…\"}",
                ServerFrame.welcome("c-5e0c…", "anon-…", true, new ServerFrame.Limits(65536, 100, 50, 100), "9c1f…"));
    }

    @Test
    void acks() {
        documented(
                "{\"type\":\"ack\",\"id\":\"1\",\"for\":\"subscribe\",\"topic\":\"news\",\"recovery\":{\"epoch\":\"e1a2\",\"offset\":17}}",
                ServerFrame.subscribed("1", "news", null, ServerFrame.Recovery.position("e1a2", 17)));
        documented(
                "{\"type\":\"ack\",\"id\":\"1\",\"for\":\"subscribe\",\"topic\":\"chat:lobby\",\"members\":[\"alice\",\"bob\"],"
                        + "\"recovery\":{\"epoch\":\"9f3c\",\"offset\":4}}",
                ServerFrame.subscribed(
                        "1", "chat:lobby", List.of("alice", "bob"), ServerFrame.Recovery.position("9f3c", 4)));
        documented(
                "{\"type\":\"ack\",\"id\":\"3\",\"for\":\"publish\",\"messageId\":\"m-1f2e3d4c-2a\",\"topic\":\"chat:lobby\"}",
                ServerFrame.published("3", "chat:lobby", "m-1f2e3d4c-2a"));
        documented(
                "{\"type\":\"ack\",\"id\":\"4\",\"for\":\"echo\",\"data\":{\"hello\":[1,2,3]}}",
                ServerFrame.echoed("4", json("{\"hello\":[1,2,3]}")));
        // The SSE command reply of a subscribe to a topic without history.
        documented(
                "{\"type\":\"ack\",\"id\":\"1\",\"for\":\"subscribe\",\"topic\":\"news\"}",
                ServerFrame.subscribed("1", "news", null, null));
        encodes(
                "{\"type\":\"ack\",\"id\":\"2\",\"for\":\"unsubscribe\",\"topic\":\"news\"}",
                ServerFrame.unsubscribed("2", "news"));
        // JSON null is data like any other: echoed, not left out.
        encodes("{\"type\":\"ack\",\"for\":\"echo\",\"data\":null}", ServerFrame.echoed(null, JsonValue.NULL));
    }

    @Test
    void subscribeAcksDescribeTheResume() {
        documented(
                "{\"type\":\"ack\",\"id\":\"1\",\"for\":\"subscribe\",\"topic\":\"news\","
                        + "\"recovery\":{\"recovered\":true,\"replayed\":3,\"epoch\":\"e1a2\",\"offset\":20}}",
                ServerFrame.subscribed("1", "news", null, ServerFrame.Recovery.recovered(3, "e1a2", 20)));
        documented(
                "{\"type\":\"ack\",\"id\":\"1\",\"for\":\"subscribe\",\"topic\":\"news\","
                        + "\"recovery\":{\"recovered\":true,\"replayed\":2,\"expired\":1,\"epoch\":\"e1a2\",\"offset\":20}}",
                ServerFrame.subscribed("1", "news", null, ServerFrame.Recovery.recovered(2, 1, "e1a2", 20)));
        documented(
                "{\"type\":\"ack\",\"id\":\"1\",\"for\":\"subscribe\",\"topic\":\"news\",\"recovery\":{\"recovered\":false,"
                        + "\"reason\":\"trimmed\",\"missed\":{\"fromOffset\":18,\"toOffset\":25},\"epoch\":\"e1a2\",\"offset\":25}}",
                ServerFrame.subscribed(
                        "1",
                        "news",
                        null,
                        ServerFrame.Recovery.lost("trimmed", new ServerFrame.Missed(18, 25), "e1a2", 25)));
        documented(
                "{\"type\":\"ack\",\"id\":\"1\",\"for\":\"subscribe\",\"topic\":\"news\",\"recovery\":{\"recovered\":false,"
                        + "\"reason\":\"epoch_changed\",\"missed\":{\"fromOffset\":1,\"toOffset\":3},\"epoch\":\"77b0c1d2e3f4\",\"offset\":3}}",
                ServerFrame.subscribed(
                        "1",
                        "news",
                        null,
                        ServerFrame.Recovery.lost("epoch_changed", new ServerFrame.Missed(1, 3), "77b0c1d2e3f4", 3)));
        // epoch_changed into an epoch without messages yet: nothing known to be missed.
        encodes(
                "{\"type\":\"ack\",\"id\":\"1\",\"for\":\"subscribe\",\"topic\":\"news\",\"recovery\":{\"recovered\":false,"
                        + "\"reason\":\"epoch_changed\",\"epoch\":\"77b0\",\"offset\":0}}",
                ServerFrame.subscribed("1", "news", null, ServerFrame.Recovery.lost("epoch_changed", null, "77b0", 0)));
        documented(
                "{\"type\":\"ack\",\"id\":\"1\",\"for\":\"subscribe\",\"topic\":\"news\",\"recovery\":{\"recovered\":false,"
                        + "\"reason\":\"unavailable\",\"message\":\"history is unavailable: …\"}}",
                ServerFrame.subscribed(
                        "1", "news", null, ServerFrame.Recovery.unavailable(true, "history is unavailable: …")));
        // "recovered is left out for a subscribe without since"
        encodes(
                "{\"type\":\"ack\",\"id\":\"1\",\"for\":\"subscribe\",\"topic\":\"news\",\"recovery\":{"
                        + "\"reason\":\"unavailable\",\"message\":\"history is unavailable: …\"}}",
                ServerFrame.subscribed(
                        "1", "news", null, ServerFrame.Recovery.unavailable(false, "history is unavailable: …")));
    }

    @Test
    void errorsAndPongs() {
        documented(
                "{\"type\":\"error\",\"id\":\"1\",\"code\":\"invalid_topic\",\"message\":\"topic 'a b' has characters outside [A-Za-z0-9_.:/@|-]\"}",
                ServerFrame.error(
                        "1", ErrorCode.INVALID_TOPIC, "topic 'a b' has characters outside [A-Za-z0-9_.:/@|-]"));
        encodes(
                "{\"type\":\"error\",\"code\":\"bad_json\",\"message\":\"not JSON\"}",
                ServerFrame.error(null, ErrorCode.BAD_JSON, "not JSON"));
        documented("{\"type\":\"pong\",\"id\":\"5\",\"time\":1763805600000}", ServerFrame.pong("5", T));
    }

    @Test
    void repliesTakeTheClientsIdBack() {
        encodes(
                "{\"type\":\"pong\",\"id\":\"42\",\"time\":1}",
                ServerFrame.pong("sse-7", 1).withId("42"));
        encodes(
                "{\"type\":\"ack\",\"for\":\"unsubscribe\",\"topic\":\"news\"}",
                ServerFrame.unsubscribed("sse-8", "news").withId(null));
        encodes(
                "{\"type\":\"error\",\"id\":\"x\",\"code\":\"rate_limited\",\"message\":\"m\"}",
                ServerFrame.error("sse-9", ErrorCode.RATE_LIMITED, "m").withId("x"));
    }

    @Test
    void messages() {
        documented(
                "{\"type\":\"message\",\"messageId\":\"m-1f2e3d4c-2b\",\"scope\":\"topic\",\"topic\":\"news\",\"time\":1763805600000,"
                        + "\"offset\":18,\"epoch\":\"e1a2\",\"data\":{\"text\":\"hi\"}}",
                ServerFrame.message("m-1f2e3d4c-2b", "news", null, T, json("{\"text\":\"hi\"}"), 18, "e1a2"));
        documented(
                "{\"type\":\"message\",\"messageId\":\"m-1f2e3d4c-2c\",\"scope\":\"topic\",\"topic\":\"chat:lobby\",\"from\":\"bob\","
                        + "\"time\":1763805600000,\"offset\":5,\"epoch\":\"9f3c\",\"data\":{\"text\":\"hello room\"}}",
                ServerFrame.message(
                        "m-1f2e3d4c-2c", "chat:lobby", "bob", T, json("{\"text\":\"hello room\"}"), 5, "9f3c"));
        documented(
                "{\"type\":\"message\",\"messageId\":\"m-1f2e3d4c-2d\",\"scope\":\"user\",\"time\":1763805600000,"
                        + "\"data\":{\"job\":\"j-3a9c\",\"step\":3,\"steps\":20,\"percent\":15,\"done\":false}}",
                ServerFrame.message(
                        "m-1f2e3d4c-2d",
                        "user",
                        null,
                        null,
                        T,
                        json("{\"job\":\"j-3a9c\",\"step\":3,\"steps\":20,\"percent\":15,\"done\":false}")));
        documented(
                "{\"type\":\"message\",\"messageId\":\"m-1f2e3d4c-2e\",\"scope\":\"all\",\"time\":1763805600000,\"data\":\"maintenance at 22:00\"}",
                ServerFrame.message("m-1f2e3d4c-2e", "all", null, null, T, Json.createValue("maintenance at 22:00")));
        documented(
                "{\"type\":\"message\",\"messageId\":\"m-1f2e3d4c-2f\",\"scope\":\"connection\",\"time\":1763805600000,\"data\":\"just you\"}",
                ServerFrame.message("m-1f2e3d4c-2f", "connection", null, null, T, Json.createValue("just you")));
        // A push with a ttl or expiresAt: its expiry in epoch ms, after time.
        documented(
                "{\"type\":\"message\",\"messageId\":\"m-1f2e3d4c-32\",\"scope\":\"user\",\"time\":1763805600000,"
                        + "\"expiresAt\":1763805720000,\"data\":{\"otp\":\"493817\"}}",
                ServerFrame.message("m-1f2e3d4c-32", "user", null, null, T, T + 120_000, json("{\"otp\":\"493817\"}")));
        encodes(
                "{\"type\":\"message\",\"messageId\":\"m-2\",\"scope\":\"topic\",\"topic\":\"news\",\"time\":1,"
                        + "\"expiresAt\":5,\"offset\":3,\"epoch\":\"e\",\"data\":1}",
                ServerFrame.message("m-2", "news", null, 1, 5, Json.createValue(1), 3, "e"));
        // A topic without history (or pushed while the broker was down): no offset, no epoch.
        encodes(
                "{\"type\":\"message\",\"messageId\":\"m-1\",\"scope\":\"topic\",\"topic\":\"time\",\"time\":1,\"data\":1}",
                ServerFrame.message("m-1", "time", null, 1, Json.createValue(1), 0, null));
    }

    @Test
    void presence() {
        documented(
                "{\"type\":\"presence\",\"connectionId\":\"c-77…\",\"userId\":\"bob\",\"topic\":\"chat:lobby\",\"event\":\"join\",\"time\":1763805600000}",
                ServerFrame.presence("chat:lobby", "join", "bob", "c-77…", T));
        documented(
                "{\"type\":\"presence\",\"connectionId\":\"c-77…\",\"userId\":\"bob\",\"topic\":\"chat:lobby\",\"event\":\"leave\",\"time\":1763805600000}",
                ServerFrame.presence("chat:lobby", "leave", "bob", "c-77…", T));
    }

    @Test
    void batchesJoinEncodedFramesAsTheyAre() {
        String a = Codec.encode(
                ServerFrame.message("m-1f2e3d4c-30", "topic", "ticks", null, 1763805600001L, Json.createValue(1)));
        String b = Codec.encode(
                ServerFrame.message("m-1f2e3d4c-31", "topic", "ticks", null, 1763805600002L, Json.createValue(2)));
        documented("{\"type\":\"batch\",\"messages\":[" + a + "," + b + "]}", new ServerFrame.Batch(List.of(a, b)));
        // Members are not parsed again: whatever text was encoded once is what every recipient gets.
        encodes(
                "{\"type\":\"batch\",\"messages\":[{\"type\":\"gap\",\"missed\":2},{\"x\" : 1}]}",
                new ServerFrame.Batch(List.of(Codec.encode(ServerFrame.gap(2)), "{\"x\" : 1}")));
    }

    @Test
    void gaps() {
        documented("{\"type\":\"gap\",\"missed\":15}", ServerFrame.gap(15));
        documented(
                "{\"type\":\"gap\",\"message\":\"…\",\"topic\":\"news\",\"epoch\":\"e1a2\",\"fromOffset\":18,\"toOffset\":25,\"reason\":\"unavailable\"}",
                ServerFrame.gap("news", 18, 25, "e1a2", "unavailable", "…"));
        documented(
                "{\"type\":\"gap\",\"message\":\"…\",\"topic\":\"news\",\"epoch\":\"e1a2\",\"fromOffset\":18,\"reason\":\"unavailable\"}",
                ServerFrame.gap("news", 18, 0, "e1a2", "unavailable", "…"));
        documented(
                "{\"type\":\"gap\",\"message\":\"…\",\"topic\":\"news\",\"epoch\":\"e1a2\",\"fromOffset\":18,\"toOffset\":20,\"reason\":\"trimmed\"}",
                ServerFrame.gap("news", 18, 20, "e1a2", "trimmed", "…"));
    }

    @Test
    void sseOnlyFrames() {
        documented("{\"type\":\"resumed\",\"connectionId\":\"c-…\",\"replayed\":3}", ServerFrame.resumed("c-…", 3));
        documented(
                "{\"type\":\"closed\",\"code\":1012,\"reason\":\"closed by an operator\"}",
                ServerFrame.closed(1012, "closed by an operator"));
        // A reason is escaped like any JSON string.
        encodes(
                "{\"type\":\"closed\",\"code\":1001,\"reason\":\"say \\\"bye\\\"\\n\"}",
                ServerFrame.closed(1001, "say \"bye\"\n"));
    }

    @Test
    void subscriptionsMadeByTheServer() {
        documented(
                "{\"type\":\"subscribed\",\"topic\":\"room:42\",\"by\":\"server\"}",
                ServerFrame.subscribedByServer("room:42"));
        documented(
                "{\"type\":\"unsubscribed\",\"topic\":\"room:42\",\"by\":\"server\"}",
                ServerFrame.unsubscribedByServer("room:42"));
    }

    @Test
    void everyFrameTypeWritesItsType() {
        // A record added to the sealed hierarchy but not to @JsonbTypeInfo would be encoded without "type".
        Set<Class<?>> aliased = new HashSet<>();
        Arrays.stream(ServerFrame.class.getAnnotation(JsonbTypeInfo.class).value())
                .map(JsonbSubtype::type)
                .forEach(aliased::add);
        Set<Class<?>> records = new HashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(ServerFrame.class));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (c.isRecord()) {
                records.add(c);
            } else {
                todo.addAll(List.of(c.getPermittedSubclasses()));
            }
        }
        records.remove(ServerFrame.Batch.class); // joined by the codec, never written by JSON-B
        assertEquals(records, aliased);
    }
}
