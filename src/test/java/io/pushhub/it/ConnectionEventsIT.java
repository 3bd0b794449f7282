package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pushhub.it.sample.FailingObserverSample;
import io.pushhub.it.sample.GreeterSample;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.io.File;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An application co-deployed with the hub (the real WAR plus two sample beans) observes connection events and pushes
 * through the public API; a failing observer beside it disturbs neither the other observer nor delivery.
 */
@ExtendWith(ArquillianExtension.class)
class ConnectionEventsIT {

    private static final String WS = "ws://127.0.0.1:" + HubIT.PORT + "/ws";

    @Deployment(testable = false)
    public static WebArchive deployment() {
        File war = new File(System.getProperty("pushhub.war", "target/pushhub.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, war)
                .addClasses(GreeterSample.class, FailingObserverSample.class);
    }

    private static WsClient asUser(String user) throws Exception {
        return WsClient.connect(WS + "?access_token=" + Jwts.token(user, List.of()));
    }

    @Test
    void aCoDeployedBeanGreetsSubscribersThroughThePusherDespiteAFailingObserver() throws Exception {
        try (WsClient alice = asUser("alice")) {
            alice.subscribe(GreeterSample.GREET);
            JsonObject greeting = alice.awaitMessage("the sample bean's greeting");
            assertEquals(
                    "\"hello alice, welcome to sample:greet\"",
                    greeting.get("data").toString(),
                    "got " + greeting);
            assertEquals("connection", greeting.getString("scope"), "pushed to the one connection: " + greeting);
            // Delivery goes on after the failing observer: the connection still works.
            assertEquals("ack", alice.request("echo", "\"data\":1").getString("type"));
        }
    }

    @Test
    void observersSeeOpenedSubscribedUnsubscribedClosedInOrder() throws Exception {
        try (WsClient watcher = asUser("watcher")) {
            watcher.subscribe(GreeterSample.LOG);
            String bobId;
            try (WsClient bob = asUser("bob")) {
                bobId = bob.connectionId();
                bob.subscribe("news");
                bob.request("unsubscribe", "\"topic\":\"news\"");
                bob.subscribe("chat:lobby");
            }
            List<String> events = new java.util.ArrayList<>();
            JsonObject closed = null;
            while (closed == null) {
                JsonObject m = watcher.await(
                        "bob's events",
                        f -> "message".equals(f.getString("type", ""))
                                && f.getJsonObject("data")
                                        .getString("connectionId")
                                        .equals(bobId),
                        Duration.ofSeconds(10));
                JsonObject d = m.getJsonObject("data");
                events.add(d.getString("event") + (d.containsKey("topic") ? " " + d.getString("topic") : ""));
                if (d.getString("event").equals("Closed")) {
                    closed = d;
                }
            }
            assertEquals(
                    List.of("Opened", "Subscribed news", "Unsubscribed news", "Subscribed chat:lobby", "Closed"),
                    events);
            assertEquals("bob", closed.getString("userId"));
            assertEquals("websocket", closed.getString("transport"));
            assertEquals("[\"chat:lobby\"]", closed.get("topics").toString(), "a closed connection names its topics");
        }
    }
}
