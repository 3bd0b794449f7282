package io.pushhub.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second (third...) Open Liberty server running the same WAR, for the cluster tests. It uses the runtime the build
 * unpacked for Arquillian ({@code wlpHome}), the root {@code server.xml} and the test overrides of the Arquillian
 * server, plus its own ports and variables. It runs as a child process of the test ({@code server run}), so the test
 * can stop it cleanly or kill it hard (SIGKILL, as in a crash), always by its own process id.
 */
public final class LibertyNode implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int httpPort;
    private final Path wlp;
    private final Path serverDir;
    private Process process;

    /**
     * @param offset added to the Arquillian server's HTTP port for this node's (1, 2, ...); its HTTPS port is the HTTP
     *     port + 10, so a run with {@code -Dit.http.port=19180} keeps every node in 19181..19199
     * @param variables server.xml variables (MicroProfile Config keys) for this node
     */
    public LibertyNode(String name, int offset, Map<String, String> variables) throws IOException {
        this(name, offset, variables, Path.of(System.getProperty("pushhub.war", "target/pushhub.war")));
    }

    /** A node running {@code war} instead of the built WAR (e.g. with test-only classes, as an Arquillian deployment). */
    public LibertyNode(String name, int offset, Map<String, String> variables, Path war) throws IOException {
        this.name = name;
        this.httpPort = Integer.parseInt(System.getProperty("it.http.port", "19080")) + offset;
        this.wlp = Path.of(System.getProperty("wlpHome", "target/liberty/wlp"));
        this.serverDir = wlp.resolve("usr/servers/" + name);
        Path template = wlp.resolve("usr/servers/" + System.getProperty("it.server.name", "pushhub-it"));
        Files.createDirectories(serverDir.resolve("configDropins/overrides"));
        Files.createDirectories(serverDir.resolve("dropins"));
        Files.copy(
                template.resolve("server.xml"), serverDir.resolve("server.xml"), StandardCopyOption.REPLACE_EXISTING);
        // The Arquillian server's test overrides (keys, JWT, rates, history), minus what is node-specific.
        String overrides = Files.readString(template.resolve("configDropins/overrides/pushhub-it.xml"))
                .replace("<feature>localConnector-1.0</feature>", "");
        Files.writeString(serverDir.resolve("configDropins/overrides/pushhub-it.xml"), overrides);
        StringBuilder node = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<server>\n");
        variables.forEach((k, v) -> node.append("  <variable name=\"")
                .append(k)
                .append("\" value=\"")
                .append(v.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;"))
                .append("\"/>\n"));
        node.append("  <variable name=\"http.port\" value=\"").append(httpPort).append("\"/>\n");
        node.append("  <variable name=\"https.port\" value=\"")
                .append(httpPort + 10)
                .append("\"/>\n");
        node.append("</server>\n");
        // Loaded after pushhub-it.xml (alphabetical), so these values win.
        Files.writeString(serverDir.resolve("configDropins/overrides/zz-node.xml"), node.toString());
        Files.writeString(serverDir.resolve("jvm.options"), "-Xmx384m\n");
        Files.copy(war, serverDir.resolve("dropins/pushhub.war"), StandardCopyOption.REPLACE_EXISTING);
    }

    public String http() {
        return "http://127.0.0.1:" + httpPort;
    }

    public String ws() {
        return "ws://127.0.0.1:" + httpPort + "/ws";
    }

    public Api api() {
        return new Api(http());
    }

    public Path log() {
        return serverDir.resolve("logs/messages.log");
    }

    /** Starts the server and waits until {@code /health/ready} answers 200 (at most 5 minutes). */
    public LibertyNode start() throws Exception {
        Path console = serverDir.resolve("console-" + System.nanoTime() + ".log");
        process = new ProcessBuilder(List.of(wlp.resolve("bin/server").toString(), "run", name))
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos(); // 2 min seen on a loaded machine
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("Liberty node " + name + " exited with " + process.exitValue() + "; see " + console);
            }
            if (readyStatus() == 200) {
                return this;
            }
            Thread.sleep(250);
        }
        fail("Liberty node " + name + " not ready on port " + httpPort + " within 5 minutes; see " + console + " and "
                + log());
        return this;
    }

    /** HTTP status of /health/ready, or -1 when the server does not answer. */
    public int readyStatus() {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(http() + "/health/ready"))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Kills the server's JVM with SIGKILL (no clean stop: no presence withdrawal, sockets just vanish). */
    public void kill() throws Exception {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /** Stops the server cleanly ({@code server stop}), killing it if it does not exit within a minute. */
    @Override
    public void close() throws Exception {
        if (process == null || !process.isAlive()) {
            return;
        }
        Process stop = new ProcessBuilder(List.of(wlp.resolve("bin/server").toString(), "stop", name))
                .redirectErrorStream(true)
                .redirectOutput(serverDir.resolve("stop.log").toFile())
                .start();
        stop.waitFor(60, TimeUnit.SECONDS);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
