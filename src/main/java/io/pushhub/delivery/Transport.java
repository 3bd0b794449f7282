package io.pushhub.delivery;

import java.util.function.Consumer;

/**
 * How the delivery engine writes to one client: the seam between {@link DeliveryEngine} and a transport (the WebSocket
 * session, the SSE stream, a test double). One instance per connection, created by the transport and handed to the
 * engine with {@link DeliveryEngine#newOutbox}.
 *
 * <h2>Who calls it, and on which thread</h2>
 *
 * <ul>
 *   <li>The engine calls {@link #send} (and {@link #batches}) only on its delivery workers, which serve every
 *       connection: a send starts writing and returns without waiting for the client, never blocking on the network.
 *       At most one send is in flight per transport: the next call comes only after {@code done} ran.
 *   <li>The engine calls {@link #close} or {@link #abort} on its closer threads (a throwaway thread once the engine is
 *       stopped), once per transport, never on a pusher's thread and never while a send is in flight (a send its
 *       watchdog failed counts as ended). They may block for a bounded time.
 * </ul>
 *
 * <h2>What it is given</h2>
 *
 * Text frames, already encoded by {@link io.pushhub.protocol.Codec} ({@link Frame#text()}, one JSON object: a single
 * server frame or a {@code batch} of them); a transport writes the text as it is and never encodes or parses frames
 * again. For control frames (welcome and the replies ack, error, pong) {@link Frame#control()} is also the typed {@link
 * io.pushhub.protocol.ServerFrame}, so a transport that answers commands out of band (SSE) can match replies; it is
 * null for everything else. A close is a WebSocket close code and reason (docs/protocol.md lists the codes).
 *
 * <h2>What a failure means</h2>
 *
 * {@code done} must be called exactly once, on any thread, with null on success or the failure. A failure means the
 * client cannot be written to any more: the engine drops what is queued, reports it to the outbox's failure listener
 * (the hub disconnects with 1011) and then closes the transport. A transport should fail a write the client does not
 * take within its write time-out; the engine's watchdog fails it anyway at {@code pushhub.delivery.write-timeout} plus
 * a grace, and then closes. A transport that can survive a broken write by itself (SSE keeps the frame for a resume)
 * reports success instead. {@code send} should not throw; if it does, that counts as a failed send. Exceptions from
 * {@code close} and {@code abort} are logged and otherwise ignored: the connection is gone either way.
 */
public interface Transport {

    /**
     * {@code websocket} or {@code sse}: the {@code transport} label of the engine's metrics, and what {@link
     * io.pushhub.ConnectionView#transport()} reports.
     */
    default String transportName() {
        return "websocket";
    }

    /** Starts writing the frame's text; never blocks on the client. Calls {@code done} once, when written or failed. */
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
