package io.pushhub.browser;

import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.Jwts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/js-client.md, cut out of the doc and run against the hub Arquillian deployed
 * (src/test/browser/docs-examples.test.mjs): the copy-paste page in Chromium, the Node example with ws, the error of
 * Node without a WebSocket. One JUnit test per case, so the report names the example that broke.
 */
class DocsExamplesIT extends HubIT {

    private static final String FILE = "src/test/browser/docs-examples.test.mjs";
    private static final String USER = "docs-reader";

    private static void examples(String namePattern) throws Exception {
        NodeRunner.browser(
                FILE, namePattern, HTTP, Map.of("PUSHHUB_JWT", Jwts.token(USER, List.of()), "PUSHHUB_JWT_USER", USER));
    }

    @Test
    void everyExampleIsRun() throws Exception {
        // The test file imports the browser harness (playwright-core) even for this check.
        NodeRunner.requireNodeModules("playwright-core");
        examples("^docs: every example");
    }

    @Test
    void copyPastePageInChromium() throws Exception {
        NodeRunner.requirePrerequisites(true);
        examples("^docs: the copy-paste page");
    }

    @Test
    void nodeExampleWithWs() throws Exception {
        NodeRunner.requireNodeModules("ws", "playwright-core");
        examples("^docs: the Node example");
    }

    @Test
    void nodeWithoutWebSocketFailsAtOnce() throws Exception {
        NodeRunner.requireNodeModules("playwright-core");
        examples("^docs: Node without a WebSocket");
    }
}
