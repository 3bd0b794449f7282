package io.pushhub.protocol;

import jakarta.websocket.Encoder;

/** Encodes control frames (welcome, ack, error, pong) sent with {@code sendObject}. Fan-out frames are pre-encoded. */
public class ServerFrameEncoder implements Encoder.Text<ServerFrame> {

    @Override
    public String encode(ServerFrame frame) {
        return Codec.encode(frame);
    }
}
