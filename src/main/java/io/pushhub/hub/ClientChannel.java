package io.pushhub.hub;

import io.pushhub.delivery.Transport;

/**
 * What the hub needs from a transport for one client: the delivery engine's {@link Transport} (asynchronous sends of
 * encoded frames, close with a code and reason; its Javadoc has the contract). The WebSocket endpoint implements it
 * over a {@code jakarta.websocket.Session}, the SSE transport over an event stream; tests implement it in memory.
 */
public interface ClientChannel extends Transport {}
