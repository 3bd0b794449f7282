package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Topic history on one node: offsets and epoch on messages, resume with since, what happens when it cannot. */
class HistoryResumeIT extends HubIT {

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    static String since(String topic, long offset, String epoch) {
        return "\"topic\":\"" + topic + "\",\"since\":{\"offset\":" + offset + ",\"epoch\":\"" + epoch + "\"}";
    }

    static List<Long> offsets(List<JsonObject> messages, String topic) {
        return messages.stream()
                .filter(m -> topic.equals(m.getString("topic", "")))
                .map(m -> m.getJsonNumber("offset").longValue())
                .toList();
    }

    static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }

    void push(String topic, int n) throws Exception {
        Api.Reply r = api.push("{\"topic\":\"" + topic + "\",\"data\":{\"n\":" + n + "}}");
        assertEquals(200, r.status(), "push: " + r);
    }

    @Test
    void reconnectingClientGetsExactlyWhatItMissedThenLiveMessages() throws Exception {
        String topic = unique("news-");
        String epoch;
        try (WsClient c = WsClient.connect(WS)) {
            JsonObject ack = c.subscribe(topic);
            JsonObject pos = ack.getJsonObject("recovery");
            assertEquals(0, pos.getJsonNumber("offset").longValue(), "ack: " + ack);
            epoch = pos.getString("epoch");
            for (int i = 1; i <= 3; i++) {
                push(topic, i);
            }
            for (int i = 1; i <= 3; i++) {
                JsonObject m = c.awaitMessage("message " + i);
                assertEquals(i, m.getJsonNumber("offset").longValue(), "frame: " + m);
                assertEquals(epoch, m.getString("epoch"), "frame: " + m);
            }
        }
        for (int i = 4; i <= 6; i++) {
            push(topic, i); // missed while away
        }
        try (WsClient back = WsClient.connect(WS)) {
            JsonObject ack = back.request("subscribe", since(topic, 3, epoch));
            assertEquals("ack", ack.getString("type"), "reply: " + ack);
            JsonObject rec = ack.getJsonObject("recovery");
            assertTrue(rec.getBoolean("recovered"), "ack: " + ack);
            assertEquals(3, rec.getInt("replayed"), "ack: " + ack);
            assertEquals(epoch, rec.getString("epoch"), "ack: " + ack);
            assertEquals(6, rec.getJsonNumber("offset").longValue(), "ack: " + ack);
            push(topic, 7);
            back.await(
                    "live message 7",
                    f -> f.containsKey("offset") && f.getJsonNumber("offset").longValue() == 7,
                    java.time.Duration.ofSeconds(10));
            back.barrier();
            List<JsonObject> frames = back.seen();
            int ackAt = frames.indexOf(ack);
            assertTrue(
                    ackAt >= 0
                            && frames.subList(0, ackAt).stream().noneMatch(f -> "message".equals(f.getString("type"))),
                    "the ack must come before the replay: " + frames);
            assertEquals(range(4, 7), offsets(back.messages(), topic), "replay then live: " + back.messages());
            assertEquals(6, back.messages().get(2).getJsonObject("data").getInt("n"), "replayed data intact");
        }
    }

    @Test
    void noGapAndNoDuplicateAtTheSeamWhilePushesKeepComing() throws Exception {
        String topic = unique("busy-");
        String epoch;
        long last;
        try (WsClient c = WsClient.connect(WS)) {
            epoch = c.subscribe(topic).getJsonObject("recovery").getString("epoch");
            for (int i = 1; i <= 5; i++) {
                push(topic, i);
            }
            c.await(
                    "offset 5",
                    f -> f.containsKey("offset") && f.getJsonNumber("offset").longValue() == 5,
                    java.time.Duration.ofSeconds(10));
            last = 5;
        }
        // A backend keeps pushing while the client comes back: the seam falls somewhere inside this stream.
        int total = 60;
        CompletableFuture<Void> pusher = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 6; i <= total; i++) {
                    push(topic, i);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (WsClient back = WsClient.connect(WS)) {
            JsonObject ack = back.request("subscribe", since(topic, last, epoch));
            assertTrue(ack.getJsonObject("recovery").getBoolean("recovered"), "ack: " + ack);
            pusher.get();
            back.await(
                    "offset " + total,
                    f -> f.containsKey("offset") && f.getJsonNumber("offset").longValue() == total,
                    java.time.Duration.ofSeconds(20));
            back.barrier();
            assertEquals(range(6, total), offsets(back.messages(), topic), "every offset once, in order");
        }
    }

    @Test
    void staleEpochIsReportedAsEpochChangedAndLiveMessagesFollow() throws Exception {
        String topic = unique("news-");
        push(topic, 1);
        push(topic, 2);
        try (WsClient c = WsClient.connect(WS)) {
            JsonObject ack = c.request("subscribe", since(topic, 9, "not-the-epoch"));
            JsonObject rec = ack.getJsonObject("recovery");
            assertFalse(rec.getBoolean("recovered"), "ack: " + ack);
            assertEquals("epoch_changed", rec.getString("reason"), "ack: " + ack);
            assertEquals(2, rec.getJsonNumber("offset").longValue(), "ack: " + ack);
            assertEquals(1, rec.getJsonObject("missed").getInt("fromOffset"), "ack: " + ack);
            assertEquals(2, rec.getJsonObject("missed").getInt("toOffset"), "ack: " + ack);
            push(topic, 3);
            assertEquals(3, c.awaitMessage("live").getJsonNumber("offset").longValue());
            c.barrier();
            assertEquals(List.of(3L), offsets(c.messages(), topic), "no replay when not recovered");
        }
    }

    @Test
    void trimmedHistoryTellsTheMissedRange() throws Exception {
        String topic = unique("tiny:"); // keeps 3 messages (test configuration)
        String epoch;
        try (WsClient c = WsClient.connect(WS)) {
            epoch = c.subscribe(topic).getJsonObject("recovery").getString("epoch");
        }
        for (int i = 1; i <= 6; i++) {
            push(topic, i);
        }
        try (WsClient c = WsClient.connect(WS)) {
            JsonObject ack = c.request("subscribe", since(topic, 1, epoch));
            JsonObject rec = ack.getJsonObject("recovery");
            assertFalse(rec.getBoolean("recovered"), "ack: " + ack);
            assertEquals("trimmed", rec.getString("reason"), "ack: " + ack);
            assertEquals(2, rec.getJsonObject("missed").getInt("fromOffset"), "ack: " + ack);
            assertEquals(6, rec.getJsonObject("missed").getInt("toOffset"), "ack: " + ack);
            c.barrier();
            assertEquals(List.of(), c.messages(), "nothing replayed");
        }
    }

    @Test
    void topicsWithoutHistoryCarryNoOffsetsAndMalformedSinceIsRefused() throws Exception {
        String topic = unique("nohist:");
        try (WsClient c = WsClient.connect(WS)) {
            JsonObject ack = c.subscribe(topic);
            assertFalse(ack.containsKey("recovery"), "ack: " + ack);
            push(topic, 1);
            JsonObject m = c.awaitMessage("plain message");
            assertFalse(m.containsKey("offset") || m.containsKey("epoch"), "frame: " + m);

            JsonObject err = c.request("subscribe", "\"topic\":\"news\",\"since\":{\"offset\":\"x\"}");
            assertEquals("error", err.getString("type"), "reply: " + err);
            assertEquals("missing_field", err.getString("code"), "reply: " + err);
            assertTrue(err.getString("message").contains("since"), "reply: " + err);
        }
    }

    @Test
    void backendsReadHistoryOverRest() throws Exception {
        String topic = unique("news-");
        for (int i = 1; i <= 4; i++) {
            push(topic, i);
        }
        Api.Reply all = api.get("/api/topics/" + topic + "/history");
        assertEquals(200, all.status(), "history: " + all);
        String epoch = all.json().getString("epoch");
        assertEquals(4, all.json().getInt("offset"), "history: " + all);
        Api.Reply page = api.get("/api/topics/" + topic + "/history?since=1&epoch=" + epoch + "&limit=2");
        assertEquals(200, page.status(), "history: " + page);
        JsonObject body = page.json();
        assertTrue(body.getBoolean("complete"), "history: " + page);
        assertTrue(body.getBoolean("more"), "history: " + page);
        assertEquals(
                List.of(2, 3),
                body.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                        .map(m -> m.getInt("offset"))
                        .toList(),
                "history: " + page);
        assertEquals(
                3,
                body.getJsonArray("messages")
                        .getJsonObject(1)
                        .getJsonObject("data")
                        .getInt("n"));

        Api.Reply stale = api.get("/api/topics/" + topic + "/history?since=2&epoch=other");
        assertFalse(stale.json().getBoolean("complete"), "history: " + stale);
        assertEquals("epoch_changed", stale.json().getString("reason"), "history: " + stale);

        assertEquals(404, api.get("/api/topics/nohist:x/history").status());
        Api.Reply bad = api.get("/api/topics/" + topic + "/history?since=-1");
        assertEquals(400, bad.status(), "history: " + bad);
        assertTrue(bad.json().getString("message").contains("since"), "history: " + bad);
        assertEquals(401, api.get("/api/topics/" + topic + "/history", null).status(), "publisher credentials needed");
    }
}
