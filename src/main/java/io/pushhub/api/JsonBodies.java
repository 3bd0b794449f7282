package io.pushhub.api;

import io.pushhub.problem.ApiProblem;
import io.pushhub.protocol.JsonDepth;
import io.pushhub.protocol.TopicName;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a REST request body that must be one JSON object with known fields, the same way for every resource: each
 * problem is a 400 naming it ({@code bad_json} for what is not JSON or nested too deep, {@code bad_request} for the
 * rest), checked in the order a user fixes them.
 */
final class JsonBodies {

    private JsonBodies() {}

    /**
     * @param body the raw body (the container's body limit already applied)
     * @param required what the object must hold, for the message of a missing body (e.g. "with at least 'data'")
     * @param fields the fields allowed; any other is refused, naming it and the allowed ones
     */
    static JsonObject object(String body, String required, Set<String> fields) {
        if (body == null || body.isBlank()) {
            throw ApiProblem.badRequest("request body required: a JSON object " + required);
        }
        if (JsonDepth.exceeds(body, JsonDepth.MAX_DEPTH)) {
            throw ApiProblem.of(400, "bad_json", JsonDepth.message("request body"));
        }
        JsonValue value;
        try (JsonReader r = Json.createReader(new StringReader(body))) {
            value = r.readValue();
        } catch (JsonParsingException e) {
            throw ApiProblem.of(400, "bad_json", "request body is not valid JSON: " + e.getMessage());
        } catch (RuntimeException e) {
            throw ApiProblem.of(400, "bad_json", "request body is not valid JSON");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw ApiProblem.badRequest("request body must be a JSON object");
        }
        JsonObject obj = value.asJsonObject();
        for (String key : obj.keySet()) {
            if (!fields.contains(key)) {
                throw ApiProblem.badRequest("unknown field '" + TopicName.printable(key) + "'; allowed: "
                        + String.join(", ", new TreeSet<>(fields)));
            }
        }
        return obj;
    }
}
