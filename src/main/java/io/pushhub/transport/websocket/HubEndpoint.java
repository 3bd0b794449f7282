package io.pushhub.transport.websocket;

import io.pushhub.config.HubConfig;
import io.pushhub.hub.Connection;
import io.pushhub.hub.Hub;
import io.pushhub.protocol.ClientFrame;
import io.pushhub.protocol.ClientFrameDecoder;
import io.pushhub.protocol.ErrorCode;
import io.pushhub.protocol.ServerFrameEncoder;
import io.pushhub.security.Identity;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket transport at {@value #PATH}: translates frames to hub calls and nothing more. A CDI bean
 * ({@code @Dependent}, one per connection) so the hub can be injected on Liberty as well as Payara.
 */
@Dependent
@ServerEndpoint(
        value = HubEndpoint.PATH,
        subprotocols = {"pushhub.v1"},
        encoders = ServerFrameEncoder.class,
        configurator = HandshakeConfigurator.class)
public class HubEndpoint {

    public static final String PATH = "/ws";
    private static final Logger LOG = Logger.getLogger(HubEndpoint.class.getName());

    @Inject
    Hub hub;

    @Inject
    HubConfig config;

    private Connection connection;
    private WebSocketChannel channel;

    @OnOpen
    public void open(Session session) throws IOException {
        Object identity = session.getUserProperties().get(HandshakeConfigurator.IDENTITY);
        if (!(identity instanceof Identity id)) {
            Object why = session.getUserProperties().get(HandshakeConfigurator.REFUSAL);
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, String.valueOf(why)));
            return;
        }
        // Larger frames are refused by the container with close code 1009 (too big) on Liberty; Payara's Tyrus does not
        // apply a limit set here, so message() checks it too (docs/payara.md).
        session.setMaxTextMessageBufferSize(config.maxFrameBytes());
        session.setMaxBinaryMessageBufferSize(1024);
        boolean confirmReads = config.wsReadConfirmations().equals("auto")
                && WebSocketChannel.sendsCompleteBeforeTheClientReads(session);
        channel = new WebSocketChannel(session, config.deliveryWriteTimeout(), confirmReads);
        connection = hub.open(id, channel);
    }

    @OnMessage
    public void message(String text, Session session) throws IOException {
        if (connection == null) {
            return;
        }
        int max = config.maxFrameBytes();
        // A char is 1 to 3 UTF-8 bytes (a surrogate pair, 2 chars, is 4): count bytes only when it could matter.
        if (text.length() > max || (text.length() * 3L > max && utf8Length(text) > max)) {
            session.close(new CloseReason(
                    CloseReason.CloseCodes.TOO_BIG,
                    "frame larger than " + max + " bytes (pushhub.ws.max-frame-bytes)"));
            return;
        }
        hub.handle(connection, ClientFrameDecoder.parse(text));
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    @OnMessage
    public void binary(byte[] ignored, Session session) {
        if (connection != null) {
            hub.handle(
                    connection,
                    ClientFrame.invalid(null, ErrorCode.BAD_JSON, "binary frames are not supported; send JSON text"));
        }
    }

    @OnMessage
    public void pong(PongMessage pong) {
        if (channel != null) {
            channel.pong(pong.getApplicationData());
        }
    }

    @OnClose
    public void close(CloseReason reason) {
        if (connection != null) {
            hub.closed(
                    connection,
                    reason == null ? Hub.CLOSE_ABNORMAL : reason.getCloseCode().getCode());
        }
    }

    @OnError
    public void error(Session session, Throwable t) {
        if (t instanceof DecodeException) {
            // Our decoder never throws; kept for decoders a container might wrap.
            hub.handle(connection, ClientFrame.invalid(null, ErrorCode.BAD_JSON, t.getMessage()));
            return;
        }
        // Usually the peer vanished (reset, timeout); the container closes the session and @OnClose cleans up.
        LOG.log(Level.FINE, "WebSocket error on " + (connection != null ? connection : session.getId()), t);
        if (connection != null && !session.isOpen()) {
            hub.closed(connection);
        }
    }
}
