package io.pushhub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.config.HubConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Webhook settings that cannot work stop the start with a message naming the key; no URL and no observer: off. */
class HubEventsConfigTest {

    private static HubConfig config(Map<String, String> values) {
        return HubConfig.from(name -> Optional.ofNullable(values.get(name)));
    }

    private static HubEvents create(Map<String, String> values, boolean observed) {
        return HubEvents.create(
                config(values), "n1", null, new RedisEventLedgerContractIT.NoLocal(), t -> false, e -> {}, observed);
    }

    private static String refused(Map<String, String> values) {
        return assertThrows(IllegalArgumentException.class, () -> create(values, false))
                .getMessage();
    }

    @Test
    void withoutUrlsAndObserversNothingIsRecorded() {
        HubEvents off = create(Map.of(), false);
        assertSame(HubEvents.OFF, off.ledger());
        assertEquals(0, off.queued());
        off.stop();
    }

    @Test
    void anObserverAloneTurnsTheLedgerOnWithoutWebhooks() {
        HubEvents on = create(Map.of(), true);
        try {
            assertNotSame(HubEvents.OFF, on.ledger());
            on.ledger().connected("c1", "ann");
            assertTrue(on.ledger().userSeq("ann").isPresent());
        } finally {
            on.stop();
        }
    }

    @Test
    void badSettingsNameTheirKey() {
        Map<String, String> ok = new HashMap<>(Map.of(
                "pushhub.webhook.urls", "https://backend.example/hooks",
                "pushhub.webhook.secret", "sixteen-chars-ok"));
        create(ok, false).stop();

        Map<String, String> noSecret = new HashMap<>(ok);
        noSecret.remove("pushhub.webhook.secret");
        assertTrue(refused(noSecret).contains("pushhub.webhook.secret is required"), refused(noSecret));

        Map<String, String> shortSecret = new HashMap<>(ok);
        shortSecret.put("pushhub.webhook.secret", "short");
        assertTrue(refused(shortSecret).contains("at least 16 characters"), refused(shortSecret));

        for (String bad : List.of("ftp://x/hooks", "/relative", "http://")) {
            Map<String, String> badUrl = new HashMap<>(ok);
            badUrl.put("pushhub.webhook.urls", bad);
            assertTrue(refused(badUrl).startsWith("pushhub.webhook.urls"), refused(badUrl));
        }

        Map<String, String> badType = new HashMap<>(ok);
        badType.put("pushhub.webhook.events", "topic.vacated, user.gone");
        assertTrue(refused(badType).contains("unknown event type 'user.gone'"), refused(badType));
    }
}
