package io.pushhub.hub;

import static org.junit.jupiter.api.Assertions.fail;

import io.pushhub.config.DeliveryPolicy;
import io.pushhub.config.HubConfig;
import io.pushhub.config.TestConfigs;
import io.pushhub.delivery.DeliveryEngine;
import io.pushhub.delivery.Frame;
import io.pushhub.protocol.ClientFrameDecoder;
import io.pushhub.security.Identity;
import io.pushhub.testsupport.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A whole hub without a server: the memory broker, a started delivery engine and in-memory client channels. The
 * parts under test (client commands, fan-out, relay, presence notices, events) are the ones the container runs.
 */
final class HubHarness implements AutoCloseable {

    final HubConfig config;
    final DeliveryEngine engine;
    final Hub hub;
    /** Completes sends on another thread, as a container's write callback does. */
    private final ExecutorService network = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-network");
        t.setDaemon(true);
        return t;
    });

    HubHarness(Map<String, String> config) {
        this(config, ConnectionEvents.none());
    }

    HubHarness(Map<String, String> config, io.pushhub.authorization.AuthorizationHook hook) {
        this.config = TestConfigs.with(config);
        this.engine = DeliveryEngine.standalone(DeliveryEngine.Settings.defaults(DeliveryPolicy.DISCONNECT)
                .withQueue(this.config.outboxMaxMessages(), this.config.outboxMaxBytes())
                .withWriteTimeout(this.config.deliveryWriteTimeout()));
        this.hub = Hub.standalone(this.config, engine, ConnectionEvents.none(), hook);
    }

    HubHarness(Map<String, String> config, ConnectionEvents events) {
        this.config = TestConfigs.with(config);
        this.engine = DeliveryEngine.standalone(DeliveryEngine.Settings.defaults(DeliveryPolicy.DISCONNECT)
                .withQueue(this.config.outboxMaxMessages(), this.config.outboxMaxBytes())
                .withWriteTimeout(this.config.deliveryWriteTimeout()));
        this.hub = Hub.standalone(this.config, engine, events);
    }

    Client open(String user) {
        return open(new Identity(user, false, Set.of()));
    }

    Client open(Identity identity) {
        Client c = new Client();
        c.connection = hub.open(identity, c);
        return c;
    }

    @Override
    public void close() {
        hub.stop();
        engine.stop();
        network.shutdownNow();
    }

    /** One client in memory: every frame it is sent (batches unwrapped), and how it was closed. */
    final class Client implements ClientChannel {
        Connection connection;
        final LinkedBlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
        final List<JsonObject> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger closedWith = new AtomicInteger(-1);
        /** When true the client has stopped reading: sends never complete. */
        volatile boolean stalled;

        private int nextId;

        @Override
        public void send(Frame frame, Consumer<Throwable> done) {
            if (stalled) {
                return;
            }
            network.execute(() -> {
                JsonObject o = Json.parse(frame.text());
                if ("batch".equals(o.getString("type"))) {
                    o.getJsonArray("messages").getValuesAs(JsonObject.class).forEach(this::record);
                } else {
                    record(o);
                }
                done.accept(null);
            });
        }

        private void record(JsonObject o) {
            seen.add(o);
            inbox.add(o);
        }

        @Override
        public void close(int code, String reason) {
            closedWith.compareAndSet(-1, code);
        }

        /** Sends a client frame (JSON text) to the hub, as the transport would after decoding it. */
        void send(String json) {
            hub.handle(connection, ClientFrameDecoder.parse(json));
        }

        /** Sends a command with a fresh id and waits for the ack or error that answers it. */
        JsonObject request(String type, String fields) throws InterruptedException {
            String id = "r" + (++nextId);
            send("{\"type\":\"" + type + "\",\"id\":\"" + id + "\"" + (fields.isEmpty() ? "" : "," + fields) + "}");
            return await("reply to " + id, f -> id.equals(f.getString("id", null)));
        }

        JsonObject subscribe(String topic) throws InterruptedException {
            return request("subscribe", "\"topic\":\"" + topic + "\"");
        }

        JsonObject await(String what, Predicate<JsonObject> match) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (true) {
                JsonObject f = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (f == null) {
                    fail("timed out waiting for " + what + "; seen " + seen);
                }
                if (match.test(f)) {
                    return f;
                }
            }
        }

        JsonObject awaitMessage() throws InterruptedException {
            return await("a message", f -> "message".equals(f.getString("type")));
        }

        /** Every message frame received so far (waits for what is in flight with a ping round trip first). */
        List<JsonObject> messages() throws InterruptedException {
            request("ping", "");
            List<JsonObject> out = new ArrayList<>();
            for (JsonObject f : seen) {
                if ("message".equals(f.getString("type"))) {
                    out.add(f);
                }
            }
            return out;
        }

        String id() {
            return connection.id();
        }
    }
}
