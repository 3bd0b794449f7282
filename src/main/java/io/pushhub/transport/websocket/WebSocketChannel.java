package io.pushhub.transport.websocket;

import io.pushhub.hub.ClientChannel;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The hub's view of one WebSocket session. Strings are sent as text; control frames through the endpoint's encoder. */
final class WebSocketChannel implements ClientChannel {

    private static final Logger LOG = Logger.getLogger(WebSocketChannel.class.getName());
    /** The container may be writing a protocol-level pong or close of its own; retry this often before giving up. */
    private static final int BUSY_RETRIES = 100;
    private final Session session;

    WebSocketChannel(Session session) {
        this.session = session;
    }

    @Override
    public void sendBlocking(Object frame) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                if (frame instanceof String text) {
                    session.getBasicRemote().sendText(text);
                } else {
                    session.getBasicRemote().sendObject(frame);
                }
                return;
            } catch (IllegalStateException busy) {
                // Only this engine worker writes application frames, so "write in progress" means the container's
                // own control frame (pong/close) is being written: wait a moment, unless the session is gone.
                if (!session.isOpen() || attempt >= BUSY_RETRIES) {
                    throw busy;
                }
                LockSupport.parkNanos(200_000);
            }
        }
    }

    @Override
    public void sendAsync(Object frame, Consumer<Throwable> done) {
        if (frame instanceof String text) {
            session.getAsyncRemote().sendText(text, r -> done.accept(r.isOK() ? null : r.getException()));
        } else {
            session.getAsyncRemote().sendObject(frame, r -> done.accept(r.isOK() ? null : r.getException()));
        }
    }

    @Override
    public void close(int code, String reason) {
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            }
        } catch (IOException | RuntimeException e) {
            // The peer may already be gone; the session is unusable either way.
            LOG.log(Level.FINE, "close of " + session.getId() + " failed", e);
        }
    }
}
