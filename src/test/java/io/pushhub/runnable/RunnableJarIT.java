package io.pushhub.runnable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pushhub.testsupport.Api;
import io.pushhub.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The one-file start: {@code java -jar target/pushhub.jar}, the runnable jar that {@code mvn package} builds (Open
 * Liberty, the root server.xml and the WAR). Two copies run at once from the same jar and the same extraction root, as
 * a user would start them: on their own loopback ports and with their own API keys, one configured through environment
 * variables, the other through Liberty's {@code --variable=value} arguments and a {@code -D} system property. Each
 * serves a WebSocket client and a push; stopping one (SIGTERM, what Ctrl-C sends too) ends its process, frees its
 * port and deletes what it extracted but its logs, while the other keeps serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunnableJarIT {

    private static final Duration READY = Duration.ofSeconds(Long.getLong("it.runnable.ready.seconds", 420));
    private static final Pattern EXTRACTED = Pattern.compile("Extracting files to (.+)/wlp\\s*$");

    private Path root;
    private Run a;
    private Run b;

    @BeforeAll
    void startTwoRuns() throws Exception {
        Assumptions.assumeFalse(
                Boolean.getBoolean("skipLibertyPackage"), "target/pushhub.jar was not built (-DskipLibertyPackage)");
        Path jar = Paths.get(System.getProperty("pushhub.jar", "target/pushhub.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " is missing: mvn package builds it (liberty:package, runnable)");
        // Each build extracts under its own root in target/, so nothing lands in ~/wlpExtract and it can be checked.
        root = Paths.get(
                        "target",
                        "runnable-jar-it",
                        "run-" + ProcessHandle.current().pid())
                .toAbsolutePath();
        deleteTree(root);
        Files.createDirectories(root);
        int[] ports = freePorts(4);
        a = Run.start(
                "a",
                jar,
                root,
                ports[0],
                List.of(),
                List.of(),
                Map.of(
                        "HTTP_PORT", String.valueOf(ports[0]),
                        "HTTPS_PORT", String.valueOf(ports[1]),
                        "PUSHHUB_API_KEYS", "jar-key-a"));
        b = Run.start(
                "b",
                jar,
                root,
                ports[2],
                List.of("-Dpushhub.api-keys=jar-key-b"),
                List.of("--http.port=" + ports[2], "--https.port=" + ports[3]),
                Map.of());
        a.awaitReady();
        b.awaitReady();
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (Run r : new Run[] {a, b}) {
            if (r != null && r.process.isAlive()) {
                r.process.destroyForcibly();
                r.process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (root != null) {
            deleteTree(root);
        }
    }

    @Test
    @Order(1)
    void eachRunDeliversItsOwnPushesToAWebSocketClient() throws Exception {
        try (WsClient onA = WsClient.connect(a.ws());
                WsClient onB = WsClient.connect(b.ws())) {
            onA.subscribe("news");
            onB.subscribe("news");

            Api.Reply pushA =
                    a.api().post("/api/push", "{\"topic\":\"news\",\"data\":{\"from\":\"a\"}}", "Bearer jar-key-a");
            assertEquals(200, pushA.status(), "push on a: " + pushA);
            assertEquals(1, pushA.json().getInt("reached"), "push on a: " + pushA);
            JsonObject m = onA.awaitMessage("the push on a");
            assertEquals("a", m.getJsonObject("data").getString("from"));

            Api.Reply pushB =
                    b.api().post("/api/push", "{\"topic\":\"news\",\"data\":{\"from\":\"b\"}}", "Bearer jar-key-b");
            assertEquals(200, pushB.status(), "push on b: " + pushB);
            JsonObject n = onB.awaitMessage("the push on b");
            assertEquals("b", n.getJsonObject("data").getString("from"));
            // Two separate hubs: a's push never reached b's client, and b's never a's.
            assertEquals(1, onA.messages().size(), "a's client: " + onA.messages());
            assertEquals(1, onB.messages().size(), "b's client: " + onB.messages());
        }
    }

    @Test
    @Order(2)
    void theConfiguredKeysAreTheOnlyOnes() throws Exception {
        Api.Reply none = a.api().post("/api/push", "{\"data\":1}", null);
        assertEquals(401, none.status(), "no key: " + none);
        assertEquals("unauthorized", none.json().getString("error"));
        Api.Reply otherRunsKey = a.api().post("/api/push", "{\"data\":1}", "Bearer jar-key-b");
        assertEquals(401, otherRunsKey.status(), "b's key on a: " + otherRunsKey);
        Api.Reply otherRunsKeyOnB = b.api().post("/api/push", "{\"data\":1}", "Bearer jar-key-a");
        assertEquals(401, otherRunsKeyOnB.status(), "a's key on b: " + otherRunsKeyOnB);
    }

    @Test
    @Order(3)
    void runsExtractIntoTheirOwnDirectoriesListenOnLoopbackOnlyAndLogNoError() {
        assertNotEquals(a.extractedTo(), b.extractedTo(), "both runs extracted into " + a.extractedTo());
        for (Run r : new Run[] {a, b}) {
            assertTrue(r.extractedTo().startsWith(root), r.name + " extracted to " + r.extractedTo());
            assertTrue(
                    Files.isDirectory(r.extractedTo().resolve("wlp/lib")),
                    r.name + ": no runtime in " + r.extractedTo());
            String out = r.output();
            assertTrue(
                    out.contains("(IPv4: 127.0.0.1) port " + r.port + "."),
                    r.name + " does not say it listens on 127.0.0.1 only:\n" + out);
            assertFalse(out.contains("[ERROR"), r.name + " logged an error:\n" + out);
        }
    }

    /** What a browser fetches for the console and the dashboard, the icon included, all there: no WARNING logged. */
    @Test
    @Order(4)
    void theConsoleAndTheDashboardLoadWithoutAWarning() throws Exception {
        int before = a.lineCount();
        for (String path : List.of("/", "/console.css", "/console.js", "/pushhub.js", "/dashboard/", "/favicon.ico")) {
            Api.Reply r = a.api().get(path, null);
            assertEquals(200, r.status(), path + ": " + r.status());
        }
        Api.Reply icon = a.api().get("/favicon.ico", null);
        assertTrue(
                icon.headers().firstValue("Content-Type").orElse("").startsWith("image/"),
                "favicon.ico: " + icon.headers().map());
        Thread.sleep(1000);
        String after = a.outputFrom(before);
        assertFalse(
                after.contains("[WARNING") || after.contains("[ERROR"), "logged while serving the pages:\n" + after);
    }

    @Test
    @Order(5)
    void stoppingOneRunEndsItAndRemovesWhatItExtractedButItsLogs() throws Exception {
        a.stop();
        assertOnlyLogsLeft(a);
        // The other run, extracted beside it under the same root, is untouched and still serves.
        Api.Reply ready = b.api().get("/health/ready", null);
        assertEquals(200, ready.status(), "b after a stopped: " + ready);
        assertTrue(Files.isDirectory(b.extractedTo().resolve("wlp/lib")), "b's runtime is gone");
        b.stop();
        assertOnlyLogsLeft(b);
    }

    private static void assertOnlyLogsLeft(Run r) throws IOException {
        assertFalse(r.process.isAlive(), r.name + " is still running");
        boolean accepted;
        try {
            new Socket(InetAddress.getLoopbackAddress(), r.port).close();
            accepted = true;
        } catch (IOException refused) {
            accepted = false;
        }
        assertFalse(accepted, r.name + " still accepts connections on port " + r.port);
        // Liberty deletes the extracted runtime, server and application on exit and keeps the logs folder on purpose.
        Path logs = r.extractedTo().resolve("wlp/usr/servers/pushhub-jar/logs");
        List<Path> left;
        try (Stream<Path> files = Files.walk(r.extractedTo())) {
            left = files.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(logs))
                    .toList();
        }
        assertEquals(List.of(), left, r.name + " left files behind in " + r.extractedTo());
        try (Stream<Path> files = Files.walk(r.extractedTo())) {
            long bytes = files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
            assertTrue(bytes < 1 << 20, r.name + " left " + bytes + " bytes of logs");
        }
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** One {@code java -jar pushhub.jar} process and everything it printed. */
    private static final class Run {
        final String name;
        final int port;
        final Process process;
        private final List<String> lines = new ArrayList<>();
        private volatile Path extractedTo;

        private Run(String name, int port, Process process) {
            this.name = name;
            this.port = port;
            this.process = process;
        }

        static Run start(
                String name,
                Path jar,
                Path root,
                int port,
                List<String> jvmArgs,
                List<String> args,
                Map<String, String> env)
                throws IOException {
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(jvmArgs);
            command.add("-jar");
            command.add(jar.toAbsolutePath().toString());
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            // Nothing from the build's environment that would change the server: only what this run sets.
            pb.environment()
                    .keySet()
                    .removeIf(k -> k.startsWith("PUSHHUB_")
                            || k.startsWith("WLP_")
                            || k.equals("HTTP_HOST")
                            || k.endsWith("_PORT"));
            pb.environment().putAll(env);
            pb.environment().put("WLP_JAR_EXTRACT_ROOT", root.toString());
            Run run = new Run(name, port, pb.start());
            Thread reader = new Thread(run::read, "runnable-jar-" + name);
            reader.setDaemon(true);
            reader.start();
            return run;
        }

        private void read() {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = EXTRACTED.matcher(line);
                    if (m.find()) {
                        extractedTo = Paths.get(m.group(1));
                    }
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        int lineCount() {
            synchronized (lines) {
                return lines.size();
            }
        }

        String outputFrom(int line) {
            synchronized (lines) {
                return String.join("\n", lines.subList(line, lines.size()));
            }
        }

        Path extractedTo() {
            assertTrue(extractedTo != null, name + " never said where it extracted to:\n" + output());
            return extractedTo;
        }

        Api api() {
            return new Api("http://127.0.0.1:" + port);
        }

        String ws() {
            return "ws://127.0.0.1:" + port + "/ws";
        }

        /** Waits until /health/ready answers UP (the application has started), failing early if the process ends. */
        void awaitReady() throws Exception {
            long deadline = System.nanoTime() + READY.toNanos();
            Api api = api();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    fail(name + " ended with exit code " + process.exitValue() + " before it was ready:\n" + output());
                }
                try {
                    Api.Reply r = api.get("/health/ready", null);
                    if (r.status() == 200 && r.body().contains("\"status\":\"UP\"")) {
                        return;
                    }
                } catch (IOException notListeningYet) {
                    // keep waiting
                }
                Thread.sleep(500);
            }
            fail(name + " was not ready within " + READY.toSeconds() + " s:\n" + output());
        }

        /** SIGTERM, as Ctrl-C or an orchestrator sends it; Liberty stops the server and cleans up, then the JVM ends. */
        void stop() throws Exception {
            process.destroy();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                fail(name + " did not end within 120 s of SIGTERM:\n" + output());
            }
            // The reader has seen the last line once the process is gone; give it a moment to drain.
            Thread.sleep(200);
        }
    }
}
