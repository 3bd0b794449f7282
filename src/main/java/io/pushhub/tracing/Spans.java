package io.pushhub.tracing;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The OpenTelemetry spans pushhub makes, behind an interface without OpenTelemetry types, so that the hub runs (and
 * pays nothing) where tracing is off or the OpenTelemetry API is missing: {@link #NONE}.
 */
public interface Spans {

    /** Whether spans are made at all. */
    boolean active();

    /** Runs {@code body} in a {@code pushhub push} span (child of the current context). */
    <T> T push(String messageId, String targetKind, Supplier<T> body);

    /** The W3C traceparent of the current context when it is sampled, else null. */
    String currentTraceparent();

    /**
     * Starts a {@code pushhub fan-out} span on this node whose parent is {@code traceparent} (remote when it came from
     * another node), or null when no span is made.
     */
    FanOut fanOut(String traceparent, String messageId, String node, String targetKind);

    /** One node's fan-out span. Thread-safe. */
    interface FanOut {
        /** A span event ({@code enqueued}, {@code written}, {@code dropped}, ...) with its attributes. */
        void event(String name, Map<String, String> attributes);

        /** Ends the span with the node's counts as attributes ({@code pushhub.written}, ...). */
        void end(Map<String, Long> counts);
    }

    Spans NONE = new Spans() {
        @Override
        public boolean active() {
            return false;
        }

        @Override
        public <T> T push(String messageId, String targetKind, Supplier<T> body) {
            return body.get();
        }

        @Override
        public String currentTraceparent() {
            return null;
        }

        @Override
        public FanOut fanOut(String traceparent, String messageId, String node, String targetKind) {
            return null;
        }
    };
}
