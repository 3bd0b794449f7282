package io.pushhub.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.config.DeliveryPolicy;
import io.pushhub.delivery.DeliveryEngine;
import io.pushhub.delivery.Frame;
import io.pushhub.delivery.Outbox;
import io.pushhub.delivery.Transport;
import java.time.Duration;
import java.util.function.Consumer;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.junit.jupiter.api.Test;

/** {@code /health/live}'s delivery check: UP while deliveries progress, DOWN with the reason when they stop. */
class DeliveryLivenessTest {

    private static final Transport NOWHERE = new Transport() {
        @Override
        public void send(Frame frame, Consumer<Throwable> done) {
            done.accept(null);
        }

        @Override
        public void close(int code, String reason) {}
    };

    static {
        // No MicroProfile Health implementation outside the server: a plain builder stands in for it.
        HealthCheckResponse.setResponseProvider(() -> new HealthCheckResponseBuilder() {
            private String name;
            private HealthCheckResponse.Status status = HealthCheckResponse.Status.UP;
            private final java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();

            @Override
            public HealthCheckResponseBuilder name(String n) {
                name = n;
                return this;
            }

            @Override
            public HealthCheckResponseBuilder withData(String key, String value) {
                data.put(key, value);
                return this;
            }

            @Override
            public HealthCheckResponseBuilder withData(String key, long value) {
                data.put(key, value);
                return this;
            }

            @Override
            public HealthCheckResponseBuilder withData(String key, boolean value) {
                data.put(key, value);
                return this;
            }

            @Override
            public HealthCheckResponseBuilder up() {
                return status(true);
            }

            @Override
            public HealthCheckResponseBuilder down() {
                return status(false);
            }

            @Override
            public HealthCheckResponseBuilder status(boolean up) {
                status = up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN;
                return this;
            }

            @Override
            public HealthCheckResponse build() {
                return new HealthCheckResponse(name, status, java.util.Optional.of(data));
            }
        });
    }

    @Test
    void upWhileDeliveriesProgress() throws Exception {
        DeliveryEngine engine = DeliveryEngine.standalone(DeliveryEngine.Settings.defaults(DeliveryPolicy.DISCONNECT));
        try {
            Outbox box = engine.newOutbox(NOWHERE, c -> {});
            for (int i = 0; i < 100; i++) {
                box.offer("{\"type\":\"message\",\"i\":" + i + "}");
            }
            Thread.sleep(200);
            HealthCheckResponse r = HubHealth.deliveryCheck(engine, Duration.ofMillis(100));
            assertEquals(HealthCheckResponse.Status.UP, r.getStatus(), String.valueOf(r.getData()));
        } finally {
            engine.stop();
        }
    }

    @Test
    void downWithTheReasonWhenQueuedWorkMakesNoProgress() throws Exception {
        // An engine whose workers are gone: connections wait and nobody serves them.
        DeliveryEngine engine = DeliveryEngine.standalone(DeliveryEngine.Settings.defaults(DeliveryPolicy.DISCONNECT));
        engine.stop();
        Thread.sleep(100);
        Outbox box = engine.newOutbox(NOWHERE, c -> {});
        box.offer("{\"type\":\"message\"}");
        Thread.sleep(300);
        HealthCheckResponse r = HubHealth.deliveryCheck(engine, Duration.ofMillis(200));
        assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
        String reason = String.valueOf(r.getData().orElseThrow().get("reason"));
        assertTrue(reason.contains("delivery workers died") || reason.contains("no delivery progress"), reason);
    }
}
