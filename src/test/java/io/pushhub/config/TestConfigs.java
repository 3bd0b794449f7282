package io.pushhub.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link HubConfig}s for unit tests outside a container, built from the declarations in {@link Keys}: every key has its
 * declared default unless a test overrides it, so no key is ever left unset.
 */
public final class TestConfigs {

    private TestConfigs() {}

    /** Every key at its declared default. */
    public static HubConfig defaults() {
        return with(Map.of());
    }

    /**
     * The defaults with {@code overrides} (key name to configured text, as MicroProfile Config would hand it over; a
     * null value leaves the key unset). A name that is not a declared key fails, so a typo cannot go unnoticed.
     */
    public static HubConfig with(Map<String, String> overrides) {
        for (String name : overrides.keySet()) {
            if (!Keys.BY_NAME.containsKey(name)) {
                throw new IllegalArgumentException("not a declared configuration key: " + name);
            }
        }
        Map<String, String> copy = new HashMap<>(overrides);
        return HubConfig.from(name -> Optional.ofNullable(copy.get(name)));
    }

    /** The defaults with one key set. */
    public static HubConfig with(Key<?> key, String value) {
        Map<String, String> m = new HashMap<>();
        m.put(key.name(), value);
        return with(m);
    }

    public static HubConfig withAnonymous(boolean allowed) {
        return with(Keys.WS_ANONYMOUS, Boolean.toString(allowed));
    }
}
