package io.pushhub.client;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import java.io.StringReader;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/** Payloads to and from JSON: JSON-P for plain values, JSON-B (loaded on first use) for everything else. */
final class JsonData {

    /** Deeper values are refused, like the hub refuses JSON nested deeper than 64 levels. */
    private static final int MAX_DEPTH = 64;

    private JsonData() {}

    /** {@code data} as a JSON value; see {@link Push} for the rules. */
    static JsonValue toJson(Object data) {
        return toJson(data, 0, new IdentityHashMap<>());
    }

    private static JsonValue toJson(Object v, int depth, IdentityHashMap<Object, Boolean> path) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("data is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (v == null) {
            return JsonValue.NULL;
        }
        if (v instanceof JsonValue j) {
            return j;
        }
        if (v instanceof String s) {
            return Json.createValue(s);
        }
        if (v instanceof Boolean b) {
            return b ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return Json.createValue(((Number) v).longValue());
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("data contains " + d + ", which JSON cannot represent");
            }
            return Json.createValue(d);
        }
        if (v instanceof BigDecimal d) {
            return Json.createValue(d);
        }
        if (v instanceof BigInteger i) {
            return Json.createValue(i);
        }
        if (v instanceof Map<?, ?> || v instanceof Collection<?> || v.getClass().isArray()) {
            if (path.put(v, Boolean.TRUE) != null) {
                throw new IllegalArgumentException("data contains itself");
            }
            try {
                return container(v, depth, path);
            } finally {
                path.remove(v);
            }
        }
        String json;
        try {
            json = jsonb().toJson(v);
        } catch (JsonbException e) {
            throw new IllegalArgumentException(
                    "data of " + v.getClass()
                            + " cannot be written as JSON by JSON-B (is it a public record or bean?): "
                            + e.getMessage(),
                    e);
        }
        return parse(json);
    }

    private static JsonValue container(Object v, int depth, IdentityHashMap<Object, Boolean> path) {
        if (v instanceof Map<?, ?> map) {
            JsonObjectBuilder o = Json.createObjectBuilder();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("map keys in data must be strings, got " + e.getKey());
                }
                o.add(key, toJson(e.getValue(), depth + 1, path));
            }
            return o.build();
        }
        JsonArrayBuilder a = Json.createArrayBuilder();
        if (v instanceof Collection<?> c) {
            for (Object e : c) {
                a.add(toJson(e, depth + 1, path));
            }
        } else {
            for (int i = 0, n = Array.getLength(v); i < n; i++) {
                a.add(toJson(Array.get(v, i), depth + 1, path));
            }
        }
        return a.build();
    }

    static JsonValue parse(String json) {
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            return r.readValue();
        }
    }

    static <T> T fromJson(JsonValue data, Class<T> type) {
        return jsonb().fromJson(data.toString(), type);
    }

    private static volatile Jsonb jsonb;

    /** One Jsonb for the whole client, created on first use (a plain-JSON user never needs a JSON-B provider). */
    private static Jsonb jsonb() {
        Jsonb j = jsonb;
        if (j == null) {
            synchronized (JsonData.class) {
                j = jsonb;
                if (j == null) {
                    try {
                        j = JsonbBuilder.create();
                    } catch (RuntimeException e) {
                        throw new IllegalStateException(
                                "no JSON-B implementation found: records and beans in data need one (add "
                                        + "org.eclipse:yasson, or run in a Jakarta EE server); maps, lists, strings, "
                                        + "numbers, booleans and JsonValue need only JSON-P",
                                e);
                    }
                    jsonb = j;
                }
            }
        }
        return j;
    }
}
