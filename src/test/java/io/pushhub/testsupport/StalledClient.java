package io.pushhub.testsupport;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a raw socket that can stop reading: it does the handshake, sends (masked) text frames, reads
 * until it has seen a given text, and then never reads again, like a browser tab on a frozen laptop. Its receive
 * buffer is tiny, so the server's writes back up quickly.
 */
public final class StalledClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final StringBuilder received = new StringBuilder();

    public StalledClient(String host, int port) throws Exception {
        socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        String req = "GET /ws HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + "Sec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(new byte[16]) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        out.write(req.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        readUntil("\"type\":\"welcome\"");
        if (!received.toString().startsWith("HTTP/1.1 101")) {
            throw new AssertionError("handshake failed: " + received);
        }
    }

    /** Sends one masked text frame (clients must mask). */
    public void sendText(String text) throws Exception {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        out.write(0x81);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        }
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i & 3]);
        }
        out.flush();
    }

    /** Reads (and keeps) bytes until {@code marker} has been seen. Frame headers are kept as noise; fine for markers. */
    public void readUntil(String marker) throws Exception {
        byte[] buf = new byte[1024];
        while (received.indexOf(marker) < 0) {
            int n = in.read(buf);
            if (n < 0) {
                throw new AssertionError("connection closed before '" + marker + "'; got: " + received);
            }
            received.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * Reads (and throws away) what the server had sent, until the server closes the connection (end of stream or a
     * reset) or {@code timeout} passes.
     *
     * @return true if the server closed the TCP connection
     */
    public boolean closedByServerWithin(java.time.Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[64 * 1024];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, Math.min(1000, (deadline - System.nanoTime()) / 1_000_000)));
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (java.net.SocketTimeoutException e) {
                // nothing yet: keep waiting
            } catch (java.io.IOException e) {
                return true; // reset by the server
            }
        }
        return false;
    }

    /** Everything read so far (frame headers included), e.g. to find a close frame's code. */
    public String received() {
        return received.toString();
    }

    @Override
    public void close() throws Exception {
        socket.close();
    }
}
