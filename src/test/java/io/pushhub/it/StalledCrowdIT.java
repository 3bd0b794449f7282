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
import org.junit.jupiter.api.Test;

/**
 * Issue #8 on a real server: a crowd of clients that complete the handshake, subscribe and stop reading (a laptop
 * lid, a phone out of coverage) costs no thread, delays and loses nothing for a client that reads, and every one of
 * them is disconnected and its TCP connection really closed soon after the write time-out (PT5S). Two waves, so what
 * the first leaves behind would show in the second.
 */
class StalledCrowdIT extends HubIT {

    private static final int PER_WAVE = 60;

    @Test
    void aCrowdThatStopsReadingCostsNoThreadAndNeverHurtsAReader() throws Exception {
        URI base = URI.create(HTTP);
        try (WsClient reader = WsClient.connect(WS)) {
            reader.subscribe("crowd-small");
            double threadsBefore = api.metric("thread_count");
            // A thread per stalled client would add PER_WAVE threads in each wave. The first wave may also grow the
            // container's own pools (Payara's Grizzly workers grow under the crowd's load and stay), so it is allowed
            // half a wave; the second wave, measured from where the first left off, 10.
            double allowance = PER_WAVE / 2.0;
            int seq = 0;
            int waves = 2;
            int pushes = 150;
            for (int wave = 1; wave <= waves; wave++) {
                List<StalledClient> stalled = new ArrayList<>();
                try {
                    for (int i = 0; i < PER_WAVE; i++) {
                        StalledClient s = new StalledClient(base.getHost(), base.getPort());
                        s.sendText("{\"type\":\"subscribe\",\"topic\":\"crowd-big\",\"id\":\"s" + i + "\"}");
                        s.readUntil("\"id\":\"s" + i + "\"");
                        stalled.add(s); // from here on it never reads
                    }
                    String big = "x".repeat(60 * 1024);
                    // Until the hub has given up on every stalled client (the kernel's socket buffers on loopback take
                    // a few
                    // MB before a client that stopped reading shows), at most 150 pushes of 60 KB.
                    for (int i = 0; i < pushes && (i % 10 != 0 || subscribersOf("crowd-big") > 0); i++) {
                        Api.Reply r = api.push("{\"topic\":\"crowd-big\",\"data\":{\"pad\":\"" + big + "\"}}");
                        assertEquals(200, r.status(), "big push " + i + ": " + r);
                        long sent = System.nanoTime();
                        assertEquals(
                                200,
                                api.push("{\"topic\":\"crowd-small\",\"data\":{\"seq\":" + seq + "}}")
                                        .status());
                        JsonObject m = reader.await(
                                "small " + seq, f -> "message".equals(f.getString("type")), Duration.ofSeconds(10));
                        assertEquals(
                                seq, m.getJsonObject("data").getInt("seq"), "the reader gets every message, in order");
                        long ms = (System.nanoTime() - sent) / 1_000_000;
                        assertTrue(ms < 2000, "wave " + wave + ": message " + seq + " took " + ms + " ms");
                        seq++;
                        Thread.sleep(50); // 20 big pushes a second
                    }
                    // Every stalled client is disconnected and its socket really closed: the send in flight ends at the
                    // write time-out, then the connection is dropped without waiting for a client that reads nothing.
                    int open = 0;
                    for (StalledClient s : stalled) {
                        if (!s.closedByServerWithin(Duration.ofSeconds(open == 0 ? 15 : 2))) {
                            open++;
                        }
                    }
                    assertEquals(0, open, "wave " + wave + ": stalled clients still connected; " + deliveryMetrics());
                } finally {
                    for (StalledClient s : stalled) {
                        s.close();
                    }
                }
                assertTrue(reader.isOpen(), "the reader was never disconnected");
                assertEquals(1, subscribersOf("crowd-small"));
                assertEquals(0, subscribersOf("crowd-big"), "every stalled client left the hub");
                // No thread per stalled client: after the closers' idle time the count is back near the start.
                double threads = api.metric("thread_count");
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (threads > threadsBefore + allowance && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                    threads = api.metric("thread_count");
                }
                assertTrue(
                        threads <= threadsBefore + allowance,
                        "wave " + wave + ": threads " + threadsBefore + " -> " + threads + " (allowed +" + allowance
                                + ")");
                System.out.println(
                        "[pushhub] StalledCrowdIT wave " + wave + ": threads " + threadsBefore + " -> " + threads);
                threadsBefore = threads;
                allowance = 10;
                assertEquals(0, api.metric("pushhub_delivery_sends_in_flight"), "no send left in flight");
            }
            assertTrue(
                    api.metric("pushhub_slow_consumer_disconnects_total") + api.metric("pushhub_send_failures_total")
                            >= 2 * PER_WAVE,
                    "each stalled client was counted as slow or failed");
        }
    }

    private String deliveryMetrics() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String m : List.of(
                "pushhub_slow_consumer_disconnects_total",
                "pushhub_send_failures_total",
                "pushhub_delivery_write_timeouts_total",
                "pushhub_delivery_sends_in_flight",
                "pushhub_delivery_closes_in_progress",
                "pushhub_connections",
                "thread_count")) {
            sb.append(m).append('=').append(api.metric(m)).append(' ');
        }
        return sb.toString();
    }
}
