package io.pushhub.hub;

import io.pushhub.delivery.Transport;

/**
 * One client's transport as the hub sees it: the delivery engine's {@link Transport} (asynchronous sends of encoded
 * frames, close with a code and reason, the transport's name for connection views and metrics; its Javadoc has the
 * contract). The WebSocket endpoint implements it over a {@code jakarta.websocket.Session}, the SSE transport over an
 * event stream; tests implement it in memory.
 */
public interface ClientChannel extends Transport {

    /**
     * A secret the connection's welcome frame tells its client, for a transport whose commands arrive as separate
     * requests that must prove they come from the stream's owner (SSE); null (the default) for the rest.
     */
    default String commandKey() {
        return null;
    }
}
