package io.pushhub.client;

import jakarta.json.JsonValue;
import java.time.Instant;

/**
 * One kept message of a topic's history.
 *
 * @param offset its position in the topic (of the page's epoch)
 * @param messageId the id its recipients saw
 * @param time when it was pushed
 * @param from null, or the publishing user for messages that clients published
 * @param data the payload as JSON
 */
public record HistoryMessage(long offset, String messageId, Instant time, String from, JsonValue data) {

    /** The payload bound to {@code type} with JSON-B (a record, a bean, {@code Map.class}, {@code String.class}...). */
    public <T> T dataAs(Class<T> type) {
        return JsonData.fromJson(data, type);
    }
}
