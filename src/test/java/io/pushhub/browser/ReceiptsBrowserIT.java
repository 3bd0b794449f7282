package io.pushhub.browser;

import io.pushhub.testsupport.HubIT;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery receipts in real Chromium (src/test/browser/receipts.test.mjs): two tabs of one user; tab A's pushhub.js
 * acknowledges a collapseOnAck push by itself after its handler ran, tab B gets the {@code retract} event, and the
 * receipts API shows tab A acknowledged and tab B written. Over WebSocket and over SSE. One JUnit test per case.
 */
class ReceiptsBrowserIT extends HubIT {

    private static final String FILE = "src/test/browser/receipts.test.mjs";

    @BeforeEach
    void prerequisites() {
        NodeRunner.requirePrerequisites(true);
    }

    private static void browser(String namePattern) throws Exception {
        NodeRunner.browser(FILE, namePattern, HTTP, Map.of());
    }

    @Test
    void twoTabsOverWebSocketTabAAcknowledgesTabBGetsTheRetract() throws Exception {
        browser("^receipts over websocket");
    }

    @Test
    void twoTabsOverSseTabAAcknowledgesTabBGetsTheRetract() throws Exception {
        browser("^receipts over sse");
    }
}
