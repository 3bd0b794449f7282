package io.pushhub.transport.websocket;

import io.pushhub.delivery.Frame;
import io.pushhub.hub.ClientChannel;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The hub's view of one WebSocket session. Every frame leaves through the container's asynchronous send with a send
 * time-out, so no thread of the hub waits for the client: on Open Liberty the time-out is enforced by its TCP channel
 * (an asynchronous write with that time-out), on Payara by Tyrus. See ADR 0006.
 */
final class WebSocketChannel implements ClientChannel {

    private static final Logger LOG = Logger.getLogger(WebSocketChannel.class.getName());
    private final Session session;
    /** Null unless the container's sends complete before the client reads ({@link ReadConfirmations}). */
    private final ReadConfirmations confirmations;

    WebSocketChannel(Session session, Duration writeTimeout, boolean confirmReads) {
        this.session = session;
        session.getAsyncRemote().setSendTimeout(writeTimeout.toMillis());
        this.confirmations = confirmReads ? new ReadConfirmations(this::ping) : null;
    }

    /**
     * Whether this container needs {@link ReadConfirmations} to see a client that stops reading: Tyrus (Payara,
     * GlassFish) completes an asynchronous send as soon as its own write queue took the bytes.
     */
    static boolean sendsCompleteBeforeTheClientReads(Session session) {
        return session.getClass().getName().startsWith("org.glassfish.tyrus.");
    }

    @Override
    public void send(Frame frame, Consumer<Throwable> done) {
        if (confirmations == null) {
            session.getAsyncRemote()
                    .sendText(frame.text(), r -> done.accept(r.isOK() ? null : failure(r.getException())));
            return;
        }
        int chars = frame.text().length();
        session.getAsyncRemote().sendText(frame.text(), r -> {
            if (r.isOK()) {
                confirmations.written(chars, done);
            } else {
                done.accept(failure(r.getException()));
            }
        });
    }

    /** A pong from the client: with read confirmations on, proof of how far it has read. */
    void pong(ByteBuffer payload) {
        if (confirmations != null && payload.remaining() == Long.BYTES) {
            confirmations.pong(payload.getLong(payload.position()));
        }
    }

    private void ping(long count) {
        try {
            session.getAsyncRemote().sendPing(ByteBuffer.allocate(Long.BYTES).putLong(0, count));
        } catch (IOException | RuntimeException e) {
            // The connection is breaking; the pending send's completion or the write time-out reports it.
            LOG.log(Level.FINE, "ping to " + session.getId() + " failed", e);
        }
    }

    private static Throwable failure(Throwable t) {
        return t != null ? t : new IOException("send failed");
    }

    /**
     * For a slow client: drop the TCP connection without waiting for the client's close frame (Open Liberty would wait
     * 30 s for it). When only its queue filled, the close frame is tried first (Liberty gives that write 5.5 s), so a
     * client that still reads learns why (1013); when its writes stalled, it would not read one.
     */
    @Override
    public void abort(int code, String reason, boolean writeStalled) {
        CloseReason cr = new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason);
        if (!writeStalled) {
            close(code, reason);
        }
        if (!ConnectionAbort.abort(session, cr) && writeStalled) {
            close(code, reason);
        }
    }

    @Override
    public void close(int code, String reason) {
        // No isOpen() guard: after a send failed the container may already call the session not open while its TCP
        // connection is still up; close() on a closing session returns at once. On Liberty the close frame is written
        // with a 5.5 s time-out and the socket then waits up to 30 s for the client's reply (slow clients go through
        // abort() instead; ADR 0006).
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | RuntimeException e) {
            // The peer may already be gone; the session is unusable either way.
            LOG.log(Level.FINE, "close of " + session.getId() + " failed", e);
        }
    }
}
