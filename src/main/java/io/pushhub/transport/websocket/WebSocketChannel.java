package io.pushhub.transport.websocket;

import io.pushhub.hub.ClientChannel;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The hub's view of one WebSocket session. */
final class WebSocketChannel implements ClientChannel {

    private static final Logger LOG = Logger.getLogger(WebSocketChannel.class.getName());
    private final Session session;

    WebSocketChannel(Session session) {
        this.session = session;
    }

    @Override
    public void send(Object frame, SendHandler done) {
        if (frame instanceof String text) {
            session.getAsyncRemote().sendText(text, done);
        } else {
            // Control frames go through the endpoint's ServerFrameEncoder.
            session.getAsyncRemote().sendObject(frame, done);
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
