package io.pushhub.browser;

import io.pushhub.testsupport.HubIT;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * pushhub.js on a page of another origin (src/test/browser/cross-origin.test.mjs: a page the test serves itself, made
 * {@code http://app.pushhub.test} / {@code http://evil.pushhub.test} by Chromium's host resolver rules), over the
 * WebSocket and over SSE: the allowed origin works, a refused origin and an expired token show their reason and the
 * client stops. One JUnit test per browser case.
 */
class CrossOriginBrowserIT extends HubIT {

    private static final String FILE = "src/test/browser/cross-origin.test.mjs";

    @BeforeEach
    void prerequisites() {
        NodeRunner.requirePrerequisites(true);
    }

    private static void browser(String namePattern) throws Exception {
        NodeRunner.browser(FILE, namePattern, HTTP, Map.of());
    }

    @Test
    void allowedOriginOverWebSocket() throws Exception {
        browser("^cross-origin websocket: a page on an allowed origin");
    }

    @Test
    void allowedOriginOverSse() throws Exception {
        browser("^cross-origin sse: a page on an allowed origin");
    }

    @Test
    void refusedOriginOverWebSocketShowsTheReasonAndStops() throws Exception {
        browser("^cross-origin websocket: a page on a refused origin");
    }

    @Test
    void refusedOriginOverSseShowsTheReasonAndStops() throws Exception {
        browser("^cross-origin sse: a page on a refused origin");
    }

    @Test
    void expiredTokenOverWebSocketShowsTheReason() throws Exception {
        browser("^cross-origin websocket: an expired token");
    }

    @Test
    void expiredTokenOverSseShowsTheReason() throws Exception {
        browser("^cross-origin sse: an expired token");
    }

    @Test
    void pageOfAnotherSiteWithoutCookieOverWebSocket() throws Exception {
        browser("^cross-site websocket:");
    }

    @Test
    void pageOfAnotherSiteWithoutCookieOverSseUsesTheCommandKey() throws Exception {
        browser("^cross-site sse:");
    }
}
