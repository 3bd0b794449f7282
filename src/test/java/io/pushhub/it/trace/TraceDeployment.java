package io.pushhub.it.trace;

import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The real WAR plus (test only) an in-memory span exporter ({@link InMemorySpans}), a REST view of it
 * ({@link SpansResource}), and OpenTelemetry turned on in the WAR's own MicroProfile Config: {@code
 * otel.sdk.disabled=false}, {@code otel.traces.exporter=in-memory}, export every 100 ms.
 */
public final class TraceDeployment {

    private TraceDeployment() {}

    public static WebArchive war() {
        File file = new File(System.getProperty("pushhub.war", "target/pushhub.war"));
        WebArchive war = ShrinkWrap.createFromZipFile(WebArchive.class, file);
        String path = "WEB-INF/classes/META-INF/microprofile-config.properties";
        String props;
        try (InputStream in = war.get(path).getAsset().openStream()) {
            props = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        war.delete(path);
        war.addAsResource(
                new StringAsset(props
                        + "\notel.sdk.disabled=false\notel.traces.exporter=in-memory\notel.metrics.exporter=none"
                        + "\notel.logs.exporter=none\notel.bsp.schedule.delay=100\notel.service.name=pushhub-it\n"),
                "META-INF/microprofile-config.properties");
        return war.addClasses(
                        InMemorySpans.class, InMemorySpans.Provider.class, SpansResource.class, TraceDeployment.class)
                .addAsServiceProvider(ConfigurableSpanExporterProvider.class, InMemorySpans.Provider.class);
    }
}
