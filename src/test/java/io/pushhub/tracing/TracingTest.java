package io.pushhub.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.Push;
import io.pushhub.Target;
import io.pushhub.broker.Tracking;
import io.pushhub.config.HubConfig;
import jakarta.json.JsonValue;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which pushes are journaled and which carry a traceparent: asked, a sampled caller, the sample rate; else nothing. */
class TracingTest {

    private static final String SAMPLED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String NOT_SAMPLED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
    private static final Push PUSH = Push.to(Target.user("alice"), JsonValue.TRUE);

    private static Tracing tracing(Map<String, String> keys) {
        Tracing t = Tracing.standalone(HubConfig.from(k -> Optional.ofNullable(keys.get(k))), Spans.NONE);
        t.start("n1", null);
        return t;
    }

    @Test
    void anUntracedPushStaysUntracked() {
        Tracing t = tracing(Map.of());
        assertSame(Tracking.NONE, t.track(PUSH, Tracking.NONE));
        assertSame(Tracking.NONE, Tracing.requested(false, null, () -> t.track(PUSH, Tracking.NONE)));
        assertEquals(0, t.journaledCount());
    }

    @Test
    void askedOrASampledCallerIsJournaledAndKeepsTheCallersTraceparent() {
        Tracing t = tracing(Map.of());
        Tracking asked = Tracing.requested(true, null, () -> t.track(PUSH, Tracking.NONE));
        assertTrue(asked.journal());
        assertNull(asked.traceparent());

        Tracking sampled = Tracing.requested(false, SAMPLED, () -> t.track(PUSH, Tracking.NONE));
        assertTrue(sampled.journal());
        assertEquals(SAMPLED, sampled.traceparent());

        Tracking notSampled = Tracing.requested(false, NOT_SAMPLED, () -> t.track(PUSH, Tracking.NONE));
        assertFalse(notSampled.journal(), "a caller that did not sample is not journaled");
        assertEquals(NOT_SAMPLED, notSampled.traceparent());

        Tracking garbage = Tracing.requested(false, "00-zz", () -> t.track(PUSH, Tracking.NONE));
        assertSame(Tracking.NONE, garbage, "an invalid traceparent is ignored");
        assertEquals(2, t.journaledCount());
        assertSame(Tracking.NONE, t.track(PUSH, Tracking.NONE), "the request ends with its push");
    }

    @Test
    void theSampleRateJournalsAboutThatFraction() {
        Tracing all = tracing(Map.of("pushhub.trace.sample-rate", "1"));
        assertTrue(all.track(PUSH, Tracking.NONE).journal());
        Tracing some = tracing(Map.of("pushhub.trace.sample-rate", "0.1"));
        int journaled = 0;
        for (int i = 0; i < 10_000; i++) {
            journaled += some.track(PUSH, Tracking.NONE).journal() ? 1 : 0;
        }
        assertTrue(journaled > 700 && journaled < 1300, "about 10% of 10000: " + journaled);
    }

    @Test
    void aSampleRateOutsideZeroToOneIsClampedWithAWarning() {
        HubConfig c = HubConfig.from(k ->
                Optional.ofNullable(Map.of("pushhub.trace.sample-rate", "5").get(k)));
        assertEquals(1.0, c.traceSampleRate());
        assertTrue(
                c.warnings().stream().anyMatch(w -> w.contains("pushhub.trace.sample-rate=5")),
                c.warnings().toString());
        assertEquals(
                0.0,
                HubConfig.from(k -> Optional.ofNullable(
                                Map.of("pushhub.trace.sample-rate", "often").get(k)))
                        .traceSampleRate());
    }

    @Test
    void traceparentsAreParsedStrictly() {
        Traceparent p = Traceparent.parse(SAMPLED);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", p.traceId());
        assertTrue(p.sampled());
        assertNull(Traceparent.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), "zero trace id");
        assertNull(Traceparent.parse("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"), "upper case");
        assertNull(Traceparent.parse(""));
    }
}
