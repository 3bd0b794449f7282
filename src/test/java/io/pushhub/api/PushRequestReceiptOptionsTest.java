package io.pushhub.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.Push;
import io.pushhub.Target;
import io.pushhub.problem.ApiProblem;
import jakarta.json.Json;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The receipt options of {@code POST /api/push}: what they set, and a clear 400 for every misuse. */
class PushRequestReceiptOptionsTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private static PushRequest parse(String body) {
        return PushRequest.parse(body, NOW, Duration.ofDays(30));
    }

    private static String refused(String body) {
        ApiProblem p = assertThrows(ApiProblem.class, () -> parse(body), body);
        assertEquals(400, p.status(), p.getMessage());
        return p.getMessage();
    }

    @Test
    void receiptCollapseAndEscalationAreReadAndImplyAReceipt() {
        assertNull(parse("{\"user\":\"alice\",\"data\":1}").receipt(), "no option: no receipt");
        assertNull(parse("{\"user\":\"alice\",\"data\":1,\"receipt\":false}").receipt());
        assertEquals(
                Push.Receipt.PLAIN,
                parse("{\"topic\":\"news\",\"data\":1,\"receipt\":true}").receipt());
        Push.Receipt collapse =
                parse("{\"user\":\"alice\",\"data\":1,\"collapseOnAck\":true}").receipt();
        assertTrue(collapse.collapseOnAck());
        assertNull(collapse.escalateAfter());
        Push.Receipt both = parse(
                        "{\"users\":[\"a\",\"b\"],\"data\":1,\"collapseOnAck\":true,\"escalateAfter\":\"PT30S\"}")
                .receipt();
        assertEquals(new Push.Receipt(true, Duration.ofSeconds(30)), both);
        assertEquals(
                Duration.ofMillis(1500),
                parse("{\"user\":\"a\",\"data\":1,\"escalateAfter\":1500}")
                        .receipt()
                        .escalateAfter(),
                "milliseconds as a number, like ttl and delay");
        assertFalse(parse("{\"user\":\"a\",\"data\":1,\"escalateAfter\":\"P1D\"}")
                .receipt()
                .collapseOnAck());
    }

    @Test
    void misuseIsA400NamingTheProblem() {
        assertTrue(refused("{\"topic\":\"news\",\"data\":1,\"collapseOnAck\":true}")
                .contains("'user' or 'users'"));
        assertTrue(refused("{\"data\":1,\"escalateAfter\":\"PT30S\"}").contains("everyone"));
        assertTrue(refused("{\"connection\":\"c-1\",\"data\":1,\"escalateAfter\":\"PT30S\"}")
                .contains("connections"));
        assertTrue(refused("{\"user\":\"a\",\"data\":1,\"escalateAfter\":\"PT0.5S\"}")
                .contains("at least 1 s"));
        assertTrue(
                refused("{\"user\":\"a\",\"data\":1,\"escalateAfter\":\"P2D\"}").contains("escalateAfter"));
        assertTrue(refused("{\"user\":\"a\",\"data\":1,\"escalateAfter\":\"soon\"}")
                .contains("escalateAfter"));
        assertTrue(
                refused("{\"user\":\"a\",\"data\":1,\"receipt\":\"yes\"}").contains("'receipt' must be true or false"));
        assertTrue(refused("{\"user\":\"a\",\"data\":1,\"collapseOnAck\":1}").contains("collapseOnAck"));
        assertTrue(refused("{\"user\":\"a\",\"data\":1,\"receipt\":true,\"delay\":1000}")
                .contains("made now"));
        assertTrue(refused("{\"user\":\"a\",\"data\":1,\"receipt\":true,\"cron\":\"0 0 * * * *\"}")
                .contains("made now"));
    }

    @Test
    void theJavaApiChecksTheSameRules() {
        Push toTopic = Push.to(Target.topic("news"), Json.createValue(1));
        assertEquals(Push.Receipt.PLAIN, toTopic.withReceipt().receipt());
        assertThrows(IllegalArgumentException.class, toTopic::withCollapseOnAck);
        assertThrows(IllegalArgumentException.class, () -> toTopic.withEscalateAfter(Duration.ofSeconds(30)));
        Push toUser = Push.to(Target.user("alice"), Json.createValue(1));
        assertThrows(IllegalArgumentException.class, () -> toUser.withEscalateAfter(Duration.ofMillis(999)));
        assertThrows(
                IllegalArgumentException.class,
                () -> toUser.withEscalateAfter(Duration.ofDays(1).plusMillis(1)));
        Push both = toUser.withCollapseOnAck().withEscalateAfter(Duration.ofMinutes(1));
        assertEquals(new Push.Receipt(true, Duration.ofMinutes(1)), both.receipt(), "the options add up");
        assertEquals(
                both.receipt(),
                both.withTtl(Duration.ofMinutes(5)).withIdempotencyKey("k").receipt());
    }
}
