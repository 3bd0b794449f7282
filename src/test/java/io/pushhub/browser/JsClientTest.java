package io.pushhub.browser;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * pushhub.js's reconnect, resume, duplicate-dropping and SSE fallback logic (src/test/js), against in-memory fakes of
 * the hub that speak the wire protocol including the history contract. Needs only {@code node}.
 */
class JsClientTest {

    @Test
    void reconnectResumeAndFallbackLogic() throws Exception {
        NodeRunner.requirePrerequisites(false);
        NodeRunner.run("src/test/js/pushhub.test.mjs", ".*", 10, Map.of());
    }

    /** A refused handshake: the reason from the connect check as an error event; no retries after a permanent one. */
    @Test
    void refusalsReachTheAppAndStopTheRetries() throws Exception {
        NodeRunner.requirePrerequisites(false);
        NodeRunner.run("src/test/js/refusal.test.mjs", ".*", 5, Map.of());
    }
}
