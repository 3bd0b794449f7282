package io.pushhub.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Redis for the cluster tests. The Maven profile {@code redis} sets {@code it.redis.enabled}; {@code it.redis.uri}
 * (default the Redis at 127.0.0.1:6379) and a key prefix for this run come from the pom; without the profile the Redis tests are skipped with a message that
 * says how to run them, and with it an unreachable Redis fails them loudly.
 */
public final class RedisSupport {

    public static final String HOW_TO_RUN = "Redis cluster tests skipped: they need a Redis and run with "
            + "`mvn verify -Predis` (Redis at 127.0.0.1:6379, or -Dit.redis.uri=redis://host:port; the tests that "
            + "restart Redis start their own redis-server, from the Debian package redis-server)";

    private RedisSupport() {}

    /** A condition polled with a deadline (state, not time, is what the tests wait for). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    public static void await(String what, Duration timeout, Condition c) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (c.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        fail("timed out after " + timeout.toMillis() + " ms waiting for " + what
                + (last != null ? "; last error: " + last : ""));
    }

    /** True with {@code -Predis} (the profile sets {@code it.redis.enabled}). */
    public static boolean enabled() {
        return Boolean.getBoolean("it.redis.enabled");
    }

    public static String sharedUri() {
        return System.getProperty("it.redis.uri");
    }

    /** Key prefix of this test run (every node and test of the run shares it; nothing outside it is touched). */
    /** Deletes every key matching {@code pattern} (a SCAN glob), a page of 500 at a time. @return keys deleted */
    public static long deleteKeys(io.lettuce.core.api.sync.RedisCommands<String, String> redis, String pattern) {
        io.lettuce.core.ScanArgs match =
                io.lettuce.core.ScanArgs.Builder.matches(pattern).limit(500);
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        long deleted = 0;
        do {
            io.lettuce.core.KeyScanCursor<String> page = redis.scan(cursor, match);
            if (!page.getKeys().isEmpty()) {
                deleted += redis.del(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
        } while (!cursor.isFinished());
        return deleted;
    }

    public static String runPrefix() {
        String p = System.getProperty("it.redis.prefix", "");
        return p.isBlank() || p.startsWith("$")
                ? "pushhub-it-" + ProcessHandle.current().pid()
                : p;
    }

    /** Skips the caller without {@code -Predis}; fails it when the profile is on but Redis does not answer PING. */
    public static void requireSharedRedis() {
        if (!enabled()) {
            System.out.println("[pushhub] " + HOW_TO_RUN); // the skip reason alone is easy to miss in a Maven log
        }
        Assumptions.assumeTrue(enabled(), HOW_TO_RUN);
        URI uri = URI.create(sharedUri());
        if (!ping(uri.getHost(), uri.getPort())) {
            fail("-Predis needs Redis at " + sharedUri() + " but it does not answer PING. Start it (apt-get install "
                    + "redis-server; redis-server --port " + uri.getPort()
                    + ") or run without -Predis to skip these tests.");
        }
    }

    public static boolean ping(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] b = new byte[7];
            InputStream in = s.getInputStream();
            int n = in.read(b);
            return n > 0 && new String(b, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A redis-server of the test's own, without persistence, on a free port; {@link #close} stops it (by its PID). */
    public static final class PrivateRedis implements AutoCloseable {
        private final int port;
        private final Path dir;
        private final boolean persistent;
        private Process process;

        public PrivateRedis() throws Exception {
            this(freePort());
        }

        /** On a given port (chosen earlier, e.g. for a node configured before Redis is up). */
        public PrivateRedis(int port) throws Exception {
            this(port, false);
        }

        /** @param persistent keep data across a kill and restart (append-only file, fsync on every write) */
        public PrivateRedis(int port, boolean persistent) throws Exception {
            this.port = port;
            this.persistent = persistent;
            this.dir = Files.createTempDirectory("pushhub-redis-");
            start();
        }

        public int port() {
            return port;
        }

        public String uri() {
            return "redis://127.0.0.1:" + port;
        }

        /** Starts redis-server (again) on the same port and waits until it answers PING. */
        public void start() throws Exception {
            process = new ProcessBuilder(List.of(
                            "redis-server",
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            persistent ? "yes" : "no",
                            "--appendfsync",
                            "always",
                            "--dir",
                            dir.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
            await(
                    "private redis-server on port " + port + " answers PING",
                    Duration.ofSeconds(20),
                    () -> ping("127.0.0.1", port));
        }

        /** Stops it hard (SIGKILL, as in a crash): nothing is saved. */
        public void kill() throws Exception {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
            await(
                    "private redis-server on port " + port + " stopped",
                    Duration.ofSeconds(20),
                    () -> !ping("127.0.0.1", port));
        }

        @Override
        public void close() throws Exception {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }
}
