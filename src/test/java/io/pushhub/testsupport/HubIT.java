package io.pushhub.testsupport;

import java.io.File;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of the integration tests: Arquillian deploys the WAR that {@code mvn package} built (the real artifact, not a
 * hand-picked subset) to a managed Open Liberty, and the tests talk to it over real sockets as clients.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class HubIT {

    protected static final String HTTP = "http://127.0.0.1:" + System.getProperty("it.http.port", "19080");
    protected static final String WS = HTTP.replace("http:", "ws:") + "/ws";
    protected final Api api = new Api(HTTP);

    /** A WebSocket client authenticated as {@code user} with a test JWT. */
    protected static WsClient asUser(String user) throws Exception {
        return WsClient.connect(WS + "?access_token=" + Jwts.token(user, java.util.List.of()));
    }

    /** Subscribers of a topic on the test server, from {@code GET /api/topics} (0 when the topic has none). */
    protected int subscribersOf(String topic) throws Exception {
        return api.get("/api/topics").json().getJsonArray("topics").getValuesAs(jakarta.json.JsonObject.class).stream()
                .filter(t -> t.getString("topic").equals(topic))
                .mapToInt(t -> t.getInt("subscribers"))
                .findFirst()
                .orElse(0);
    }

    @Deployment(testable = false)
    public static WebArchive deployment() {
        File war = new File(System.getProperty("pushhub.war", "target/pushhub.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }
}
