package io.pushhub.hub;

import io.pushhub.delivery.Outbox;

/**
 * What the hub needs from a transport for one client: send a frame asynchronously and close. The WebSocket endpoint
 * implements it over a {@code jakarta.websocket.Session}; tests implement it in memory.
 */
public interface ClientChannel extends Outbox.Sender {

    /** Closes the client's transport with a WebSocket close code and a short reason. Must not throw. */
    void close(int code, String reason);
}
