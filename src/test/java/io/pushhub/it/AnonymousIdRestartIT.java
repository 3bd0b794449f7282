package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.LibertyNode;
import io.pushhub.testsupport.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A browser's anonymous user survives a server restart and is the same on every node that shares the cookie secret;
 * a forged cookie, or one signed by another secret, is somebody else. Uses a second real Liberty server (one more
 * start and stop than the other ITs: about a minute).
 */
class AnonymousIdRestartIT extends HubIT {

    private static final String NAME = "pushhub-anon-" + System.getProperty("it.http.port", "19080");

    private static String cookieOf(WsClient c) {
        return c.setCookies().stream()
                .filter(h -> h.startsWith("pushhub-anon="))
                .map(h -> h.split(";", 2)[0])
                .findFirst()
                .orElseThrow(() -> new AssertionError("no anonymous cookie: " + c.setCookies()));
    }

    private static String userWith(String ws, String cookie) throws Exception {
        try (WsClient c = WsClient.connect(ws, Map.of("Cookie", List.of(cookie)))) {
            assertTrue(c.welcome().getBoolean("anonymous"));
            return c.userId();
        }
    }

    @Test
    void theSameCookieIsTheSameAnonymousUserAfterARestartAndOnNodesSharingTheSecret() throws Exception {
        // 1. The default: no configured secret, so one is generated into the server directory at the first start.
        String cookie;
        String user;
        LibertyNode node = new LibertyNode(NAME, 7, Map.of("pushhub.anonymous.secret", ""));
        try {
            node.start();
            try (WsClient first = WsClient.connect(node.ws())) {
                user = first.userId();
                cookie = cookieOf(first);
            }
            Path key = node.log().getParent().getParent().resolve("pushhub-anonymous.key");
            assertTrue(Files.exists(key), "the generated secret is kept in " + key);
            node.close();

            node.start(); // a real restart: a new JVM, nothing in memory survives
            assertEquals(user, userWith(node.ws(), cookie), "the same browser after a restart");
            String value = cookie.substring("pushhub-anon=".length());
            String forged = "pushhub-anon=" + (value.startsWith("A") ? "B" : "A") + value.substring(1);
            assertNotEquals(user, userWith(node.ws(), forged), "a forged cookie is not that user");
            assertNotEquals(
                    user, userWith(WS, cookie), "a server with another secret does not accept the cookie as that user");
        } finally {
            node.close();
        }

        // 2. A cluster: this node now has the secret the Arquillian server has (both read pushhub-it.xml).
        String arquillianCookie;
        String arquillianUser;
        try (WsClient c = WsClient.connect(WS)) {
            arquillianUser = c.userId();
            arquillianCookie = cookieOf(c);
        }
        try (LibertyNode sameSecret = new LibertyNode(NAME, 7, Map.of())) {
            sameSecret.start();
            assertEquals(
                    arquillianUser,
                    userWith(sameSecret.ws(), arquillianCookie),
                    "two nodes with the same pushhub.anonymous.secret agree on the user");
        }
    }
}
