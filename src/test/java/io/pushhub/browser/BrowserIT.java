package io.pushhub.browser;

import io.pushhub.testsupport.HubIT;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The browser tests (src/test/browser, playwright-core driving Debian's Chromium) against the hub Arquillian deployed.
 * A JUnit IT shelling out to {@code node} is the simplest way to have the Arquillian-managed Liberty up exactly while
 * the browser runs: the server's lifecycle stays where every other IT has it. One JUnit test per browser case, so
 * the report names the case that failed. Screenshots land in {@code target/screenshots/}.
 */
class BrowserIT extends HubIT {

    private static final String CONSOLE = "src/test/browser/console.test.mjs";
    private static final String DASHBOARD = "src/test/browser/dashboard.test.mjs";

    @BeforeEach
    void prerequisites() {
        NodeRunner.requirePrerequisites(true);
    }

    private static void browser(String namePattern) throws Exception {
        browser(CONSOLE, namePattern);
    }

    private static void browser(String file, String namePattern) throws Exception {
        NodeRunner.browser(file, namePattern, HTTP, Map.of());
    }

    @Test
    void consoleConnectsTicksAndReceivesAPush() throws Exception {
        browser("^console connects");
    }

    @Test
    void twoBrowsersChatAndSeeJoinAndLeave() throws Exception {
        browser("^two browsers chat");
    }

    @Test
    void demoJobProgressReaches100() throws Exception {
        browser("^the demo job");
    }

    @Test
    void serverDropShowsReconnectingThenResubscribes() throws Exception {
        browser("^the server drops the connection");
    }

    @Test
    void messagesPushedWhileDisconnectedArriveOnceInOrder() throws Exception {
        browser("^messages pushed while disconnected");
    }

    @Test
    void blockedWebSocketFallsBackToSse() throws Exception {
        browser("^WebSocket blocked");
    }

    @Test
    void closedSsePageLeavesTheRoomAtOnce() throws Exception {
        browser("^an SSE page that is closed");
    }

    @Test
    void publishFormReachesTheConsoleWithScreenshots() throws Exception {
        browser("^the publish form");
    }

    @Test
    void dashboardKeyPromptAndLiveChartsWithMatchingLegend() throws Exception {
        browser(DASHBOARD, "^the dashboard asks for the key");
    }

    @Test
    void dashboardClosesAConnection() throws Exception {
        browser(DASHBOARD, "^the dashboard closes a connection");
    }

    @Test
    void dashboardBrowsesPresenceAndHistory() throws Exception {
        browser(DASHBOARD, "^the dashboard browses");
    }

    @Test
    void dashboardOpensAnyTopicByName() throws Exception {
        browser(DASHBOARD, "^the dashboard opens any topic");
    }

    @Test
    void dashboardTracesAMessage() throws Exception {
        browser(DASHBOARD, "^the dashboard traces a message");
    }

    @Test
    void dashboardScreenshotsAtDesktopAndPhoneWidth() throws Exception {
        browser(DASHBOARD, "^dashboard screenshots");
    }
}
