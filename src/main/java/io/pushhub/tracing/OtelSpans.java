package io.pushhub.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@link Spans} on the OpenTelemetry API the server provides (MicroProfile Telemetry). Only this class names
 * OpenTelemetry types; {@link Tracing} loads it only when the API is there and tracing is on.
 */
final class OtelSpans implements Spans {

    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("pushhub.message_id");
    static final AttributeKey<String> TARGET_KIND = AttributeKey.stringKey("pushhub.target.kind");
    static final AttributeKey<String> NODE = AttributeKey.stringKey("pushhub.node");

    private final Tracer tracer;

    OtelSpans(Object openTelemetry) {
        this.tracer = ((OpenTelemetry) openTelemetry).getTracer("io.pushhub", "1");
    }

    /** The container's {@link OpenTelemetry} bean. */
    static Object lookUp() {
        return jakarta.enterprise
                .inject
                .spi
                .CDI
                .current()
                .select(OpenTelemetry.class)
                .get();
    }

    @Override
    public boolean active() {
        return true;
    }

    @Override
    public <T> T push(String messageId, String targetKind, Supplier<T> body) {
        Span span = tracer.spanBuilder("pushhub push")
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(MESSAGE_ID, messageId)
                .setAttribute(TARGET_KIND, targetKind)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return body.get();
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            throw e;
        } finally {
            span.end();
        }
    }

    @Override
    public String currentTraceparent() {
        SpanContext sc = Span.current().getSpanContext();
        if (!sc.isValid() || !sc.isSampled()) {
            return null;
        }
        return "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-"
                + sc.getTraceFlags().asHex();
    }

    @Override
    public FanOut fanOut(String traceparent, String messageId, String node, String targetKind) {
        Traceparent tp = Traceparent.parse(traceparent);
        if (tp == null || !tp.sampled()) {
            return null;
        }
        SpanContext remote = SpanContext.createFromRemoteParent(
                tp.traceId(), tp.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
        Span span = tracer.spanBuilder("pushhub fan-out")
                .setParent(Context.root().with(Span.wrap(remote)))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(MESSAGE_ID, messageId)
                .setAttribute(TARGET_KIND, targetKind)
                .setAttribute(NODE, node)
                .startSpan();
        return new FanOut() {
            @Override
            public void event(String name, Map<String, String> attributes) {
                AttributesBuilder b = Attributes.builder();
                attributes.forEach((k, v) -> {
                    if (v != null) {
                        b.put(k, v);
                    }
                });
                span.addEvent(name, b.build());
            }

            @Override
            public void end(Map<String, Long> counts) {
                counts.forEach((k, v) -> span.setAttribute(k, v));
                span.end();
            }
        };
    }
}
