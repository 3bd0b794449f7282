package io.pushhub.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Sends a WebSocket upgrade request over a plain socket and reads the server's HTTP answer, so a test can see the
 * exact status of a refused handshake (403, 401) and know that no WebSocket was opened.
 */
public final class RawHandshake {

    /** The status code and the rest of the response head and (for non-101) body. */
    public record Answer(int status, String text) {}

    private RawHandshake() {}

    public static Answer send(String host, int port, String pathAndQuery, Map<String, String> headers)
            throws Exception {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder()
                    .append("GET ")
                    .append(pathAndQuery)
                    .append(" HTTP/1.1\r\n")
                    .append("Host: ")
                    .append(host)
                    .append(':')
                    .append(port)
                    .append("\r\n")
                    .append("Upgrade: websocket\r\n")
                    .append("Connection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: ")
                    .append(Base64.getEncoder().encodeToString(new byte[16]))
                    .append("\r\n")
                    .append("Sec-WebSocket-Version: 13\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] b = new byte[4096];
            int n;
            // Read the head (and whatever body follows quickly); a 101 leaves the socket open, so stop at the head.
            while ((n = in.read(b)) > 0) {
                buf.write(b, 0, n);
                String sofar = buf.toString(StandardCharsets.UTF_8);
                int headEnd = sofar.indexOf("\r\n\r\n");
                if (headEnd >= 0 && (sofar.startsWith("HTTP/1.1 101") || bodyComplete(sofar, headEnd))) {
                    break;
                }
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            return new Answer(status, text);
        }
    }

    private static boolean bodyComplete(String text, int headEnd) {
        String head = text.substring(0, headEnd).toLowerCase(java.util.Locale.ROOT);
        int i = head.indexOf("content-length:");
        if (i < 0) {
            return head.contains("transfer-encoding: chunked") ? text.endsWith("0\r\n\r\n") : true;
        }
        int end = head.indexOf("\r\n", i);
        int len = Integer.parseInt(
                head.substring(i + 15, end < 0 ? head.length() : end).trim());
        return text.getBytes(StandardCharsets.UTF_8).length >= headEnd + 4 + len;
    }
}
