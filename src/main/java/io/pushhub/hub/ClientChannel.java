package io.pushhub.hub;

import io.pushhub.delivery.Transport;

/**
 * What the hub needs from a transport for one client: blocking and asynchronous sends (used by the delivery engine)
 * and close. The WebSocket endpoint implements it over a {@code jakarta.websocket.Session}; tests implement it in
 * memory.
 */
public interface ClientChannel extends Transport {}
