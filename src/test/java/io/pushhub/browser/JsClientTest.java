package io.pushhub.browser;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * pushhub.js's command queue, error codes, subscription states, reconnect, resume, duplicate-dropping and SSE fallback
 * logic (src/test/js), against in-memory fakes of the hub that speak the wire protocol including the history contract.
 * Needs only {@code node}; the package test also {@code npm} and the root package.json's typescript.
 */
class JsClientTest {

    @Test
    void reconnectResumeAndFallbackLogic() throws Exception {
        NodeRunner.requirePrerequisites(false);
        NodeRunner.run("src/test/js/pushhub.test.mjs", ".*", 21, Map.of());
    }

    /**
     * The npm package pushhub-client (clients/js) as a user installs it: {@code npm pack}ed, unpacked, loaded with
     * require() and import, and its types checked by tsc for import, require and the script-tag global.
     */
    @Test
    void npmPackageLoadsAndItsTypesCheck() throws Exception {
        NodeRunner.requireNodeModules("typescript");
        NodeRunner.run("src/test/js/package.test.mjs", ".*", 7, Map.of());
    }

    /** A refused handshake: the reason from the connect check as an error event; no retries after a permanent one. */
    @Test
    void refusalsReachTheAppAndStopTheRetries() throws Exception {
        NodeRunner.requirePrerequisites(false);
        NodeRunner.run("src/test/js/refusal.test.mjs", ".*", 6, Map.of());
    }
}
