package io.pushhub.api.dto;

import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code POST /api/push}, for {@code /openapi} only: the resource reads the body itself ({@code
 * io.pushhub.api.PushRequest}) so that every mistake gets a precise 400. At most one kind of target (topic(s),
 * user(s) or connection(s); none means everyone), singular or plural but not both; at most one of {@code at} and
 * {@code delay}. No other field is accepted.
 */
@Schema(
        name = "PushRequest",
        description = "What to push and to whom; no target means everyone. At most one kind of "
                + "target (topic/topics, user/users, connection/connections), at most one of 'at' and 'delay', at most "
                + "one of 'ttl' and 'expiresAt'. Other "
                + "fields are refused (400).")
@JsonbPropertyOrder({
    "topic",
    "topics",
    "user",
    "users",
    "connection",
    "connections",
    "data",
    "at",
    "delay",
    "ttl",
    "expiresAt",
    "idempotencyKey",
    "exceptConnection",
    "cron",
    "timezone",
    "trace",
    "receipt",
    "collapseOnAck",
    "escalateAfter"
})
public record PushRequestBody(
        @Schema(description = "One topic", example = "news") String topic,

        @Schema(description = "Several topics (1 to 1000, duplicates dropped)")
        List<String> topics,

        @Schema(description = "One user id") String user,

        @Schema(description = "Several user ids (1 to 1000)")
        List<String> users,

        @Schema(description = "One connection id (c-...); unknown ids are a 404 and nothing is pushed")
        String connection,

        @Schema(description = "Several connection ids (1 to 1000)")
        List<String> connections,

        @Schema(required = true, ref = AnyJson.REF) JsonValue data,

        @Schema(
                format = "date-time",
                description = "Schedule for this instant (ISO-8601, e.g. 2026-11-22T10:00:00Z; "
                        + "a past one is delivered at once), at most pushhub.scheduled.max-delay ahead")
        String at,

        @Schema(
                description = "Schedule after this delay: milliseconds (number) or an ISO-8601 duration (string, "
                        + "e.g. PT30S), at most pushhub.scheduled.max-delay",
                oneOf = {Long.class, String.class})
        Object delay,

        @Schema(
                description = "Never deliver it after this long: milliseconds (number) or an ISO-8601 duration "
                        + "(string, e.g. PT30S), counted from when the push is due (now, or at/delay), at most "
                        + "pushhub.push.max-ttl. Not with expiresAt",
                oneOf = {Long.class, String.class})
        Object ttl,

        @Schema(
                format = "date-time",
                description = "Never deliver it after this instant (ISO-8601), later than when the push is due and at "
                        + "most pushhub.push.max-ttl after it. Not with ttl")
        String expiresAt,

        @Schema(
                description = "As the Idempotency-Key header (1 to 200 printable ASCII characters, no spaces); both "
                        + "given must be equal. A repeat within pushhub.idempotency.window is not delivered again",
                example = "order-4711-shipped")
        String idempotencyKey,

        @Schema(
                description = "A connection id (the connectionId of the client's welcome frame) that does not get "
                        + "this push although the target includes it, on any node: typically the sender's own "
                        + "connection. Not counted in 'reached'; kept with a history topic's message so that "
                        + "connection does not get it from a replay either. An unknown id excludes nothing. Not with "
                        + "at/delay/cron",
                example = "c-5f2a9c")
        String exceptConnection,

        @Schema(
                description = "Repeat the push (persistent, fires once per time in a cluster): an EJB "
                        + "ScheduleExpression as 6 or 7 attributes 'second minute hour dayOfMonth month dayOfWeek "
                        + "[year]' (the body may also give an object of those attributes, for values with spaces such "
                        + "as '1st Mon'). Not with at/delay; expiresAt then ends the recurrence (a late firing after it "
                        + "is skipped) and ttl is each firing's lifetime. Answered 202 like a scheduled push",
                example = "0 0 9 * * Mon-Fri")
        String cron,

        @Schema(description = "Time-zone id (IANA) of cron; default UTC", example = "Europe/Berlin")
        String timezone,

        @Schema(
                description = "Record what becomes of this message on every node in the trace journal (read it with "
                        + "GET /api/push/{messageId}/trace); a push made now only. Default: sampled by "
                        + "pushhub.trace.sample-rate, or a sampled traceparent header",
                example = "true")
        Boolean trace,

        @Schema(
                description = "Record delivery receipts per recipient connection (written, acknowledged, dropped), read"
                        + " with GET /api/push/{messageId}/receipts. Not with at/delay/cron (docs/receipts.md)")
        Boolean receipt,

        @Schema(
                description = "Users only: the first acknowledgement by a user retracts the message on the user's other"
                        + " connections (a retract frame). Implies receipt")
        Boolean collapseOnAck,

        @Schema(
                description = "Users only: fire the webhook/CDI event push.unacknowledged for each user none of whose"
                        + " connections acknowledged within this time: milliseconds (number) or an ISO-8601 duration, 1 s"
                        + " (PT1S) to 1 day (P1D). Implies receipt",
                oneOf = {Long.class, String.class})
        Object escalateAfter) {}
