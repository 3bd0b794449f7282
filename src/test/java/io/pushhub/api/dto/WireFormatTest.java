package io.pushhub.api.dto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pushhub.Connections;
import io.pushhub.History;
import io.pushhub.Presence;
import io.pushhub.PushResult;
import io.pushhub.ScheduledPush;
import io.pushhub.Target;
import io.pushhub.problem.ApiError;
import io.pushhub.problem.ApiProblem;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The REST answers as JSON-B writes them with its default configuration (what the JAX-RS JSON-B providers of Open
 * Liberty and Payara use): exactly the JSON the API wrote by hand before it answered with records, byte for byte
 * (field names, order, omitted nulls), and {@code data} written as the JSON it holds.
 */
class WireFormatTest {

    private static final Jsonb JSONB = JsonbBuilder.create();

    @AfterAll
    static void close() throws Exception {
        JSONB.close();
    }

    private static String json(Object o) {
        return JSONB.toJson(o);
    }

    private static JsonValue parse(String json) {
        return Json.createReader(new StringReader(json)).readValue();
    }

    @Test
    void traceAnswerGroupsByNodeAndLeavesOutWhatDoesNotApply() {
        var entries = java.util.List.of(
                new io.pushhub.tracing.TraceEntry(
                        "n1", io.pushhub.tracing.TraceEntry.Kind.WRITTEN, 1000, "c-1", "alice", null),
                new io.pushhub.tracing.TraceEntry(
                        "n2", io.pushhub.tracing.TraceEntry.Kind.NO_SUBSCRIBER, 2000, null, null, "news"));
        var byNode = io.pushhub.tracing.TraceReport.byNode(entries, null);
        assertEquals(
                "{\"messageId\":\"m-1\",\"clusterWide\":true,\"nodes\":[{\"node\":\"n1\",\"entries\":[{\"kind\":"
                        + "\"written\",\"time\":\"1970-01-01T00:00:01Z\",\"at\":1000,\"connection\":\"c-1\",\"user\":"
                        + "\"alice\"}]},{\"node\":\"n2\",\"entries\":[{\"kind\":\"no_subscriber\",\"time\":"
                        + "\"1970-01-01T00:00:02Z\",\"at\":2000,\"detail\":\"news\"}]}],\"summary\":[\"s\"]}",
                json(TraceAnswer.of("m-1", null, true, byNode, java.util.List.of("s"))));
    }

    @Test
    void pushAnswerOmitsTheClusterFieldsOnOneNode() {
        assertEquals(
                "{\"messageId\":\"m-1\",\"reached\":2}", json(PushAnswer.of(new PushResult("m-1", 2, null, null))));
        assertEquals(
                "{\"messageId\":\"m-1\",\"reached\":2,\"cluster\":\"published\"}",
                json(PushAnswer.of(new PushResult("m-1", 2, PushResult.PUBLISHED, null))));
        assertEquals(
                "{\"messageId\":\"m-1\",\"reached\":0,\"cluster\":\"unavailable\",\"clusterError\":\"other nodes "
                        + "were not reached, only this node's connections: down\"}",
                json(PushAnswer.of(new PushResult("m-1", 0, PushResult.UNAVAILABLE, "down"))));
    }

    @Test
    void scheduledAnswers() {
        ScheduledPush p = new ScheduledPush(
                "s-1", "m-2", Instant.parse("2026-11-22T10:00:00Z"), Target.topics(List.of("a", "b")));
        assertEquals(
                "{\"scheduledId\":\"s-1\",\"messageId\":\"m-2\",\"at\":\"2026-11-22T10:00:00Z\"}",
                json(ScheduledAnswer.of(p)));
        assertEquals(
                "{\"scheduled\":[{\"scheduledId\":\"s-1\",\"messageId\":\"m-2\",\"at\":\"2026-11-22T10:00:00Z\","
                        + "\"scope\":\"topic\",\"targets\":[\"a\",\"b\"]},{\"scheduledId\":\"s-2\",\"messageId\":\"m-3\","
                        + "\"at\":\"2026-11-22T10:00:00.500Z\",\"scope\":\"all\",\"targets\":[]}]}",
                json(new ScheduledList(List.of(
                        ScheduledItem.of(p),
                        ScheduledItem.of(new ScheduledPush(
                                "s-2", "m-3", Instant.parse("2026-11-22T10:00:00.500Z"), Target.all()))))));
        assertEquals("{\"scheduled\":[]}", json(new ScheduledList(List.of())));
    }

    @Test
    void statsKeepTheirOrder() {
        Map<String, Integer> topics = new TreeMap<>(Map.of("news", 2, "a", 1));
        Stats s = new Stats(
                1795318224819L,
                3,
                Stats.TransportCounts.of(Map.of("websocket", 2, "sse", 1)),
                2,
                3,
                TopicCount.of(topics),
                Stats.StatsTotals.of(new Connections.Totals(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)));
        assertEquals(
                "{\"time\":1795318224819,\"connections\":3,\"transports\":{\"websocket\":2,\"sse\":1},\"users\":2,"
                        + "\"subscriptions\":3,\"topics\":[{\"topic\":\"a\",\"subscribers\":1},{\"topic\":\"news\","
                        + "\"subscribers\":2}],\"totals\":{\"connectionsOpened\":1,\"pushes\":2,\"enqueued\":3,\"delivered\":4,"
                        + "\"frames\":5,\"dropped\":6,\"slowConsumerDisconnects\":7,\"sendFailures\":8,"
                        + "\"handshakesRejected\":9,\"errors\":10}}",
                json(s));
        assertEquals(
                "{\"subscriptions\":3,\"topics\":[{\"topic\":\"a\",\"subscribers\":1},{\"topic\":\"news\","
                        + "\"subscribers\":2}]}",
                json(new TopicList(3, TopicCount.of(topics))));
        assertEquals("{\"websocket\":0,\"sse\":0}", json(Stats.TransportCounts.of(Map.of())));
    }

    @Test
    void connectionsPerUser() {
        Map<String, List<String>> byUser = new TreeMap<>(Map.of("alice", List.of("c-1", "c-2"), "bob", List.of("c-3")));
        assertEquals(
                "{\"connections\":3,\"users\":2,\"byUser\":[{\"userId\":\"alice\",\"connections\":[\"c-1\",\"c-2\"]},"
                        + "{\"userId\":\"bob\",\"connections\":[\"c-3\"]}]}",
                json(ConnectionList.of(byUser)));
        assertEquals("{\"connections\":0,\"users\":0,\"byUser\":[]}", json(ConnectionList.of(new TreeMap<>())));
    }

    @Test
    void presenceCompleteAndNot() {
        List<Presence.Entry> entries = List.of(
                new Presence.Entry("c-1", "alice", "n1"),
                new Presence.Entry("c-2", "alice", "n2"),
                new Presence.Entry("c-3", "bob", "n1"));
        Presence.Snapshot complete = new Presence.Snapshot(entries, true, null);
        assertEquals(
                "{\"topic\":\"news\",\"subscribers\":3,\"users\":[\"alice\",\"bob\"],\"connections\":["
                        + "{\"connectionId\":\"c-1\",\"userId\":\"alice\",\"node\":\"n1\"},"
                        + "{\"connectionId\":\"c-2\",\"userId\":\"alice\",\"node\":\"n2\"},"
                        + "{\"connectionId\":\"c-3\",\"userId\":\"bob\",\"node\":\"n1\"}],\"complete\":true}",
                json(TopicPresence.of("news", complete)));
        Presence.Snapshot partial = new Presence.Snapshot(entries.subList(0, 1), false, "redis down");
        assertEquals(
                "{\"topic\":\"news\",\"subscribers\":1,\"users\":[\"alice\"],\"connections\":["
                        + "{\"connectionId\":\"c-1\",\"userId\":\"alice\",\"node\":\"n1\"}],\"complete\":false,"
                        + "\"cluster\":\"unavailable\",\"clusterError\":\"only this node's connections are listed: redis down\"}",
                json(TopicPresence.of("news", partial)));
        Presence.Snapshot alice = new Presence.Snapshot(entries.subList(0, 2), true, null);
        assertEquals(
                "{\"userId\":\"alice\",\"online\":true,\"connections\":2,\"nodes\":[\"n1\",\"n2\"],"
                        + "\"connectionIds\":[{\"connectionId\":\"c-1\",\"node\":\"n1\"},{\"connectionId\":\"c-2\",\"node\":\"n2\"}],"
                        + "\"complete\":true}",
                json(UserPresence.of("alice", alice)));
        assertEquals(
                "{\"userId\":\"zed\",\"online\":false,\"connections\":0,\"nodes\":[],\"connectionIds\":[],"
                        + "\"complete\":false,\"cluster\":\"unavailable\",\"clusterError\":\"only this node's connections are "
                        + "listed: x\"}",
                json(UserPresence.of("zed", new Presence.Snapshot(List.of(), false, "x"))));
    }

    @Test
    void historyPageWithAndWithoutAHole() {
        History.Page full = new History.Page(
                "news",
                "e1",
                7,
                null,
                0,
                0,
                false,
                List.of(
                        new History.Message(6, "m-6", 1000, null, parse("{\"text\":\"hi\",\"n\":[1,2.5,null,true]}")),
                        new History.Message(7, "m-7", 1001, "alice", parse("\"just a string\""))));
        assertEquals(
                "{\"topic\":\"news\",\"epoch\":\"e1\",\"offset\":7,\"complete\":true,\"more\":false,\"expired\":0,\"messages\":["
                        + "{\"offset\":6,\"messageId\":\"m-6\",\"time\":1000,\"data\":{\"text\":\"hi\",\"n\":[1,2.5,null,true]}},"
                        + "{\"offset\":7,\"messageId\":\"m-7\",\"time\":1001,\"from\":\"alice\",\"data\":\"just a string\"}]}",
                json(HistoryPage.of("news", full)));
        History.Page trimmed = new History.Page("news", "e1", 9, "trimmed", 2, 5, true, List.of(), 3);
        assertEquals(
                "{\"topic\":\"news\",\"epoch\":\"e1\",\"offset\":9,\"complete\":false,\"reason\":\"trimmed\","
                        + "\"missed\":{\"fromOffset\":2,\"toOffset\":5},\"more\":true,\"expired\":3,\"messages\":[]}",
                json(HistoryPage.of("news", trimmed)));
        History.Page changed = new History.Page("news", "e2", 1, "epoch_changed", 0, 0, false, List.of());
        assertEquals(
                "{\"topic\":\"news\",\"epoch\":\"e2\",\"offset\":1,\"complete\":false,\"reason\":\"epoch_changed\","
                        + "\"more\":false,\"expired\":0,\"messages\":[]}",
                json(HistoryPage.of("news", changed)));
    }

    /** Any JSON value as data is written as itself: never as a JSON-P object with {@code valueType}. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"a\":{\"b\":[1,{\"c\":null}]}}",
                "[1,\"x\",false]",
                "\"text\"",
                "42",
                "-1.5e+300",
                "12345678901234567890123",
                "true",
                "false",
                "null",
                "{}",
                "[]",
                "\"\\u0000 \\\" \\\\ é \\ud83d\\ude00\""
            })
    void dataIsWrittenAsTheJsonItHolds(String data) {
        JsonValue v = parse(data);
        String written = json(new HistoryPage.Message(1, "m-1", 2, null, v));
        assertEquals("{\"offset\":1,\"messageId\":\"m-1\",\"time\":2,\"data\":" + v + "}", written);
        assertEquals(v, parse(written).asJsonObject().get("data"));
    }

    @Test
    void demoJobAnswer() {
        assertEquals(
                "{\"jobId\":\"j-1\",\"steps\":20,\"intervalMillis\":1000,\"scope\":\"user\",\"target\":\"alice\"}",
                json(new DemoJobAnswer("j-1", 20, 1000, "user", "alice")));
    }

    @Test
    void errorBody() {
        assertEquals(
                "{\"status\":400,\"error\":\"bad_request\",\"message\":\"no\"}",
                json(new ApiError(400, "bad_request", "no", null)));
        assertEquals(
                "{\"status\":404,\"error\":\"unknown_connections\",\"message\":\"no open connection with id c-1, "
                        + "c-2\",\"connections\":[\"c-1\",\"c-2\"]}",
                json(ApiError.from(ApiProblem.unknownConnections(List.of("c-1", "c-2")))));
        assertEquals(
                "{\"status\":500,\"error\":\"internal\",\"message\":\"\"}",
                json(new ApiError(500, "internal", null, null)));
    }
}
