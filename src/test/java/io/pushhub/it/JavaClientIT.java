package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.client.HistoryMessage;
import io.pushhub.client.HistoryPage;
import io.pushhub.client.Push;
import io.pushhub.client.PushHubClient;
import io.pushhub.client.PushHubException;
import io.pushhub.client.PushResult;
import io.pushhub.client.Recurrence;
import io.pushhub.client.ScheduleResult;
import io.pushhub.client.ScheduledPush;
import io.pushhub.client.Scope;
import io.pushhub.client.TopicPresence;
import io.pushhub.client.UserPresence;
import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * pushhub's own Java client library ({@code clients/java}, package {@code io.pushhub.client}) against the real hub:
 * its pushes reach real WebSocket clients, scheduled pushes arrive or are cancelled, presence and history come back
 * typed, and refusals are {@link PushHubException}s with the hub's status and error code.
 */
class JavaClientIT extends HubIT {

    /** A payload written by JSON-B. */
    public record Order(String id, int items, List<String> tags) {}

    private final PushHubClient hub = client(Api.KEY);

    private static PushHubClient client(String key) {
        PushHubClient.Builder b = PushHubClient.builder().url(HTTP).requestTimeout(Duration.ofSeconds(15));
        return key == null ? b.build() : b.apiKey(key).build();
    }

    @Test
    void aPushReachesWebSocketClientsByTopicUserAndConnection() throws Exception {
        try (WsClient reader = WsClient.connect(WS);
                WsClient alice = asUser("jc-alice")) {
            reader.subscribe("jc-news");

            PushResult sent = hub.push(Push.toTopic("jc-news", Map.of("text", "hi", "n", List.of(1, 2))));
            assertEquals(1, sent.reached(), "result: " + sent);
            assertTrue(sent.messageId().startsWith("m-"), "result: " + sent);
            if (Boolean.getBoolean("it.redis.enabled")) {
                assertEquals("published", sent.cluster(), "Redis broker: " + sent);
            } else {
                assertNull(sent.cluster(), "one node, memory broker: " + sent);
            }
            assertFalse(sent.clusterUnavailable(), "result: " + sent);
            JsonObject frame = reader.awaitMessage("the topic push");
            assertEquals(sent.messageId(), frame.getString("messageId"));
            assertEquals("jc-news", frame.getString("topic"));
            assertEquals("hi", frame.getJsonObject("data").getString("text"));
            assertEquals(2, frame.getJsonObject("data").getJsonArray("n").getInt(1));

            // A record, to every connection of a user, with an idempotency key (sent; the hub ignores it for now).
            PushResult toAlice = hub.push(Push.toUser("jc-alice", new Order("o-7", 3, List.of("gift")))
                    .withIdempotencyKey("order-o-7"));
            assertEquals(1, toAlice.reached(), "result: " + toAlice);
            JsonObject order = alice.awaitMessage("the user push").getJsonObject("data");
            assertEquals("o-7", order.getString("id"));
            assertEquals(3, order.getInt("items"));
            assertEquals("gift", order.getJsonArray("tags").getString(0));

            PushResult toConnection = hub.push(Push.toConnection(reader.connectionId(), "just you"));
            assertEquals(1, toConnection.reached());
            JsonObject direct = reader.awaitMessage("the connection push");
            assertEquals(toConnection.messageId(), direct.getString("messageId"));
            assertEquals("just you", direct.getString("data"));
            alice.barrier();
            assertEquals(1, alice.messages().size(), "alice got only her own push: " + alice.messages());
        }
    }

    @Test
    void aScheduledPushArrivesAfterItsDelayAndACancelledOneIsGone() throws Exception {
        try (WsClient reader = WsClient.connect(WS)) {
            reader.subscribe("jc-later");
            long start = System.nanoTime();
            ScheduleResult soon = hub.schedule(Push.toTopic("jc-later", "soon"), Duration.ofMillis(1500));
            Instant inAnHour =
                    Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            ScheduleResult later = hub.schedule(Push.toTopics(List.of("jc-later", "jc-other"), "never"), inAnHour);
            assertTrue(soon.scheduledId().startsWith("s-"), "result: " + soon);
            assertEquals(inAnHour, later.at());

            List<ScheduledPush> pending = hub.listScheduled();
            ScheduledPush listed = pending.stream()
                    .filter(p -> p.scheduledId().equals(later.scheduledId()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(later + " not in " + pending));
            assertEquals(Scope.TOPIC, listed.scope());
            assertEquals(List.of("jc-later", "jc-other"), listed.targets());
            assertEquals(later.messageId(), listed.messageId());
            assertEquals(inAnHour, listed.at());

            assertTrue(hub.cancel(later.scheduledId()), "pending, so cancelled");
            assertFalse(hub.cancel(later.scheduledId()), "a second cancel finds nothing pending");
            assertTrue(
                    hub.listScheduled().stream().noneMatch(p -> p.scheduledId().equals(later.scheduledId())),
                    "cancelled push still listed");

            JsonObject m = reader.awaitMessage("the scheduled push");
            long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertEquals(soon.messageId(), m.getString("messageId"));
            assertEquals("soon", m.getString("data"));
            assertTrue(elapsedMs >= 1450, "arrived too early: after " + elapsedMs + " ms");
        }
    }

    @Test
    void aRecurringPushFiresEverySecondThenARescheduleMakesItOneShot() throws Exception {
        String topic = "jc-cron-" + System.nanoTime();
        try (WsClient reader = WsClient.connect(WS)) {
            reader.subscribe(topic);
            ScheduleResult every = hub.schedule(
                    Push.toTopic(topic, "tick").withTtl(Duration.ofMinutes(1)),
                    Recurrence.cron("* * * * * *").in(java.time.ZoneId.of("Europe/Berlin")));
            JsonObject first = reader.awaitMessage("the first firing");
            JsonObject second = reader.awaitMessage("the second firing");
            assertEquals("tick", second.getString("data"));
            assertNotEquals(first.getString("messageId"), second.getString("messageId"), "each firing has its own id");

            ScheduledPush listed = hub.listScheduled().stream()
                    .filter(p -> p.scheduledId().equals(every.scheduledId()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(every + " not listed"));
            assertTrue(listed.recurring(), "listed: " + listed);
            assertEquals("*", listed.cron().get("second"));
            assertEquals(java.time.ZoneId.of("Europe/Berlin"), listed.timezone());
            assertEquals(Duration.ofMinutes(1), listed.ttl());

            Instant inAnHour =
                    Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            ScheduledPush moved = hub.reschedule(every.scheduledId(), inAnHour);
            assertEquals(every.scheduledId(), moved.scheduledId());
            assertEquals(inAnHour, moved.at());
            assertFalse(moved.recurring(), "a reschedule to an instant makes it one-shot: " + moved);
            Thread.sleep(1500); // a firing in progress at the PATCH may still land
            int before = reader.messages().size();
            Thread.sleep(2500);
            assertEquals(
                    before, reader.messages().size(), "the push fired again after it was rescheduled an hour ahead");

            ScheduledPush daily = hub.reschedule(every.scheduledId(), Recurrence.cron("0 30 8 * * Mon-Fri"), null);
            assertTrue(daily.recurring());
            assertEquals("8", daily.cron().get("hour"));

            PushHubException bad = assertThrows(
                    PushHubException.class,
                    () -> hub.reschedule(every.scheduledId(), Recurrence.cron("0 61 * * * *"), null));
            assertEquals(400, bad.status());
            assertEquals("invalid_cron", bad.code());
            assertTrue(hub.cancel(every.scheduledId()));
            PushHubException gone =
                    assertThrows(PushHubException.class, () -> hub.reschedule(every.scheduledId(), inAnHour));
            assertEquals(404, gone.status());
        }
    }

    @Test
    void aPushWhoseTtlPassedWhileTheClientWasAwayIsNeitherReplayedNorListed() throws Exception {
        String topic = "jc-ttl-" + System.nanoTime();
        String epoch;
        try (WsClient c = WsClient.connect(WS)) {
            epoch = c.subscribe(topic).getJsonObject("recovery").getString("epoch");
        }
        // While the client is away: a one-time code valid for 500 ms, then a message that never expires.
        PushResult otp = hub.push(Push.toTopic(topic, Map.of("otp", "493817")).withTtl(Duration.ofMillis(500)));
        PushResult news = hub.push(Push.toTopic(topic, "lasting"));
        Thread.sleep(1200);
        try (WsClient back = WsClient.connect(WS)) {
            JsonObject ack = back.request(
                    "subscribe", "\"topic\":\"" + topic + "\",\"since\":{\"offset\":0,\"epoch\":\"" + epoch + "\"}");
            JsonObject rec = ack.getJsonObject("recovery");
            assertTrue(rec.getBoolean("recovered"), "ack: " + ack);
            assertEquals(1, rec.getInt("expired"), "the code was skipped for expiry: " + ack);
            back.barrier();
            List<String> got =
                    back.messages().stream().map(m -> m.getString("messageId")).toList();
            assertEquals(List.of(news.messageId()), got, "the expired code " + otp.messageId() + " never arrives");
        }
        HistoryPage page = hub.history(topic);
        assertEquals(List.of(news.messageId()), ids(page), "page: " + page);
        assertEquals(1, page.expired(), "page: " + page);
        assertTrue(page.complete(), "page: " + page);
    }

    @Test
    void aScheduledPushCarriesItsExpiryFromTheTimeItIsDue() throws Exception {
        try (WsClient reader = WsClient.connect(WS)) {
            reader.subscribe("jc-ttl-later");
            Instant due = Instant.now().plusMillis(1000);
            ScheduleResult s = hub.schedule(Push.toTopic("jc-ttl-later", "soon").withTtl(Duration.ofMinutes(1)), due);
            JsonObject m = reader.awaitMessage("the scheduled push");
            assertEquals(s.messageId(), m.getString("messageId"));
            long expiresAt = m.getJsonNumber("expiresAt").longValue();
            assertEquals(
                    due.plus(Duration.ofMinutes(1)).toEpochMilli(),
                    expiresAt,
                    1,
                    "the ttl counts from the due time: " + m);

            Instant at = Instant.now().plusSeconds(60);
            PushHubException early = assertThrows(
                    PushHubException.class,
                    () -> hub.schedule(Push.toTopic("jc-ttl-later", "never").withExpiresAt(at.minusSeconds(1)), at));
            assertEquals(400, early.status(), early.toString());
            assertTrue(early.getMessage().contains("expiresAt"), early.getMessage());
            assertTrue(hub.listScheduled().stream().noneMatch(p -> p.at().equals(at)), "nothing was scheduled");

            Instant pushExpiry = Instant.now().plusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            PushResult now = hub.push(Push.toTopic("jc-ttl-later", "now").withExpiresAt(pushExpiry));
            JsonObject direct = reader.awaitMessage("the push with an expiresAt");
            assertEquals(now.messageId(), direct.getString("messageId"));
            assertEquals(
                    pushExpiry.toEpochMilli(), direct.getJsonNumber("expiresAt").longValue());
        }
    }

    @Test
    void presenceListsWhoIsSubscribedAndWhoIsOnline() throws Exception {
        String topic = "jc:room-1";
        try (WsClient ann = asUser("jc-ann");
                WsClient bob = asUser("jc-bob")) {
            ann.subscribe(topic);
            bob.subscribe(topic);

            TopicPresence room = hub.topicPresence(topic);
            assertEquals(topic, room.topic());
            assertEquals(2, room.subscribers(), "presence: " + room);
            assertEquals(List.of("jc-ann", "jc-bob"), room.users());
            assertEquals(
                    Set.of(ann.connectionId(), bob.connectionId()),
                    room.connections().stream()
                            .map(TopicPresence.Subscriber::connectionId)
                            .collect(Collectors.toSet()));
            assertTrue(room.complete(), "presence: " + room);
            assertNull(room.clusterError(), "presence: " + room);

            UserPresence online = hub.userPresence("jc-ann");
            assertTrue(online.online(), "presence: " + online);
            assertEquals(1, online.connections());
            assertEquals(ann.connectionId(), online.connectionIds().get(0).connectionId());
            assertEquals(1, online.nodes().size(), "presence: " + online);
        }
        if (ON_PAYARA) {
            // Payara hands the application an encoded '/' decoded (docs/payara.md): the read simply works.
            assertEquals(0, hub.topicPresence("jc/room-1").subscribers());
        } else {
            // Open Liberty refuses an encoded '/' in a path (README): the hub says so in its error body.
            PushHubException slash = assertThrows(PushHubException.class, () -> hub.topicPresence("jc/room-1"));
            assertEquals(400, slash.status(), slash.toString());
            assertTrue(slash.getMessage().contains("%2F"), slash.getMessage());
        }

        UserPresence nobody = hub.userPresence("jc-nobody");
        assertFalse(nobody.online());
        assertEquals(0, nobody.connections());
        assertEquals(List.of(), nobody.connectionIds());
    }

    @Test
    void historyReadsBackWhatWasPushedPageByPage() throws Exception {
        String topic = "jc-history";
        hub.push(Push.toTopic(topic, Map.of("k", "v")));
        hub.push(Push.toTopic(topic, "a string"));
        hub.push(Push.toTopic(topic, new Order("o-1", 1, List.of())));

        HistoryPage all = hub.history(topic);
        assertTrue(all.complete(), "page: " + all);
        assertNull(all.reason());
        assertFalse(all.more());
        assertEquals(3, all.messages().size(), "page: " + all);
        assertEquals(Map.of("k", "v"), all.messages().get(0).dataAs(Map.class));
        assertEquals("a string", all.messages().get(1).dataAs(String.class));
        assertEquals(new Order("o-1", 1, List.of()), all.messages().get(2).dataAs(Order.class));
        assertEquals(all.offset(), all.lastOffset());
        HistoryMessage first = all.messages().get(0);
        assertTrue(first.messageId().startsWith("m-"));
        assertTrue(
                first.time().isAfter(Instant.now().minusSeconds(60))
                        && !first.time().isAfter(Instant.now()),
                "time: " + first.time());

        HistoryPage one = hub.history(topic, first.offset(), all.epoch(), 1);
        assertEquals(1, one.messages().size(), "page: " + one);
        assertEquals(all.messages().get(1).messageId(), one.messages().get(0).messageId());
        assertTrue(one.more(), "a third message is kept: " + one);
        HistoryPage rest = hub.history(topic, one.lastOffset(), one.epoch(), 10);
        assertEquals(List.of(all.messages().get(2).messageId()), ids(rest));
        assertFalse(rest.more());

        HistoryPage otherEpoch = hub.history(topic, first.offset(), "not-the-epoch", 10);
        assertFalse(otherEpoch.complete(), "page: " + otherEpoch);
        assertEquals("epoch_changed", otherEpoch.reason());

        // tiny:* topics keep 3 messages on the test server: the first two of five are gone.
        for (int i = 1; i <= 5; i++) {
            hub.push(Push.toTopic("tiny:jc", i));
        }
        HistoryPage trimmed = hub.history("tiny:jc");
        assertFalse(trimmed.complete(), "page: " + trimmed);
        assertEquals("trimmed", trimmed.reason());
        assertNotNull(trimmed.missed(), "page: " + trimmed);
        assertEquals(3, trimmed.messages().size());
        assertEquals(3, trimmed.messages().get(0).dataAs(Integer.class));

        PushHubException none = assertThrows(PushHubException.class, () -> hub.history("nohist:jc"));
        assertEquals(404, none.status());
        assertEquals("no_history", none.code());
    }

    @Test
    void refusalsAreTypedErrorsAndPushNothing() throws Exception {
        try (WsClient reader = WsClient.connect(WS)) {
            reader.subscribe("jc-errors");

            PushHubException badKey = assertThrows(
                    PushHubException.class, () -> client("not-a-key").push(Push.toTopic("jc-errors", 1)));
            assertEquals(401, badKey.status(), badKey.toString());
            assertEquals("unauthorized", badKey.code());
            assertFalse(badKey.getMessage().isBlank());
            assertEquals(1, badKey.attempts(), "a refusal is not retried");
            assertFalse(badKey.mayHaveBeenProcessed());

            PushHubException noKey =
                    assertThrows(PushHubException.class, () -> client(null).listScheduled());
            assertEquals(401, noKey.status());
            assertEquals("unauthorized", noKey.code());

            PushHubException badTopic = assertThrows(
                    PushHubException.class, () -> hub.push(Push.toTopics(List.of("jc-errors", "no spaces"), 1)));
            assertEquals(400, badTopic.status(), badTopic.toString());
            assertEquals("invalid_topic", badTopic.code());
            assertTrue(badTopic.getMessage().contains("no spaces"), badTopic.getMessage());

            PushHubException unknown = assertThrows(
                    PushHubException.class,
                    () -> hub.push(Push.toConnections(List.of(reader.connectionId(), "c-nobody"), 1)));
            assertEquals(404, unknown.status());
            assertEquals("unknown_connections", unknown.code());
            assertEquals(List.of("c-nobody"), unknown.connections());

            PushHubException tooFar = assertThrows(
                    PushHubException.class, () -> hub.schedule(Push.toTopic("jc-errors", 1), Duration.ofDays(3650)));
            assertEquals(400, tooFar.status());
            assertEquals("bad_request", tooFar.code());
            assertTrue(tooFar.getMessage().contains("max-delay"), tooFar.getMessage());

            PushHubException badPresence = assertThrows(PushHubException.class, () -> hub.topicPresence("a b"));
            assertEquals(400, badPresence.status());
            assertEquals("invalid_topic", badPresence.code());

            reader.barrier();
            assertEquals(List.of(), reader.messages(), "a refused push delivers nothing");
        }
    }

    @Test
    void aHubThatIsNotThereIsReportedAsUnreachableAfterRetries() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PushHubClient down = PushHubClient.builder()
                .url("http://127.0.0.1:" + port)
                .apiKey(Api.KEY)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .build();
        PushHubException x = assertThrows(PushHubException.class, () -> down.push(Push.toTopic("jc-down", 1)));
        assertEquals(PushHubException.UNREACHABLE, x.code(), x.toString());
        assertEquals(3, x.attempts(), "a refused connection carried nothing, so the push was tried again");
        assertFalse(x.mayHaveBeenProcessed());
    }

    @Test
    void theBackendSubscribesAUsersConnectionsAndLeavesTheSenderOutOfAPush() throws Exception {
        String user = "jc-subs-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        try (WsClient tab1 = asUser(user);
                WsClient tab2 = asUser(user)) {
            io.pushhub.client.SubscriptionResult r = hub.subscribe(user, "jc-room", true);
            assertEquals(2, r.changed(), "result: " + r);
            assertTrue(r.sticky(), "result: " + r);
            assertEquals(List.of("jc-room"), hub.stickySubscriptions(user));
            for (WsClient tab : List.of(tab1, tab2)) {
                tab.await(
                        "subscribed by server",
                        f -> "subscribed".equals(f.getString("type", "")) && "server".equals(f.getString("by", "")),
                        Duration.ofSeconds(10));
            }
            PushResult sent = hub.push(Push.toTopic("jc-room", "not for tab1").withExcept(tab1.connectionId()));
            assertEquals(1, sent.reached(), "result: " + sent);
            assertEquals("not for tab1", tab2.awaitMessage("the push").getString("data"));
            tab1.barrier();
            assertEquals(List.of(), tab1.messages(), "the excluded tab gets nothing");

            io.pushhub.client.SubscriptionResult gone = hub.unsubscribe(user, "jc-room");
            assertEquals(2, gone.changed(), "result: " + gone);
            assertEquals(List.of(), hub.stickySubscriptions(user));
            PushHubException bad = assertThrows(PushHubException.class, () -> hub.subscribe(user, "a b", false));
            assertEquals(400, bad.status());
            assertEquals("invalid_topic", bad.code());
        }
    }

    private static List<String> ids(HistoryPage page) {
        return page.messages().stream().map(HistoryMessage::messageId).toList();
    }
}
