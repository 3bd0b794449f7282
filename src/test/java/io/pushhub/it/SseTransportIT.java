package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.SseClient;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /api/events joins the same hub as /ws: same frames, same identity rules, commands over REST, resume. */
class SseTransportIT extends HubIT {

    private static boolean message(SseClient.Event e, String text) {
        JsonObject f = e.frame();
        return "message".equals(f.getString("type", ""))
                && f.get("data") instanceof JsonObject d
                && text.equals(d.getString("text", ""));
    }

    @Test
    void sseAndWebSocketClientsShareTopicsAndPushes() throws Exception {
        try (SseClient sse = SseClient.open(HTTP);
                WsClient ws = WsClient.connect(WS)) {
            assertEquals(200, sse.status(), sse.errorBody());
            JsonObject welcome = sse.welcome();
            assertTrue(welcome.getString("connectionId").startsWith("c-"), "welcome: " + welcome);
            assertTrue(welcome.getBoolean("anonymous"), "welcome: " + welcome);
            assertEquals(
                    welcome.getString("connectionId") + ":1",
                    sse.events().get(0).id(),
                    "first event id");

            Api.Reply ack = sse.command("{\"type\":\"subscribe\",\"topic\":\"sse-news\",\"id\":\"7\"}");
            assertEquals(200, ack.status(), "subscribe: " + ack);
            assertEquals("ack", ack.json().getString("type"), "subscribe: " + ack);
            assertEquals("7", ack.json().getString("id"), "the client's id is echoed: " + ack);
            assertEquals("sse-news", ack.json().getString("topic"), "subscribe: " + ack);
            ws.subscribe("sse-news");

            Api.Reply push = api.push("{\"topic\":\"sse-news\",\"data\":{\"text\":\"to both\"}}");
            assertEquals(2, push.json().getInt("reached"), "push: " + push);
            SseClient.Event e = sse.await("the push", x -> message(x, "to both"), Duration.ofSeconds(10));
            JsonObject overWs = ws.awaitMessage("the push");
            assertEquals(overWs.getString("messageId"), e.frame().getString("messageId"), "same message: " + e);
            assertEquals("sse-news", e.frame().getString("topic"), "frame: " + e);
            assertTrue(e.id().startsWith(welcome.getString("connectionId") + ":"), "event id: " + e.id());

            Api.Reply pong = sse.command("{\"type\":\"ping\",\"id\":9}");
            assertEquals("pong", pong.json().getString("type"), "ping: " + pong);
            assertEquals("9", pong.json().getString("id"), "ping: " + pong);

            // The connection shows up like any other, and the stats count it as SSE.
            Api.Reply stats = api.get("/api/stats");
            assertEquals(200, stats.status(), "stats: " + stats);
            assertTrue(stats.json().getJsonObject("transports").getInt("sse") >= 1, "stats: " + stats);
        }
    }

    @Test
    void chatOverSseWithPresence() throws Exception {
        String token = Jwts.token("sara", List.of());
        try (SseClient sara = SseClient.open(HTTP, token, Map.of());
                WsClient will = WsClient.connect(WS + "?access_token=" + Jwts.token("will", List.of()))) {
            assertEquals("sara", sara.welcome().getString("userId"));
            will.subscribe("chat:sse");
            Api.Reply ack = sara.command("{\"type\":\"subscribe\",\"topic\":\"chat:sse\",\"id\":\"s\"}");
            assertEquals(
                    List.of("sara", "will"),
                    ack.json().getJsonArray("members").getValuesAs(jakarta.json.JsonString.class).stream()
                            .map(jakarta.json.JsonString::getString)
                            .toList(),
                    "ack: " + ack);
            will.await(
                    "sara joins",
                    f -> "presence".equals(f.getString("type", "")) && "sara".equals(f.getString("userId")),
                    Duration.ofSeconds(10));
            Api.Reply pub =
                    sara.command("{\"type\":\"publish\",\"topic\":\"chat:sse\",\"data\":{\"text\":\"hi from sse\"}}");
            assertEquals("ack", pub.json().getString("type"), "publish: " + pub);
            JsonObject m = will.awaitMessage("sara's message");
            assertEquals("sara", m.getString("from"), "frame: " + m);
            sara.await("own copy", x -> message(x, "hi from sse"), Duration.ofSeconds(10));
        }
    }

    @Test
    void badCommandsGetClearErrors() throws Exception {
        try (SseClient sse = SseClient.open(HTTP);
                SseClient other = SseClient.open(HTTP)) {
            String id = sse.connectionId();
            Api.Reply notJson = sse.command("{nope");
            assertEquals(400, notJson.status(), "reply: " + notJson);
            assertEquals("bad_json", notJson.json().getString("code"), "reply: " + notJson);

            Api.Reply unknown = sse.command("{\"type\":\"fly\",\"id\":\"u1\"}");
            assertEquals(400, unknown.status(), "reply: " + unknown);
            assertEquals("unknown_type", unknown.json().getString("code"), "reply: " + unknown);
            assertEquals("u1", unknown.json().getString("id"), "reply: " + unknown);

            Api.Reply forbidden = sse.command("{\"type\":\"subscribe\",\"topic\":\"$secret\"}");
            assertEquals("forbidden_topic", forbidden.json().getString("code"), "reply: " + forbidden);

            // Another browser (other cookies, so another anonymous user) may not drive this connection.
            Api.Reply notOwner = other.command(id, "{\"type\":\"ping\"}");
            assertEquals(403, notOwner.status(), "reply: " + notOwner);
            assertEquals("not_owner", notOwner.json().getString("error"), "reply: " + notOwner);

            Api.Reply nobody = sse.command("c-unknown", "{\"type\":\"ping\"}");
            assertEquals(404, nobody.status(), "reply: " + nobody);
            // A WebSocket connection cannot be driven through the SSE command endpoint either.
            try (WsClient ws = WsClient.connect(WS)) {
                assertEquals(
                        404,
                        sse.command(ws.connectionId(), "{\"type\":\"ping\"}").status());
            }
        }
    }

    /**
     * A page of another site over plain HTTP sends the hub no cookie; its SSE commands prove the owner with the stream's
     * commandKey instead, which only the stream got, and which drives no other connection.
     */
    @Test
    void theStreamsCommandKeyProvesTheOwnerWithoutACookie() throws Exception {
        try (SseClient sse = SseClient.open(HTTP);
                SseClient other = SseClient.open(HTTP);
                WsClient ws = WsClient.connect(WS)) {
            String key = sse.welcome().getString("commandKey");
            assertTrue(key.matches("[0-9a-f]{32}"), "welcome: " + sse.welcome());
            assertNotEquals(key, other.welcome().getString("commandKey"), "each stream has its own");
            assertFalse(ws.welcome().containsKey("commandKey"), "a WebSocket needs none: " + ws.welcome());

            java.net.http.HttpClient noCookies = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1)
                    .build();
            java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> command =
                    (connectionId, commandKey) -> {
                        var b = java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(HTTP + "/api/events/" + connectionId + "/commands"))
                                .header("Content-Type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        "{\"type\":\"subscribe\",\"topic\":\"keyed\",\"id\":\"k1\"}"));
                        if (commandKey != null) {
                            b.header("X-PushHub-Command-Key", commandKey);
                        }
                        try {
                            return noCookies.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    };

            var withoutKey = command.apply(sse.connectionId(), null);
            assertEquals(403, withoutKey.statusCode(), "no cookie, no key: " + withoutKey.body());
            assertTrue(withoutKey.body().contains("not_owner"), withoutKey.body());
            var wrongKey = command.apply(sse.connectionId(), "0".repeat(32));
            assertEquals(403, wrongKey.statusCode(), "a wrong key: " + wrongKey.body());
            var keyOfAnother = command.apply(other.connectionId(), key);
            assertEquals(403, keyOfAnother.statusCode(), "one stream's key drives no other: " + keyOfAnother.body());

            var keyed = command.apply(sse.connectionId(), key);
            assertEquals(200, keyed.statusCode(), "the stream's own key: " + keyed.body());
            assertTrue(keyed.body().contains("\"for\":\"subscribe\""), keyed.body());
            assertEquals(
                    1, api.push("{\"topic\":\"keyed\",\"data\":\"k\"}").json().getInt("reached"));
            sse.await("the push", e -> "message".equals(e.frame().getString("type")), Duration.ofSeconds(10));
        }
    }

    @Test
    void handshakeRulesAreThoseOfTheWebSocket() throws Exception {
        try (SseClient evil = SseClient.open(HTTP, null, Map.of("Origin", "https://evil.example"))) {
            assertEquals(403, evil.status(), evil.errorBody());
            assertTrue(evil.errorBody().contains("origin_not_allowed"), evil.errorBody());
        }
        try (SseClient forged = SseClient.open(HTTP, Jwts.signedByStranger("mallory"), Map.of())) {
            assertEquals(401, forged.status(), forged.errorBody());
            assertTrue(forged.errorBody().contains("invalid_token"), forged.errorBody());
        }
    }

    @Test
    void lastEventIdResumesTheConnectionWithWhatWasMissed() throws Exception {
        SseClient first = SseClient.open(HTTP);
        String id = first.connectionId();
        assertEquals(
                200,
                first.command("{\"type\":\"subscribe\",\"topic\":\"sse-resume\"}")
                        .status());
        api.push("{\"topic\":\"sse-resume\",\"data\":{\"text\":\"one\"}}");
        SseClient.Event one = first.await("one", e -> message(e, "one"), Duration.ofSeconds(10));
        first.close(); // the network drops; the server does not know yet

        api.push("{\"topic\":\"sse-resume\",\"data\":{\"text\":\"two\"}}");
        api.push("{\"topic\":\"sse-resume\",\"data\":{\"text\":\"three\"}}");

        try (SseClient again = first.reopen(Map.of("Last-Event-ID", one.id()))) {
            assertEquals(200, again.status(), again.errorBody());
            SseClient.Event resumed = again.awaitType("resumed");
            assertEquals(id, resumed.frame().getString("connectionId"), "same connection: " + resumed);
            again.await("two", e -> message(e, "two"), Duration.ofSeconds(10));
            again.await("three", e -> message(e, "three"), Duration.ofSeconds(10));
            List<String> texts = again.events().stream()
                    .filter(e -> "message".equals(e.frame().getString("type", "")))
                    .map(e -> e.frame().getJsonObject("data").getString("text"))
                    .toList();
            assertEquals(List.of("two", "three"), texts, "exactly the missed ones, in order, once");
            assertFalse(
                    again.events().stream()
                            .anyMatch(e -> "welcome".equals(e.frame().getString("type", ""))),
                    "a resume is not a new connection: " + again.events());
            // Still subscribed: live pushes keep coming on the resumed stream.
            api.push("{\"topic\":\"sse-resume\",\"data\":{\"text\":\"four\"}}");
            again.await("four", e -> message(e, "four"), Duration.ofSeconds(10));
        }
    }

    @Test
    void anUnknownResumePointStartsAFreshConnection() throws Exception {
        try (SseClient sse = SseClient.open(HTTP, null, Map.of("Last-Event-ID", "c-gone:42"))) {
            assertEquals(200, sse.status(), sse.errorBody());
            assertNotEquals("c-gone", sse.connectionId());
        }
    }

    @Test
    void idleStreamsGetHeartbeatsAndAnOperatorCloseEndsTheStream() throws Exception {
        try (SseClient sse = SseClient.open(HTTP)) {
            String id = sse.connectionId();
            // The test server sends heartbeats after 1 s of silence; housekeeping runs every 5 s.
            String comment = sse.awaitComment(Duration.ofSeconds(15));
            assertTrue(comment.contains("hb"), "comment: " + comment);

            // The operator endpoints need publisher credentials like the push API.
            assertEquals(401, api.get("/api/stats", null).status(), "stats without a key");
            assertEquals(
                    401,
                    api.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(HTTP + "/api/connections/" + id))
                                    .DELETE()
                                    .build())
                            .status(),
                    "close without a key");
            Api.Reply close = api.delete("/api/connections/" + id);
            assertEquals(204, close.status(), "close: " + close);
            SseClient.Event closed = sse.awaitType("closed");
            assertEquals(1012, closed.frame().getInt("code"), "closed: " + closed);
            sse.awaitEnd(Duration.ofSeconds(10));
            assertEquals(404, api.delete("/api/connections/" + id).status(), "already gone");
        }
    }
}
