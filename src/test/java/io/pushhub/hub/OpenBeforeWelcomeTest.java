package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.delivery.Frame;
import io.pushhub.security.Identity;
import io.pushhub.testsupport.Json;
import jakarta.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A transport that finds connections by id (SSE commands) must know a connection before its client can learn the id:
 * the welcome may be written by a delivery worker before {@code Hub.open} returns. Before this, an SSE page that sent a
 * command right after its welcome could get 404 unknown_connection (seen in CrossOriginBrowserIT and BrowserIT).
 */
class OpenBeforeWelcomeTest {

    @Test
    void theConnectionIsIndexedBeforeItsWelcomeIsWritten() throws Exception {
        try (HubHarness h = new HubHarness(Map.of())) {
            Map<String, Connection> index = new ConcurrentHashMap<>();
            java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
            java.util.List<String> early = new java.util.concurrent.CopyOnWriteArrayList<>();
            LinkedBlockingQueue<String> known = new LinkedBlockingQueue<>();
            ClientChannel channel = new ClientChannel() {
                @Override
                public void send(Frame frame, Consumer<Throwable> done) {
                    // What the client learns from this frame, checked the moment it is written (the earliest a
                    // client could post a command with the id).
                    written.incrementAndGet();
                    JsonObject o = Json.parse(frame.text());
                    if ("welcome".equals(o.getString("type", ""))) {
                        known.add(index.containsKey(o.getString("connectionId")) ? "indexed" : "unknown");
                    }
                    done.accept(null);
                }

                @Override
                public void close(int code, String reason) {}
            };
            for (int i = 0; i < 200; i++) {
                int before = written.get();
                h.hub.open(new Identity("u" + i, false, Set.of()), channel, c -> {
                    // Deterministic part: nothing of this connection is queued or written yet when the transport
                    // indexes it (a hand-over after the welcome was queued would show here every time).
                    if (c.outbox().queuedMessages() != 0 || written.get() != before) {
                        early.add(c.id());
                    }
                    index.put(c.id(), c);
                });
                // One at a time, so 'written' counts only this connection's frames.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (written.get() == before && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
            for (int i = 0; i < 200; i++) {
                String seen = known.poll(10, TimeUnit.SECONDS);
                assertEquals("indexed", seen, "welcome " + i + " was written before its connection was indexed");
            }
            assertTrue(known.isEmpty());
            assertEquals(java.util.List.of(), early, "connections handed over after their welcome was queued");
        }
    }
}
