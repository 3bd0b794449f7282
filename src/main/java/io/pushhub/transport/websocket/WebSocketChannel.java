package io.pushhub.transport.websocket;

import io.pushhub.delivery.Frame;
import io.pushhub.hub.ClientChannel;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
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

    WebSocketChannel(Session session, Duration writeTimeout) {
        this.session = session;
        session.getAsyncRemote().setSendTimeout(writeTimeout.toMillis());
    }

    @Override
    public void send(Frame frame, Consumer<Throwable> done) {
        session.getAsyncRemote().sendText(frame.text(), r -> done.accept(r.isOK() ? null : failure(r.getException())));
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
