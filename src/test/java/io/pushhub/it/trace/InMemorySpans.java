package io.pushhub.it.trace;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Test only, deployed in TraceIT's WAR: an OpenTelemetry span exporter named {@code in-memory} (the server's SDK finds
 * it through {@link ConfigurableSpanExporterProvider}, with {@code otel.traces.exporter=in-memory}) that keeps the last
 * {@link #MAX} spans for {@link SpansResource}.
 */
public final class InMemorySpans implements SpanExporter {

    static final int MAX = 5000;
    static final ConcurrentLinkedDeque<SpanData> SPANS = new ConcurrentLinkedDeque<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        for (SpanData s : spans) {
            SPANS.addLast(s);
            while (SPANS.size() > MAX) {
                SPANS.pollFirst();
            }
        }
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    static List<SpanData> of(String traceId) {
        List<SpanData> out = new ArrayList<>();
        for (SpanData s : SPANS) {
            if (s.getTraceId().equals(traceId)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The SPI the server's SDK asks for exporters by name. */
    public static final class Provider implements ConfigurableSpanExporterProvider {
        @Override
        public SpanExporter createExporter(ConfigProperties config) {
            return new InMemorySpans();
        }

        @Override
        public String getName() {
            return "in-memory";
        }
    }
}
