package io.pushhub.hub;

import io.pushhub.delivery.Transport;

/**
 * One client's transport as the hub sees it: the delivery engine's {@link Transport} (asynchronous sends of encoded
 * frames, close with a code and reason; its Javadoc has the contract) and the name of the transport for connection
 * views. The WebSocket endpoint implements it over a {@code jakarta.websocket.Session}, the SSE transport over an
 * event stream; tests implement it in memory.
 */
public interface ClientChannel extends Transport {

    /** {@code websocket} or {@code sse}: what {@link io.pushhub.ConnectionView#transport()} reports. */
    default String transportName() {
        return "websocket";
    }
}
