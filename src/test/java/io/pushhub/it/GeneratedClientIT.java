package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.generated.ApiClient;
import io.pushhub.generated.ApiException;
import io.pushhub.generated.api.PushApi;
import io.pushhub.generated.api.StatusApi;
import io.pushhub.generated.model.ApiError;
import io.pushhub.generated.model.HistoryMessage;
import io.pushhub.generated.model.HistoryPage;
import io.pushhub.generated.model.PushAnswer;
import io.pushhub.generated.model.PushRequest;
import io.pushhub.generated.model.PushRequestDelay;
import io.pushhub.generated.model.PushRequestTtl;
import io.pushhub.generated.model.ScheduledItem;
import io.pushhub.generated.model.Stats;
import io.pushhub.generated.model.TopicCount;
import io.pushhub.generated.model.TopicList;
import io.pushhub.generated.model.TopicPresence;
import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Java client that {@code openapi-generator} makes from the checked-in OpenAPI document (library {@code native}:
 * java.net.http and Jackson; generated at build time into {@code target/generated-test-sources/openapi}) works against
 * the real server: typed pushes reach a WebSocket subscriber, typed reads come back filled in, and a refused request
 * is an {@link ApiException} whose body is the typed {@link ApiError}. {@link OpenApiSpecIT} proves that the document
 * is the one the server serves.
 */
class GeneratedClientIT extends HubIT {

    /** A client of the test server that sends the publisher API key as {@code X-API-Key}. */
    private static ApiClient client(String apiKey) {
        ApiClient c = new ApiClient();
        c.updateBaseUri(HTTP);
        c.setReadTimeout(Duration.ofSeconds(15));
        if (apiKey != null) {
            c.setRequestInterceptor(request -> request.header("X-API-Key", apiKey));
        }
        return c;
    }

    private final ApiClient client = client(Api.KEY);
    private final PushApi push = new PushApi(client);
    private final StatusApi status = new StatusApi(client);

    /** The typed error body of a refused call. */
    private ApiError error(ApiException e) throws Exception {
        return client.getObjectMapper().readValue(e.getResponseBody(), ApiError.class);
    }

    @Test
    void aTypedPushReachesAWebSocketSubscriberAndShowsInTopicsAndStats() throws Exception {
        String topic = "generated-client";
        try (WsClient subscriber = WsClient.connect(WS)) {
            subscriber.subscribe(topic);

            TopicList topics = status.topics();
            TopicCount mine = topics.getTopics().stream()
                    .filter(t -> t.getTopic().equals(topic))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(topic + " not in " + topics));
            assertEquals(1, mine.getSubscribers(), "topics: " + topics);
            assertTrue(topics.getSubscriptions() >= 1, "topics: " + topics);

            long pushesBefore = status.stats().getTotals().getPushes();
            String key = "generated-" + java.util.UUID.randomUUID();
            PushAnswer answer = push.push(
                    new PushRequest()
                            .topic(topic)
                            .data(Map.of("text", "from the generated client", "n", List.of(1, 2))),
                    key);
            assertEquals(1, answer.getReached(), "answer: " + answer);
            assertTrue(answer.getMessageId().startsWith("m-"), "answer: " + answer);
            if (Boolean.getBoolean("it.redis.enabled")) {
                // -Predis: the hub under test runs on the Redis broker, so the other nodes were handed the push.
                assertEquals("published", String.valueOf(answer.getCluster()), "Redis broker: " + answer);
            } else {
                assertNull(answer.getCluster(), "one node, memory broker: no cluster field; " + answer);
            }

            JsonObject frame = subscriber.awaitMessage("the generated client's push");
            assertEquals(answer.getMessageId(), frame.getString("messageId"), "frame: " + frame);
            assertNull(answer.getDuplicate(), "a first push carries no duplicate field: " + answer);
            PushAnswer repeat = push.push(new PushRequest().topic(topic).data(1), key); // the Idempotency-Key header
            assertEquals(Boolean.TRUE, repeat.getDuplicate(), "repeat: " + repeat);
            assertEquals(answer.getMessageId(), repeat.getMessageId(), "repeat: " + repeat);
            assertEquals(topic, frame.getString("topic"), "frame: " + frame);
            assertEquals(
                    "from the generated client", frame.getJsonObject("data").getString("text"), "frame: " + frame);
            assertEquals(2, frame.getJsonObject("data").getJsonArray("n").getInt(1), "frame: " + frame);

            Stats stats = status.stats();
            assertTrue(stats.getTotals().getPushes() >= pushesBefore + 1, "stats: " + stats);
            assertTrue(stats.getConnections() >= 1, "stats: " + stats);
            assertTrue(stats.getTransports().getWebsocket() >= 1, "stats: " + stats);
            assertTrue(stats.getTime() > 0, "stats: " + stats);

            TopicPresence presence = status.topicPresence(topic);
            assertEquals(List.of(subscriber.userId()), presence.getUsers(), "presence: " + presence);
            assertEquals(
                    subscriber.connectionId(), presence.getConnections().get(0).getConnectionId());
            assertTrue(presence.getComplete(), "presence: " + presence);
        }
    }

    @Test
    void historyComesBackWithItsDataAsPlainJson() throws Exception {
        String topic = "generated-history";
        push.push(new PushRequest().topic(topic).data(Map.of("k", "v")), null);
        push.push(new PushRequest().topic(topic).data("a string"), null);
        push.push(new PushRequest().topic(topic).data(List.of(true, 3)), null);
        push.push(new PushRequest().topic(topic).data("short-lived").ttl(new PushRequestTtl("PT0.3S")), null);
        Thread.sleep(600);
        HistoryPage page = status.history(topic, null, 10, 0L);
        assertEquals(1, page.getExpired(), "the expired push is skipped and counted: " + page);
        assertTrue(page.getComplete(), "page: " + page);
        assertNull(page.getReason(), "page: " + page);
        assertFalse(page.getMore(), "page: " + page);
        List<Object> data =
                page.getMessages().stream().map(HistoryMessage::getData).toList();
        assertEquals(List.of(Map.of("k", "v"), "a string", List.of(true, 3)), data, "page: " + page);
        assertEquals(page.getOffset() - 1, page.getMessages().get(2).getOffset(), "the last one expired: " + page);
    }

    @Test
    void aScheduledPushCanBeListedAndCancelled() throws Exception {
        push.push(new PushRequest().topic("generated-later").data(1).delay(new PushRequestDelay("PT1H")), null);
        ScheduledItem pending = push.listScheduled().getScheduled().stream()
                .filter(s -> s.getTargets().equals(List.of("generated-later")))
                .findFirst()
                .orElseThrow();
        assertEquals(ScheduledItem.ScopeEnum.TOPIC, pending.getScope());
        assertTrue(pending.getAt().toInstant().isAfter(java.time.Instant.now().plusSeconds(3000)), "at: " + pending);
        push.cancelScheduled(pending.getScheduledId());
        ApiException again = assertThrows(ApiException.class, () -> push.cancelScheduled(pending.getScheduledId()));
        assertEquals(404, again.getCode());
        assertEquals("not_found", error(again).getError());
    }

    @Test
    void aBadRequestIsATypedError() throws Exception {
        ApiException badTopic = assertThrows(
                ApiException.class,
                () -> push.push(new PushRequest().topic("no spaces allowed").data(1), null));
        assertEquals(400, badTopic.getCode(), badTopic.getResponseBody());
        ApiError body = error(badTopic);
        assertEquals(400, body.getStatus());
        assertEquals("invalid_topic", body.getError());
        assertFalse(body.getMessage().isBlank(), "message: " + body);
        assertNull(body.getConnections(), "no connections field: " + body);

        ApiException unknown = assertThrows(
                ApiException.class,
                () -> push.push(
                        new PushRequest().connections(List.of("c-nobody")).data(1), null));
        assertEquals(404, unknown.getCode());
        assertEquals("unknown_connections", error(unknown).getError());
        assertEquals(List.of("c-nobody"), error(unknown).getConnections());

        ApiException noKey = assertThrows(ApiException.class, () -> new StatusApi(client(null)).stats());
        assertEquals(401, noKey.getCode());
        assertEquals("unauthorized", error(noKey).getError());
    }
}
