package io.pushhub.testsupport;

import java.io.File;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of the integration tests: Arquillian deploys the WAR that {@code mvn package} built (the real artifact, not a
 * hand-picked subset) to a managed Open Liberty, and the tests talk to it over real sockets as clients. With {@code
 * -Ppayara} the same classes run a second time against Payara Micro 6 ({@code testsupport.payara.PayaraMicroContainer}).
 */
@ExtendWith(ArquillianExtension.class)
public abstract class HubIT {

    /** True in the Payara execution of {@code mvn verify -Ppayara}: the server under test is Payara Micro 6. */
    protected static final boolean ON_PAYARA = "payara".equals(System.getProperty("it.container"));

    /**
     * HTTP port of the server under test: {@code it.http.port} (Liberty) or, in the Payara execution, {@code
     * payara.http.port}, so the two never share a port (both are also user properties of a command line, which beat
     * the failsafe execution's own system properties).
     */
    public static final int PORT =
            ON_PAYARA ? Integer.getInteger("payara.http.port", 19090) : Integer.getInteger("it.http.port", 19080);

    protected static final String HTTP = "http://127.0.0.1:" + PORT;
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
