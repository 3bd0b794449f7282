package io.pushhub.delivery;

import java.util.function.Consumer;

/**
 * How the delivery engine writes to one client. A frame is a {@code String} (already JSON) or a control-frame object
 * the transport encodes itself.
 */
public interface Transport {

    /** Writes the frame, returning when it is written (or throwing). Called by one engine worker at a time. */
    void sendBlocking(Object frame) throws Exception;

    /** Starts writing the frame; {@code done} gets null on success or the failure. Called once at a time. */
    void sendAsync(Object frame, Consumer<Throwable> done);

    /**
     * Whether several frames may be coalesced into one {@code batch} frame for this transport (default yes). A
     * transport that must see every frame on its own (e.g. to match replies) says no.
     */
    default boolean batches() {
        return true;
    }

    /** Closes the client's transport with a WebSocket close code and reason. May block; never called on a pusher's thread. */
    void close(int code, String reason);
}
