package io.pushhub.protocol;

/**
 * Stable, machine-readable error codes sent in {@code error} frames (WebSocket) and in REST error bodies. Clients may
 * switch on them; the human message next to them may change.
 */
public enum ErrorCode {
    /** The frame is not valid JSON or not a JSON object. */
    BAD_JSON("bad_json"),
    /** The frame's {@code type} is missing or not one the server knows. */
    UNKNOWN_TYPE("unknown_type"),
    /** A field the frame type requires is missing or has the wrong JSON type. */
    MISSING_FIELD("missing_field"),
    /** The topic name is empty, too long or has characters outside {@code [A-Za-z0-9_.:/@-]}. */
    INVALID_TOPIC("invalid_topic"),
    /** The topic exists as a name but this connection may not subscribe to it. */
    FORBIDDEN_TOPIC("forbidden_topic"),
    /** Clients may not publish to this topic (only topics matching pushhub.topics.client-publish allow it). */
    PUBLISH_NOT_ALLOWED("publish_not_allowed"),
    /** Publishing to a topic requires being subscribed to it. */
    NOT_SUBSCRIBED("not_subscribed"),
    /** The connection already holds pushhub.ws.max-subscriptions subscriptions. */
    TOO_MANY_SUBSCRIPTIONS("too_many_subscriptions"),
    /** The connection sent frames faster than pushhub.ws.rate.per-second; this frame was ignored. */
    RATE_LIMITED("rate_limited"),
    /**
     * The subscribe frame's {@code token} is not a valid subscribe token for this connection's user and this topic (bad
     * signature, expired, another user, another topic); the connection stays usable.
     */
    SUBSCRIBE_TOKEN_INVALID("subscribe_token_invalid"),
    /**
     * The authorization hook (pushhub.hook.url) could not decide (time-out, backend down, too many questions in flight)
     * and pushhub.hook.on-failure is deny, or this connection has too many questions waiting; trying again later may
     * work.
     */
    AUTHORIZATION_UNAVAILABLE("authorization_unavailable"),
    /** The application's authorization hook denied this connection; it is closed (4403) after this frame. */
    CONNECTION_DENIED("connection_denied"),
    /** The connection is still waiting for the authorization hook to admit it (no welcome yet). */
    NOT_ADMITTED("not_admitted"),
    /** Something went wrong on the server; the frame may not have been processed. */
    INTERNAL("internal");

    private final String code;

    ErrorCode(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
