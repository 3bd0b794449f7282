package io.pushhub.events;

import io.pushhub.HubEvent;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The wire form of a {@link HubEvent} in a webhook body, and the fields a Redis stream entry keeps of it. A body is
 * always a JSON array (a batch of one or more), each event an object: {@code id}, {@code type}, {@code seq}, {@code
 * time} (ISO-8601 UTC), {@code node}, and as the type has them {@code topic}, {@code userId}, {@code connectionId},
 * {@code code}.
 */
public final class EventJson {

    /** Every event type, in the order the docs list them. */
    public static final List<String> TYPES = List.of(
            "topic.occupied",
            "topic.vacated",
            "member.joined",
            "member.left",
            "user.online",
            "user.offline",
            "connection.closed",
            "push.unacknowledged");

    private EventJson() {}

    static JsonObject toJson(HubEvent e) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("id", e.id())
                .add("type", e.type())
                .add("seq", e.seq())
                .add("time", e.time().toString())
                .add("node", e.node());
        if (e instanceof HubEvent.TopicOccupied t) {
            b.add("topic", t.topic());
        } else if (e instanceof HubEvent.TopicVacated t) {
            b.add("topic", t.topic());
        } else if (e instanceof HubEvent.MemberJoined m) {
            b.add("topic", m.topic()).add("userId", m.userId());
        } else if (e instanceof HubEvent.MemberLeft m) {
            b.add("topic", m.topic()).add("userId", m.userId());
        } else if (e instanceof HubEvent.UserOnline u) {
            b.add("userId", u.userId());
        } else if (e instanceof HubEvent.UserOffline u) {
            b.add("userId", u.userId());
        } else if (e instanceof HubEvent.ConnectionClosed c) {
            b.add("userId", c.userId()).add("connectionId", c.connectionId()).add("code", c.code());
        } else if (e instanceof HubEvent.PushUnacknowledged u) {
            b.add("messageId", u.messageId())
                    .add("userId", u.userId())
                    .add("pushedAt", u.pushedAt().toString())
                    .add("escalateAfter", u.escalateAfter().toString());
        }
        return b.build();
    }

    /** A webhook body: the batch as a JSON array, in order. */
    static String body(List<HubEvent> batch) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        batch.forEach(e -> a.add(toJson(e)));
        return a.build().toString();
    }

    /**
     * An event from the fields the Redis ledger stored ({@code type}, {@code seq}, {@code time} in epoch ms, {@code
     * node}, {@code topic}, {@code user}, {@code conn}, {@code code}).
     *
     * @throws IllegalArgumentException for an unknown type or a missing field
     */
    static HubEvent fromFields(String id, Map<String, String> f) {
        String type = f.get("type");
        long seq = Long.parseLong(required(f, "seq"));
        Instant time = Instant.ofEpochMilli(Long.parseLong(required(f, "time")));
        String node = required(f, "node");
        return switch (type == null ? "" : type) {
            case "topic.occupied" -> new HubEvent.TopicOccupied(id, required(f, "topic"), seq, time, node);
            case "topic.vacated" -> new HubEvent.TopicVacated(id, required(f, "topic"), seq, time, node);
            case "member.joined" ->
                new HubEvent.MemberJoined(id, required(f, "topic"), required(f, "user"), seq, time, node);
            case "member.left" ->
                new HubEvent.MemberLeft(id, required(f, "topic"), required(f, "user"), seq, time, node);
            case "user.online" -> new HubEvent.UserOnline(id, required(f, "user"), seq, time, node);
            case "user.offline" -> new HubEvent.UserOffline(id, required(f, "user"), seq, time, node);
            case "connection.closed" ->
                new HubEvent.ConnectionClosed(
                        id,
                        required(f, "user"),
                        required(f, "conn"),
                        Integer.parseInt(required(f, "code")),
                        seq,
                        time,
                        node);
            case "push.unacknowledged" ->
                new HubEvent.PushUnacknowledged(
                        id,
                        required(f, "msg"),
                        required(f, "user"),
                        Instant.ofEpochMilli(Long.parseLong(required(f, "pushed"))),
                        java.time.Duration.ofMillis(Long.parseLong(required(f, "ea"))),
                        seq,
                        time,
                        node);
            default -> throw new IllegalArgumentException("unknown hub event type '" + type + "'");
        };
    }

    private static String required(Map<String, String> f, String name) {
        String v = f.get(name);
        if (v == null) {
            throw new IllegalArgumentException("hub event without '" + name + "': " + f);
        }
        return v;
    }
}
