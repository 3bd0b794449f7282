package io.pushhub.testsupport.payara;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.descriptor.api.Descriptor;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Arquillian container for the Payara run of the integration tests ({@code mvn verify -Ppayara}): the first deployment
 * starts one Payara Micro 6 ({@code java -jar payara-micro.jar --deploy pushhub.war}) on 127.0.0.1 with the same
 * settings as the Liberty test server, and that server serves every following test class that deploys the same
 * archive; it stops when the run ends. Payara Micro cannot redeploy without a restart (a start takes 20 s to over two
 * minutes on the team's machines), so, unlike on Liberty, test classes share one deployment; a class that deploys a
 * different archive (more classes in the WAR) restarts the server with it. See docs/payara.md.
 *
 * <p>The settings are the {@code <variable>}s of the Liberty test server's filtered
 * {@code configDropins/overrides/pushhub-it.xml} (API key, JWT key, small limits, broker), passed as system properties
 * (MicroProfile Config reads them on both servers), so the two runs cannot drift apart. Payara's output goes to
 * {@code target/payara-it/server.log}.
 */
public class PayaraMicroContainer implements DeployableContainer<PayaraMicroConfiguration> {

    /** Liberty endpoint variables: Payara gets its port on the command line. */
    private static final Set<String> LIBERTY_ONLY = Set.of("http.host", "http.port", "https.port");

    private PayaraMicroConfiguration config;
    private Process process;
    private String deployed;
    private String failedContent;
    private DeploymentException failed;
    private Thread shutdownHook;

    @Override
    public Class<PayaraMicroConfiguration> getConfigurationClass() {
        return PayaraMicroConfiguration.class;
    }

    @Override
    public void setup(PayaraMicroConfiguration configuration) {
        this.config = configuration;
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        // The tests are clients (@Deployment(testable = false)): nothing runs inside the server.
        return new ProtocolDescription("Local");
    }

    @Override
    public void start() {
        // Started by the first deploy(), which has the WAR.
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        String content = contentOf(archive);
        if (!content.equals(deployed)) {
            if (failed != null && content.equals(failedContent)) {
                // The same archive did not start a moment ago: fail this class at once instead of waiting again.
                throw failed;
            }
            // The first deployment, or a test class that deploys more than the plain WAR (ConnectionEventsIT adds
            // sample beans) or the plain WAR again after it: Payara Micro serves what it was started with, so restart.
            end();
            deployed = null;
            try {
                startWith(archive);
            } catch (Exception e) {
                end();
                failedContent = content;
                failed = new DeploymentException(archive.getName() + ": could not start Payara Micro: " + e, e);
                throw failed;
            }
            deployed = content;
        }
        ProtocolMetaData meta = new ProtocolMetaData();
        meta.addContext(new HTTPContext("127.0.0.1", config.getHttpPort()));
        return meta;
    }

    /** What an archive holds, by name and entry paths: equal for two deployments of the same WAR. */
    private static String contentOf(Archive<?> archive) {
        return archive.getName() + "\n"
                + archive.getContent().keySet().stream()
                        .map(ArchivePath::get)
                        .sorted()
                        .collect(Collectors.joining("\n"));
    }

    @Override
    public void undeploy(Archive<?> archive) {
        // The deployment stays for the next test class; stop() ends the server when the run ends.
    }

    @Override
    public void deploy(Descriptor descriptor) {
        throw new UnsupportedOperationException("descriptors are not deployed to Payara Micro");
    }

    @Override
    public void undeploy(Descriptor descriptor) {
        throw new UnsupportedOperationException("descriptors are not deployed to Payara Micro");
    }

    @Override
    public void stop() throws LifecycleException {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook does the same
            }
        }
        end();
    }

    private void end() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private void startWith(Archive<?> archive) throws Exception {
        Path work = Path.of(config.getRootDir()).toAbsolutePath();
        Files.createDirectories(work);
        Path war = work.resolve(archive.getName());
        archive.as(ZipExporter.class).exportTo(war.toFile(), true);
        // Bind to loopback only, like the Liberty test server (http.host=127.0.0.1). EJB timers: Payara delivers an
        // interval timer at most once a second by default, so the tests' 100 ms demo job (pushhub.demo.interval)
        // would take 20 s; lower the floor as a Payara user who wants such intervals must (docs/payara.md).
        Path preboot = work.resolve("preboot.asadmin");
        Files.writeString(
                preboot,
                "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener"
                        + ".address=127.0.0.1\n"
                        + "set configs.config.server-config.ejb-container.ejb-timer-service"
                        + ".minimum-delivery-interval-in-millis=50\n");

        // A fresh root directory for every start: Payara Micro records each --deploy in its root's domain.xml and
        // deploys it again at the next start, so after a class with an archive of another name (shop.war of
        // EmbeddedInAnApplicationIT) the next server ran both applications, and MetricsIT saw each series twice.
        Path root = work.resolve("root");
        deleteTree(root);

        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String option : config.getJavaOptions().trim().split("\\s+")) {
            if (!option.isEmpty()) {
                cmd.add(option);
            }
        }
        Map<String, String> settings = settings();
        settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        // Scheduled pushes: embedded Derby under this run's directory (Payara Micro's working directory is the
        // build's), kept across the restarts of this run like Liberty's under its server directory.
        cmd.add("-Dpushhub.scheduled.jdbc-url=jdbc:derby:"
                + work.resolve("pushhub-db").toAbsolutePath() + ";create=true");
        cmd.addAll(List.of(
                "-jar",
                new File(config.getMicroJar()).getAbsolutePath(),
                "--deploy",
                war.toString(),
                "--port",
                String.valueOf(config.getHttpPort()),
                "--nocluster",
                "--noHazelcast",
                "--prebootcommandfile",
                preboot.toString(),
                "--rootDir",
                root.toString()));

        Path log = Path.of(config.getLogFile()).toAbsolutePath();
        Files.createDirectories(log.getParent());
        System.out.println("[pushhub] starting Payara Micro on 127.0.0.1:" + config.getHttpPort() + " with " + war
                + " and " + settings.size() + " settings from " + config.getSettingsFile() + "; log: " + log);
        long started = System.nanoTime();
        // Appended: a restart (another archive, a rerun) keeps the earlier servers' output.
        long from = Files.exists(log) ? Files.size(log) : 0;
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        shutdownHook = new Thread(this::end, "payara-micro-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);

        long deadline =
                started + Duration.ofSeconds(config.getStartTimeoutSeconds()).toNanos();
        while (true) {
            byte[] all = Files.readAllBytes(log);
            String out = new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8);
            if (out.contains("Payara Micro") && out.contains(" ready in ")) {
                // Known and documented (docs/payara.md): with the Redis broker, Payara Micro stops the application
                // once while it boots and its leak detector reports the Netty thread-local that Lettuce left on the
                // booting thread. Every other SEVERE fails the run.
                List<String> severe = out.lines()
                        .filter(l -> l.contains("SEVERE"))
                        .filter(l -> !(l.contains("created a ThreadLocal") && l.contains("io.netty.")))
                        .toList();
                if (!severe.isEmpty()) {
                    end();
                    throw new DeploymentException(
                            "Payara logged SEVERE while deploying (see " + log + "):\n" + String.join("\n", severe));
                }
                break;
            }
            if (!process.isAlive()) {
                throw new DeploymentException(
                        "Payara Micro exited with " + process.exitValue() + " before it was ready; see " + log);
            }
            if (System.nanoTime() > deadline) {
                end();
                throw new DeploymentException(
                        "Payara Micro was not ready within " + config.getStartTimeoutSeconds() + " s; see " + log);
            }
            Thread.sleep(250);
        }
        System.out.println("[pushhub] Payara Micro ready after " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * The Liberty test server's variables (a {@code <variable name value>} each), minus its endpoint, plus this run's
     * Redis key prefix (its own, so the Payara run never sees the Liberty run's history or presence).
     */
    private Map<String, String> settings() throws Exception {
        Path file = Path.of(config.getSettingsFile());
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + file + ": the Liberty test server's settings are copied there in "
                    + "pre-integration-test (maven-resources-plugin, execution it-server-overrides)");
        }
        NodeList variables = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(file.toFile())
                .getElementsByTagName("variable");
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < variables.getLength(); i++) {
            Element v = (Element) variables.item(i);
            if (!LIBERTY_ONLY.contains(v.getAttribute("name")) && v.hasAttribute("value")) {
                settings.put(v.getAttribute("name"), v.getAttribute("value"));
            }
        }
        if (config.getRedisPrefix() != null && !config.getRedisPrefix().isBlank()) {
            settings.put("pushhub.redis.prefix", config.getRedisPrefix());
        }
        return settings;
    }
}
