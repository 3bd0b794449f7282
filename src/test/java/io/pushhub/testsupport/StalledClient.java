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
 * buffer is tiny, so the server's writes back up quickly. While it reads it behaves as a WebSocket must: it answers
 * each ping with a pong carrying the same payload (on Payara the hub learns from those pongs how far a client read).
 */
public final class StalledClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final StringBuilder received = new StringBuilder();
    private boolean handshakeDone;

    public StalledClient(String host, int port) throws Exception {
        this(host, port, "/ws");
    }

    /** A stalled client of {@code path} (e.g. {@code /ws?access_token=...} for a user). */
    public StalledClient(String host, int port, String path) throws Exception {
        socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        String req = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
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
        sendFrame(0x81, text.getBytes(StandardCharsets.UTF_8));
    }

    private void sendFrame(int firstByte, byte[] payload) throws Exception {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        out.write(firstByte);
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

    /**
     * Reads until {@code marker} has been seen: the handshake response as text, then frame by frame, keeping text
     * payloads and answering pings. A server close frame is kept as {@code <close NNNN reason>}.
     */
    public void readUntil(String marker) throws Exception {
        while (received.indexOf(marker) < 0) {
            if (!handshakeDone) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("connection closed before '" + marker + "'; got: " + received);
                }
                received.append((char) b);
                handshakeDone = received.indexOf("\r\n\r\n") >= 0;
                continue;
            }
            int b0 = in.read();
            int b1 = in.read();
            if (b0 < 0 || b1 < 0) {
                throw new AssertionError("connection closed before '" + marker + "'; got: " + received);
            }
            long len = b1 & 0x7f;
            if (len == 126) {
                len = ((in.read() & 0xff) << 8) | (in.read() & 0xff);
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | (in.read() & 0xff);
                }
            }
            byte[] payload = in.readNBytes((int) len);
            if (payload.length < len) {
                throw new AssertionError("connection closed in a frame before '" + marker + "'; got: " + received);
            }
            int opcode = b0 & 0x0f;
            if (opcode == 0x9) {
                sendFrame(0x8A, payload); // pong
            } else if (opcode == 0x8) {
                int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                received.append("<close ")
                        .append(code)
                        .append(' ')
                        .append(new String(
                                payload,
                                Math.min(2, payload.length),
                                Math.max(0, payload.length - 2),
                                StandardCharsets.UTF_8))
                        .append('>');
            } else if (opcode == 0x1 || opcode == 0x0) {
                received.append(new String(payload, StandardCharsets.UTF_8));
            }
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

    /** Everything read so far: the handshake response, then text payloads and {@code <close code reason>}. */
    public String received() {
        return received.toString();
    }

    @Override
    public void close() throws Exception {
        socket.close();
    }
}
