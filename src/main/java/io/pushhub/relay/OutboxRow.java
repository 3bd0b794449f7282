package io.pushhub.relay;

import io.pushhub.Push;
import io.pushhub.Target;
import io.pushhub.protocol.JsonDepth;
import io.pushhub.protocol.TopicName;
import jakarta.json.Json;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One row of the outbox table as read, before anything is trusted: the backend wrote it, and a row the hub cannot push
 * must be kept with its reason, never block its partition, never be pushed to a wider audience than meant.
 *
 * @param id the row's id (bigserial)
 * @param partition the partition the backend chose
 * @param scope {@code all}, {@code topic}, {@code user} or {@code connection}
 * @param targets topic names, user ids or connection ids (none for {@code all}); null elements possible
 * @param data the JSON text of the data column
 * @param idempotencyKey null, or the backend's key for this push
 * @param expiresAt null, or when the message expires
 */
record OutboxRow(
        long id, int partition, String scope, String[] targets, String data, String idempotencyKey, Instant expiresAt) {

    /** Most names of one row's target, as for {@code POST /api/push}. */
    static final int MAX_TARGETS = 1000;

    /** Why a row cannot be pushed: its reason goes into the row's {@code error} column. */
    static final class Rejected extends Exception {
        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The idempotency key of this row: the backend's, else {@code outbox:<table>:<id>}. */
    String keyIn(String table) {
        return idempotencyKey != null ? idempotencyKey : "outbox:" + table + ":" + id;
    }

    /**
     * The push this row asks for, checked as strictly as {@code POST /api/push} checks a body.
     *
     * @param maxDataBytes largest data (UTF-8 bytes), {@code pushhub.push.max-body-bytes}
     * @throws Rejected naming the first problem found
     */
    Push toPush(String table, int maxDataBytes) throws Rejected {
        Push p = Push.to(target(), data(maxDataBytes)).withExpiresAt(expiresAt);
        String key = keyIn(table);
        String problem = Push.idempotencyKeyProblem(key);
        if (problem != null) {
            throw new Rejected("idempotency_key: " + problem);
        }
        return p.withIdempotencyKey(key);
    }

    private Target target() throws Rejected {
        if (scope == null) {
            throw new Rejected("scope is null; one of all, topic, user, connection");
        }
        List<String> names = targets == null ? List.of() : Arrays.asList(targets);
        if (scope.equals("all")) {
            if (!names.isEmpty()) {
                // Never widen the audience: a backend that wrote targets meant someone in particular.
                throw new Rejected("scope all takes no targets, this row has " + names.size());
            }
            return Target.all();
        }
        if (!Set.of("topic", "user", "connection").contains(scope)) {
            throw new Rejected(
                    "unknown scope '" + TopicName.printable(scope) + "'; one of all, topic, user, connection");
        }
        if (names.isEmpty()) {
            throw new Rejected("scope " + scope + " needs at least one name in targets");
        }
        if (names.size() > MAX_TARGETS) {
            throw new Rejected("targets has " + names.size() + " names; at most " + MAX_TARGETS);
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String n : names) {
            if (n == null || n.isBlank()) {
                throw new Rejected("targets contains a null or blank name");
            }
            if (scope.equals("topic")) {
                String reason = TopicName.problem(n);
                if (reason != null) {
                    throw new Rejected(reason);
                }
            }
            unique.add(n);
        }
        return Target.of(scope, new ArrayList<>(unique));
    }

    private JsonValue data(int maxDataBytes) throws Rejected {
        if (data == null) {
            throw new Rejected("data is null");
        }
        // A character is at most 3 UTF-8 bytes (4 for a surrogate pair, 2 chars): count exactly only near the limit.
        if (data.length() * 3L > maxDataBytes) {
            int bytes = data.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxDataBytes) {
                throw new Rejected(
                        "data is " + bytes + " bytes, more than pushhub.push.max-body-bytes (" + maxDataBytes + ")");
            }
        }
        if (JsonDepth.exceeds(data, JsonDepth.MAX_DEPTH)) {
            throw new Rejected(JsonDepth.message("data"));
        }
        try (JsonReader r = Json.createReader(new StringReader(data))) {
            return r.readValue();
        } catch (RuntimeException e) {
            throw new Rejected("data is not JSON: " + TopicName.printable(String.valueOf(e.getMessage())));
        }
    }
}
