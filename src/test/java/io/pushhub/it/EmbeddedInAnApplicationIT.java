package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.it.embedded.ShopOrders;
import io.pushhub.it.embedded.ShopServlet;
import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * pushhub as a library in an application's own WAR (docs/embedding.md): {@code shop.war} holds the shop's classes, the
 * {@code pushhub-classes.jar} that {@code mvn package} attaches, and pushhub's dependencies (the jars Maven resolves
 * for it, taken here from the hub WAR's WEB-INF/lib), nothing else: no pushhub web.xml, no context-root descriptor.
 * Deployed at /shop, it serves pushhub's /shop/ws and /shop/api beside its own /shop/orders, and the shop's EJB pushes
 * to the buyer in its order transaction: after the commit, and not at all when the payment fails.
 */
@ExtendWith(ArquillianExtension.class)
class EmbeddedInAnApplicationIT {

    private static final String HTTP = "http://127.0.0.1:" + HubIT.PORT + "/shop";
    private static final String WS = HTTP.replace("http:", "ws:") + "/ws";
    private final Api api = new Api(HTTP);

    @Deployment(testable = false)
    public static WebArchive deployment() {
        File classes = new File(System.getProperty("pushhub.classes.jar", "target/pushhub-classes.jar"));
        assertTrue(classes.isFile(), classes + " is missing: mvn package attaches it (maven-war-plugin attachClasses)");
        WebArchive hub = ShrinkWrap.createFromZipFile(
                WebArchive.class, new File(System.getProperty("pushhub.war", "target/pushhub.war")));
        WebArchive shop = ShrinkWrap.create(WebArchive.class, "shop.war")
                .addAsLibrary(classes)
                .addClasses(ShopOrders.class, ShopServlet.class);
        hub.getContent(p -> p.get().startsWith("/WEB-INF/lib/") && p.get().endsWith(".jar"))
                .forEach((path, node) -> shop.add(node.getAsset(), path));
        return shop;
    }

    private Api.Reply order(String item, boolean paymentFails) throws Exception {
        return api.send(HttpRequest.newBuilder(
                        URI.create(HTTP + "/orders?buyer=alice&item=" + item + "&paymentFails=" + paymentFails))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    @Test
    void theApplicationsEjbPushesToTheBuyerAfterItsCommitAndNothingWhenThePaymentFails() throws Exception {
        try (WsClient alice = WsClient.connect(WS + "?access_token=" + Jwts.token("alice", List.of()))) {
            assertEquals("alice", alice.userId(), "welcome from the embedded hub: " + alice.welcome());

            Api.Reply placed = order("book", false);
            assertEquals(200, placed.status(), placed.toString());
            assertTrue(placed.json().getBoolean("deferred"), "pushed inside the EJB's transaction: " + placed);
            JsonObject m = alice.awaitMessage("the order notice after the commit");
            assertEquals(
                    "{\"order\":\"book\",\"status\":\"placed\"}", m.get("data").toString());
            assertEquals(placed.json().getString("messageId"), m.getString("messageId"));

            Api.Reply refused = order("lamp", true);
            assertEquals(409, refused.status(), refused.toString());
            assertTrue(refused.json().getString("error").contains("payment for lamp refused"), refused.toString());
            // pushhub's REST API of the same application: the next message must be this one, not the lamp's notice.
            Api.Reply sentinel = api.push("{\"user\":\"alice\",\"data\":\"sentinel\"}");
            assertEquals(200, sentinel.status(), sentinel.toString());
            assertEquals(
                    "\"sentinel\"",
                    alice.awaitMessage("the sentinel").get("data").toString(),
                    "the rolled-back order must never arrive: " + alice.messages());
        }
    }
}
