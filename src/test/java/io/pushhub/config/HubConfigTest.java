package io.pushhub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What an operator sees when a configured value cannot be used as it is: the value in use and one warning. */
class HubConfigTest {

    private final Logger log = Logger.getLogger(HubConfig.class.getName());
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (records) {
                records.add(r);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        log.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(capture);
    }

    private List<String> warnings() {
        synchronized (records) {
            return records.stream()
                    .filter(r -> r.getLevel() == Level.WARNING)
                    .map(LogRecord::getMessage)
                    .toList();
        }
    }

    private static HubConfig config(String... nameValue) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put(nameValue[i], nameValue[i + 1]);
        }
        return TestConfigs.with(m);
    }

    @Test
    void theDefaultsNeedNoWarning() {
        HubConfig c = TestConfigs.defaults();
        assertEquals(List.of(), warnings());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void valuesInRangeAreUsedAsGiven() {
        HubConfig c = config(
                "pushhub.ws.max-subscriptions",
                " 250 ",
                "pushhub.delivery.write-timeout",
                "PT0.1S",
                "pushhub.outbox.policy",
                "DROP_OLDEST",
                "pushhub.ws.anonymous",
                "off",
                "pushhub.broker",
                "Redis");
        assertEquals(250, c.maxSubscriptions());
        assertEquals(Duration.ofMillis(100), c.deliveryWriteTimeout());
        assertEquals(DeliveryPolicy.DROP_OLDEST, c.outboxPolicy());
        assertEquals(false, c.anonymousAllowed());
        assertEquals("redis", c.broker());
        assertEquals(List.of(), warnings());
    }

    @Test
    void aNumberOutOfRangeIsClampedAndTheWarningSaysSo() {
        HubConfig c = config("pushhub.ws.max-subscriptions", "20000", "pushhub.delivery.threads", "-3");
        assertEquals(10_000, c.maxSubscriptions());
        assertEquals(
                Math.min(256, Runtime.getRuntime().availableProcessors()),
                c.deliveryThreads(),
                "clamped to 0, which means one per processor");
        List<String> w = warnings();
        assertEquals(2, w.size(), "one warning per key: " + w);
        String subs = w.stream()
                .filter(m -> m.contains("pushhub.ws.max-subscriptions"))
                .findFirst()
                .orElseThrow();
        assertTrue(subs.contains("20000"), "names the value given: " + subs);
        assertTrue(subs.contains("1 – 10000"), "names the allowed range: " + subs);
        assertTrue(subs.contains("using 10000"), "names the value used: " + subs);
        assertTrue(
                w.stream().anyMatch(m -> m.contains("pushhub.delivery.threads=-3") && m.contains("using 0")), "" + w);
    }

    @Test
    void aDurationOrSizeOutOfRangeIsClampedToTheNearestBound() {
        HubConfig c = config(
                "pushhub.delivery.write-timeout",
                "PT1H",
                "pushhub.sse.heartbeat",
                "PT0.5S",
                "pushhub.ws.max-frame-bytes",
                "100",
                "pushhub.outbox.max-bytes",
                "99999999999999999999999");
        assertEquals(Duration.ofMinutes(10), c.deliveryWriteTimeout());
        assertEquals(Duration.ofSeconds(1), c.sseHeartbeat());
        assertEquals(256, c.maxFrameBytes());
        assertEquals(Long.MAX_VALUE, c.outboxMaxBytes(), "a number too large for its type is as large as it can be");
        List<String> w = warnings();
        assertTrue(
                w.stream()
                        .anyMatch(m -> m.contains("pushhub.delivery.write-timeout=PT1H")
                                && m.contains("100 ms – 10 min")
                                && m.contains("using 10 min")),
                "" + w);
        assertTrue(
                w.stream().anyMatch(m -> m.contains("pushhub.sse.heartbeat=PT0.5S") && m.contains("using 1 s")),
                "" + w);
        assertTrue(
                w.stream()
                        .anyMatch(m -> m.contains("pushhub.ws.max-frame-bytes=100")
                                && m.contains("256 B – 16 MiB")
                                && m.contains("using 256 B")),
                "" + w);
        assertEquals(3, w.size(), "within the range of a long it is no out-of-range value: " + w);
    }

    @Test
    void anUnreadableDurationOrNumberFallsBackToTheDefaultWithAWarning() {
        HubConfig c = config(
                "pushhub.delivery.write-timeout",
                "5s",
                "pushhub.demo.steps",
                "twenty",
                "pushhub.history.max-bytes",
                "64MB");
        assertEquals(Duration.ofSeconds(5), c.deliveryWriteTimeout());
        assertEquals(20, c.demoSteps());
        assertEquals(67108864L, c.historyMaxBytes());
        List<String> w = warnings();
        assertEquals(3, w.size(), "" + w);
        String timeout = w.stream()
                .filter(m -> m.contains("pushhub.delivery.write-timeout"))
                .findFirst()
                .orElseThrow();
        assertTrue(timeout.contains("'5s'"), timeout);
        assertTrue(timeout.contains("ISO-8601"), "says what was expected: " + timeout);
        assertTrue(timeout.contains("using the default PT5S"), timeout);
        assertTrue(timeout.contains("100 ms – 10 min"), timeout);
        assertTrue(
                w.stream()
                        .anyMatch(m -> m.contains("pushhub.demo.steps='twenty'")
                                && m.contains("using the default 20")
                                && m.contains("1 – 1000")),
                "" + w);
    }

    @Test
    void anUnknownChoiceFallsBackToTheDefaultButAnUnknownBrokerStopsTheStart() {
        HubConfig c = config("pushhub.outbox.policy", "drop-newest");
        assertEquals(DeliveryPolicy.DISCONNECT, c.outboxPolicy());
        assertTrue(
                warnings().stream()
                        .anyMatch(m -> m.contains("pushhub.outbox.policy='drop-newest'")
                                && m.contains("disconnect, drop-oldest")
                                && m.contains("using the default disconnect")),
                "" + warnings());

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> config("pushhub.broker", "redsi"));
        assertTrue(
                e.getMessage().contains("pushhub.broker='redsi'")
                        && e.getMessage().contains("memory, redis"),
                e.getMessage());
    }

    @Test
    void aSwitchThatIsNeitherTrueNorFalseIsFalse() {
        HubConfig c = config("pushhub.ws.anonymous", "disabled", "pushhub.demo.enabled", "YES");
        assertEquals(false, c.anonymousAllowed(), "the safe side, as MicroProfile Config reads it");
        assertEquals(true, c.demoEnabled());
        List<String> w = warnings();
        assertEquals(1, w.size(), "" + w);
        assertTrue(
                w.get(0).contains("pushhub.ws.anonymous='disabled'") && w.get(0).contains("using false"), w.get(0));
    }

    @Test
    void theJwksFetchGapIsAtMostTheRefreshPeriod() {
        HubConfig c = config("pushhub.jwt.jwks-refresh", "PT1M", "pushhub.jwt.jwks-min-refresh-gap", "PT5M");
        assertEquals(Duration.ofMinutes(1), c.jwksMinRefreshGap());
        assertTrue(
                warnings().stream()
                        .anyMatch(m -> m.contains("pushhub.jwt.jwks-min-refresh-gap")
                                && m.contains("pushhub.jwt.jwks-refresh")
                                && m.contains("using PT1M")),
                "" + warnings());
    }

    @Test
    void warningsComeOnceWhenTheConfigurationIsReadNotOnEveryUse() {
        HubConfig c = config("pushhub.ws.max-subscriptions", "0");
        for (int i = 0; i < 5; i++) {
            assertEquals(1, c.maxSubscriptions());
        }
        assertEquals(1, warnings().size(), "" + warnings());
        assertEquals(1, c.warnings().size(), "" + c.warnings());
        assertTrue(warnings().get(0).endsWith(c.warnings().get(0)), warnings() + " vs " + c.warnings());
    }

    @Test
    void keysWithoutADefaultStayUnset() {
        HubConfig c = TestConfigs.defaults();
        assertEquals(List.of(), c.apiKeys());
        assertEquals(List.of(), c.allowedOrigins());
        assertEquals(Optional.empty(), c.jwtPublicKey());
        assertEquals(Optional.empty(), c.jwtIssuer());
        assertEquals(List.of(), c.jwtAudiences());
        HubConfig set = config(
                "pushhub.api-keys",
                " k1, ,k2 ",
                "mp.jwt.verify.publickey.location",
                "  keys.pem ",
                "pushhub.history.topics",
                "none");
        assertEquals(List.of("k1", "k2"), set.apiKeys());
        assertEquals(Optional.of("keys.pem"), set.jwtPublicKeyLocation());
        assertEquals(List.of(), set.historyTopics(), "none: no topic keeps history");
    }
}
