package io.pushhub.authorization;

import jakarta.json.JsonValue;
import java.util.Set;

/**
 * One question to the hook: who asks (the connection's user), on which connection, about what.
 *
 * @param event connect, subscribe or publish
 * @param user the connection's user id
 * @param anonymous whether that user has no token
 * @param groups the token's groups (empty for anonymous users)
 * @param connection the connection id
 * @param transport websocket or sse
 * @param topic the topic; null for connect
 * @param data the published data; null unless publish
 */
public record HookRequest(
        AuthorizationHook.Event event,
        String user,
        boolean anonymous,
        Set<String> groups,
        String connection,
        String transport,
        String topic,
        JsonValue data) {

    public HookRequest {
        groups = Set.copyOf(groups);
    }
}
