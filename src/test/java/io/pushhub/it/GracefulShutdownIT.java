package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.LibertyNode;
import io.pushhub.testsupport.SseClient;
import io.pushhub.testsupport.StalledClient;
import io.pushhub.testsupport.WsClient;
import jakarta.websocket.CloseReason;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #8: {@code server stop} with 150 clients that stopped reading, a WebSocket client and an SSE client connected.
 * The stop completes within 5 s; the reading clients are told within 2 s of the stop starting (close 1001, the SSE
 * {@code closed} event), so they reconnect at once, elsewhere. Runs its own Liberty server (the Arquillian one must
 * keep running), on the test HTTP port + 6.
 */
class GracefulShutdownIT {

    @Test
    void serverStopIsQuickAndTellsEveryReadingClient() throws Exception {
        try (LibertyNode node =
                new LibertyNode("hub-it-stop-" + System.getProperty("it.http.port", "19080"), 6, Map.of())) {
            node.start();
            URI base = URI.create(node.http());
            List<StalledClient> stalled = new ArrayList<>();
            try (WsClient ws = WsClient.connect(node.ws());
                    SseClient sse = SseClient.open(node.http())) {
                ws.subscribe("stop-small");
                sse.welcome();
                for (int i = 0; i < 150; i++) {
                    StalledClient s = new StalledClient(base.getHost(), base.getPort());
                    s.sendText("{\"type\":\"subscribe\",\"topic\":\"stop-big\",\"id\":\"s" + i + "\"}");
                    s.readUntil("\"id\":\"s" + i + "\"");
                    stalled.add(s);
                }
                // Fill the stalled clients' socket buffers: sends to them are now in flight and cannot complete.
                String big = "x".repeat(60 * 1024);
                for (int i = 0; i < 5; i++) {
                    assertEquals(
                            200,
                            node.api()
                                    .push("{\"topic\":\"stop-big\",\"data\":{\"pad\":\"" + big + "\"}}")
                                    .status());
                }
                Thread.sleep(300);

                long start = System.nanoTime();
                Thread stopper = new Thread(() -> {
                    try {
                        node.close();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                stopper.start();
                CloseReason reason = ws.awaitClose(Duration.ofSeconds(10));
                long wsMs = (System.nanoTime() - start) / 1_000_000;
                sse.awaitEnd(Duration.ofSeconds(10));
                long sseMs = (System.nanoTime() - start) / 1_000_000;
                stopper.join(30_000);
                long stopMs = (System.nanoTime() - start) / 1_000_000;
                String seen = "WebSocket closed " + reason + " after " + wsMs + " ms; SSE ended after " + sseMs
                        + " ms with events " + sse.events() + "; stop took " + stopMs + " ms";
                System.out.println("GracefulShutdownIT: " + seen);

                assertEquals(1001, reason.getCloseCode().getCode(), seen);
                assertTrue(wsMs <= 2000, seen);
                assertTrue(sseMs <= 2000, seen);
                assertTrue(stopMs <= 5000, seen);
            } finally {
                for (StalledClient s : stalled) {
                    s.close();
                }
            }
        }
    }
}
