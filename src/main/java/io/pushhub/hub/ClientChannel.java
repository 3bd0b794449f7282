package io.pushhub.hub;

import io.pushhub.delivery.Transport;

/**
 * One client's transport as the hub sees it: the delivery engine's {@link Transport} (asynchronous sends, close,
 * abort) and the name of the transport for connection views. The WebSocket endpoint implements it over a {@code
 * jakarta.websocket.Session}, the SSE resource over an event sink; tests implement it in memory.
 */
public interface ClientChannel extends Transport {

    /** {@code websocket} or {@code sse}: what {@link io.pushhub.ConnectionView#transport()} reports. */
    default String transportName() {
        return "websocket";
    }
}
