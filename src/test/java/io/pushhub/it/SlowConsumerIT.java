package io.pushhub.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.HubIT;
import io.pushhub.testsupport.StalledClient;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The delivery engine on a real server: a client that stops reading neither delays nor loses anything for the others
 * and is disconnected by the default policy once its queue is full; concurrent pushes from many threads keep per-
 * connection order and never fail.
 */
class SlowConsumerIT extends HubIT {

    @Test
    void aClientThatStopsReadingDoesNotHoldUpOthersAndIsDisconnected() throws Exception {
        URI base = URI.create(HTTP);
        try (WsClient healthy = WsClient.connect(WS);
                StalledClient stalled = new StalledClient(base.getHost(), base.getPort())) {
            healthy.subscribe("firehose");
            stalled.sendText("{\"type\":\"subscribe\",\"topic\":\"firehose\",\"id\":\"s1\"}");
            stalled.readUntil("\"id\":\"s1\""); // its ack; from here on it never reads again
            double slowBefore = api.metric("pushhub_slow_consumer_disconnects_total");

            String big = "x".repeat(32 * 1024);
            int pushes = 300;
            for (int i = 0; i < pushes; i++) {
                Api.Reply r = api.push("{\"topic\":\"firehose\",\"data\":{\"seq\":" + i + ",\"pad\":\"" + big + "\"}}");
                assertEquals(200, r.status(), "push " + i + ": " + r.status());
            }
            for (int i = 0; i < pushes; i++) {
                JsonObject m = healthy.await(
                        "message " + i, f -> "message".equals(f.getString("type")), Duration.ofSeconds(20));
                assertEquals(i, m.getJsonObject("data").getInt("seq"), "healthy client order");
            }

            // On Payara too: its WebSocket completes sends before the client reads, and the hub's read confirmations
            // (pings, docs/payara.md) hold the sends to a client that answers none, so its queue fills the same way.
            // The stalled connection's queue filled up; policy "disconnect" removed it from the hub.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int subscribers = -1;
            while (System.nanoTime() < deadline) {
                subscribers = subscribersOf("firehose");
                if (subscribers == 1) {
                    break;
                }
                healthy.barrier(); // a round trip instead of a sleep
            }
            assertEquals(1, subscribers, "the stalled client should have been disconnected");
            assertTrue(api.metric("pushhub_slow_consumer_disconnects_total") >= slowBefore + 1, "counted in /metrics");
            healthy.barrier();
            assertTrue(healthy.isOpen(), "the healthy client is untouched");
        }
    }

    @Test
    void concurrentPushesKeepOrderPerConnectionAndLoseNothing() throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsClient c = WsClient.connect(WS);
                c.subscribe("concurrent");
                clients.add(c);
            }
            int threads = 8;
            int each = 40;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        Api.Reply r =
                                api.push("{\"topic\":\"concurrent\",\"data\":{\"t\":" + thread + ",\"i\":" + i + "}}");
                        assertEquals(200, r.status(), "push: " + r);
                        assertEquals(3, r.json().getInt("reached"), "push: " + r);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            for (WsClient c : clients) {
                int[] next = new int[threads];
                for (int n = 0; n < threads * each; n++) {
                    JsonObject d = c.awaitMessage("message " + n).getJsonObject("data");
                    int t = d.getInt("t");
                    assertEquals(next[t]++, d.getInt("i"), "order of thread " + t + " at " + c.connectionId());
                }
                c.barrier();
                assertEquals(threads * each, c.messages().size(), "exactly once: " + c.connectionId());
                assertTrue(
                        c.seen().stream().noneMatch(f -> "error".equals(f.getString("type"))), "errors: " + c.seen());
            }
        } finally {
            for (WsClient c : clients) {
                c.close();
            }
        }
    }
}
