package io.pushhub.testsupport;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;

/** Small JSON helpers for tests. */
public final class Json {

    private Json() {}

    public static JsonObject parse(String text) {
        try (JsonReader r = jakarta.json.Json.createReader(new StringReader(text))) {
            return r.readObject();
        }
    }
}
