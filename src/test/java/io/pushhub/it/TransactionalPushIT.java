package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.it.sample.TxCdiSample;
import io.pushhub.it.sample.TxMarkerSample;
import io.pushhub.it.sample.TxOrdersSample;
import io.pushhub.it.sample.TxSampleServlet;
import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Transactional push (issue #11, point 4) as an application deployed with the hub sees it: an EJB and a
 * {@code @Transactional} CDI bean push inside their transaction. The WebSocket client gets the push only after the
 * commit (a marker pushed outside the transaction after it, while the transaction is held open for 2 s, arrives first),
 * nothing after a rollback (a push made after the rollback arrives first and alone), the message id announced at the
 * call, and a push made in a nested REQUIRES_NEW transaction when that commits.
 */
@ExtendWith(ArquillianExtension.class)
class TransactionalPushIT {

    private static final String HTTP = "http://127.0.0.1:" + HubIT.PORT;
    private static final String WS = "ws://127.0.0.1:" + HubIT.PORT + "/ws";
    private final Api api = new Api(HTTP);

    private static final long HOLD_MILLIS = 2000;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        File war = new File(System.getProperty("pushhub.war", "target/pushhub.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, war)
                .addClasses(TxOrdersSample.class, TxCdiSample.class, TxMarkerSample.class, TxSampleServlet.class);
    }

    private static WsClient asUser(String user) throws Exception {
        return WsClient.connect(WS + "?access_token=" + Jwts.token(user, List.of()));
    }

    private static String topic() {
        return "tx-" + UUID.randomUUID();
    }

    private CompletableFuture<Api.Reply> call(String query) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return api.send(HttpRequest.newBuilder(URI.create(HTTP + "/sample/tx?" + query))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String data(JsonObject message) {
        return message.get("data").toString();
    }

    /** After the call: a push made now must be the next message, so nothing of the transaction came before it. */
    private void assertNothingElseArrives(WsClient client, String topic, String what) throws Exception {
        var sentinel = api.push("{\"topic\":\"" + topic + "\",\"data\":\"sentinel\"}");
        assertEquals(200, sentinel.status(), sentinel.toString());
        JsonObject next = client.awaitMessage("the sentinel");
        assertEquals("\"sentinel\"", data(next), what + "; received: " + client.messages());
    }

    private void commitsThenDelivers(String op) throws Exception {
        String topic = topic();
        try (WsClient c = asUser("buyer")) {
            c.subscribe(topic);
            var reply = call("op=" + op + "&topic=" + topic + "&text=order-1&hold=" + HOLD_MILLIS);
            JsonObject marker = c.awaitMessage("the marker pushed after the order, outside the transaction");
            long markerAt = System.nanoTime();
            assertEquals(
                    "\"pushed order-1\"",
                    data(marker),
                    "the order was pushed first, but must wait for the commit: " + c.messages());
            JsonObject order = c.awaitMessage("the order after the commit");
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - markerAt);
            assertEquals("\"order-1\"", data(order));
            assertTrue(
                    waited >= HOLD_MILLIS / 2,
                    "the order arrived " + waited + " ms after the marker; the transaction was held open " + HOLD_MILLIS
                            + " ms");
            var r = reply.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.status(), r.toString());
            assertTrue(r.json().getBoolean("deferred"), r.toString());
            assertEquals(0, r.json().getInt("reached"), r.toString());
            assertEquals(
                    order.getString("messageId"),
                    r.json().getString("messageId"),
                    "the id answered at the call is the one the client sees");
            assertNothingElseArrives(c, topic, "one delivery of the order");
        }
    }

    private void rollsBackThenDeliversNothing(String op) throws Exception {
        String topic = topic();
        try (WsClient c = asUser("buyer")) {
            c.subscribe(topic);
            var r = call("op=" + op + "&topic=" + topic + "&text=order-2&hold=200&fail=true")
                    .get(30, TimeUnit.SECONDS);
            assertEquals(500, r.status(), r.toString());
            assertTrue(r.json().getString("error").contains("order order-2 failed after its push"), r.toString());
            assertEquals("\"pushed order-2\"", data(c.awaitMessage("the marker")));
            assertNothingElseArrives(c, topic, "the rolled-back order must never arrive");
        }
    }

    @Test
    void anEjbsPushArrivesAfterItsTransactionCommitsWithTheIdAnsweredAtTheCall() throws Exception {
        commitsThenDelivers("ejb");
    }

    @Test
    void anEjbsPushIsDroppedWhenItsTransactionRollsBack() throws Exception {
        rollsBackThenDeliversNothing("ejb");
    }

    @Test
    void aTransactionalCdiBeansPushArrivesAfterTheCommit() throws Exception {
        commitsThenDelivers("cdi");
    }

    @Test
    void aTransactionalCdiBeansPushIsDroppedOnRollback() throws Exception {
        rollsBackThenDeliversNothing("cdi");
    }

    @Test
    void aPushInANestedRequiresNewTransactionArrivesThoughTheOuterRollsBack() throws Exception {
        String topic = topic();
        try (WsClient c = asUser("buyer")) {
            c.subscribe(topic);
            var r = call("op=nested&topic=" + topic).get(30, TimeUnit.SECONDS);
            assertEquals(500, r.status(), r.toString());
            assertEquals("\"inner\"", data(c.awaitMessage("the inner transaction's push")));
            assertNothingElseArrives(c, topic, "the outer transaction's push must never arrive");
        }
    }

    @Test
    void anApplicationTimersPushArrivesAfterTheCallbackCommits() throws Exception {
        String topic = topic();
        try (WsClient c = asUser("buyer")) {
            c.subscribe(topic);
            var r = call("op=timer&topic=" + topic).get(30, TimeUnit.SECONDS);
            assertEquals(200, r.status(), r.toString());
            assertEquals("\"timer callback ran\"", data(c.awaitMessage("the marker of the timer callback")));
            assertEquals("\"from the timer\"", data(c.awaitMessage("the callback's push after its commit")));
        }
    }

    @Test
    void aTransactionPushingMoreThanTheBoundFailsNamingTheKeyAndDeliversNothing() throws Exception {
        String topic = topic();
        try (WsClient c = asUser("buyer")) {
            c.subscribe(topic);
            // The test server keeps the default bound, 10000.
            var ok = call("op=many&n=10000&topic=" + topic).get(60, TimeUnit.SECONDS);
            assertEquals(200, ok.status(), ok.toString());
            var tooMany = call("op=many&n=10001&topic=" + topic).get(60, TimeUnit.SECONDS);
            assertEquals(500, tooMany.status(), tooMany.toString());
            assertTrue(
                    tooMany.json().getString("error").contains("pushhub.transaction.max-pushes"), tooMany.toString());
            JsonObject first = c.awaitMessage("the first of the committed 10000");
            assertEquals("0", data(first));
            c.await(
                    "the last of the committed 10000",
                    f -> "message".equals(f.getString("type", "")) && "9999".equals(data(f)),
                    java.time.Duration.ofSeconds(30));
            assertNothingElseArrives(c, topic, "nothing of the transaction that went over the bound");
        }
    }

    @Test
    void aScheduledPushMadeInATransactionStartsAtTheCommitAndVanishesOnRollback() throws Exception {
        String topic = topic();
        try (WsClient c = asUser("buyer")) {
            c.subscribe(topic);
            var committed = call("op=schedule&topic=" + topic + "&text=due-now&hold=" + HOLD_MILLIS);
            assertEquals("\"scheduled due-now\"", data(c.awaitMessage("the marker")));
            long markerAt = System.nanoTime();
            JsonObject due = c.awaitMessage("the scheduled push, due at once, after the commit");
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - markerAt);
            assertEquals("\"due-now\"", data(due));
            assertTrue(waited >= HOLD_MILLIS / 2, "the push due now arrived " + waited + " ms after the marker");
            var r = committed.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.status(), r.toString());
            assertEquals(r.json().getString("messageId"), due.getString("messageId"));

            var rolledBack = call("op=schedule&topic=" + topic + "&text=never&hold=500&fail=true")
                    .get(30, TimeUnit.SECONDS);
            assertEquals(500, rolledBack.status(), rolledBack.toString());
            assertEquals("\"scheduled never\"", data(c.awaitMessage("the marker")));
            List<String> pending = api.get("/api/push/scheduled").json().getJsonArray("scheduled").stream()
                    .map(v -> v.asJsonObject().getString("messageId"))
                    .toList();
            assertFalse(pending.contains(due.getString("messageId")), "delivered: not pending " + pending);
            assertEquals(List.of(), pending, "the rolled-back schedule is not left pending");
            Thread.sleep(500); // a timer due now that survived the rollback would have fired by now
            assertNothingElseArrives(c, topic, "the rolled-back schedule must never fire");
        }
    }
}
