package io.pushhub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unit tests get every key at its declared default, and only what they override differs. */
class TestConfigsTest {

    @Test
    void everyKeyHasItsDeclaredDefault() {
        HubConfig c = TestConfigs.defaults();
        for (Key<?> key : Keys.ALL) {
            assertEquals(key.defaultValue(), c.get(key), key.name());
        }
    }

    @Test
    void overridesChangeOnlyTheirKeys() {
        HubConfig c = TestConfigs.with(Map.of("pushhub.ws.max-subscriptions", "7"));
        assertEquals(7, c.maxSubscriptions());
        for (Key<?> key : Keys.ALL) {
            if (key != Keys.WS_MAX_SUBSCRIPTIONS) {
                assertEquals(key.defaultValue(), c.get(key), key.name());
            }
        }
        assertEquals(false, TestConfigs.withAnonymous(false).anonymousAllowed());
    }

    @Test
    void anUndeclaredKeyIsATypo() {
        assertThrows(
                IllegalArgumentException.class, () -> TestConfigs.with(Map.of("pushhub.ws.max-subscription", "7")));
    }
}
