package io.pushhub.delivery;

import java.util.function.Consumer;

/**
 * How the delivery engine writes to one client.
 *
 * <p><b>Contract.</b> {@link #send} starts writing one frame and returns without waiting for the client: the engine
 * calls it from its workers, which serve every connection, so a send must never wait on the network. The engine
 * calls {@code send} at most once at a time per transport (the next call only after {@code done} ran), and never
 * calls {@link #close} while a send is in flight. {@code done} must be called exactly once, on any thread, with null
 * on success or the failure; a transport should fail a write the client does not take within its write time-out (the
 * engine's watchdog fails it anyway at {@code pushhub.delivery.write-timeout} plus a grace, and then closes).
 */
public interface Transport {

    /** Starts writing the frame; never blocks on the client. */
    void send(Frame frame, Consumer<Throwable> done);

    /**
     * Whether several frames may be coalesced into one {@code batch} frame for this transport (default yes). A
     * transport that must see every frame on its own (e.g. to match replies) says no.
     */
    default boolean batches() {
        return true;
    }

    /**
     * Closes the client's transport with a WebSocket close code and reason. May block for a bounded time (the
     * container writes a close frame); never called on a pusher's thread, and never while a send is in flight.
     */
    void close(int code, String reason);

    /**
     * Ends the connection of a slow client without waiting for its side of the closing handshake, where the container
     * allows (default: {@link #close}). {@code writeStalled}: its last send failed or timed out, so a close frame
     * would not be read either; otherwise (its queue filled) the transport may first try to say why. Same threading
     * rules as {@code close}.
     */
    default void abort(int code, String reason, boolean writeStalled) {
        close(code, reason);
    }
}
