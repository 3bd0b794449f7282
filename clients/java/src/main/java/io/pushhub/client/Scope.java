package io.pushhub.client;

import java.util.Locale;

/** Who a push goes to: everyone, topics, users or single connections. */
public enum Scope {
    /** Every connection of the hub. */
    ALL,
    /** The subscribers of one or more topics. */
    TOPIC,
    /** Every connection (tab, device) of one or more users. */
    USER,
    /** One or more connections, by connection id ({@code c-...}). */
    CONNECTION;

    /** The name on the wire: {@code all}, {@code topic}, {@code user}, {@code connection}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Scope fromWire(String name) {
        for (Scope s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scope '" + name + "'");
    }
}
