package io.pushhub.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.Push;
import io.pushhub.Target;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the relay makes of a row the backend wrote: the push it asks for, or the reason it is kept instead. */
class OutboxRowTest {

    private static OutboxRow row(String scope, String[] targets, String data, String key) {
        return new OutboxRow(42, 0, scope, targets, data, key, null);
    }

    private static String rejection(OutboxRow r) {
        return assertThrows(OutboxRow.Rejected.class, () -> r.toPush("pushhub_outbox", 1000))
                .getMessage();
    }

    @Test
    void aTopicRowBecomesAPushWithTheRowIdAsItsKey() throws Exception {
        Instant exp = Instant.parse("2030-01-01T00:00:00Z");
        Push p = new OutboxRow(7, 3, "topic", new String[] {"orders", "orders", "shop:1"}, "{\"a\":1}", null, exp)
                .toPush("pushhub_outbox", 1000);
        assertEquals(Target.topics(List.of("orders", "shop:1")), p.target(), "duplicate names are pushed once");
        assertEquals("outbox:pushhub_outbox:7", p.idempotencyKey());
        assertEquals(exp, p.expiresAt());
        assertEquals(1, p.data().asJsonObject().getInt("a"));
    }

    @Test
    void theBackendsOwnKeyWins() throws Exception {
        Push p = row("user", new String[] {"alice"}, "1", "order-4711-shipped").toPush("t", 1000);
        assertEquals("order-4711-shipped", p.idempotencyKey());
        assertEquals(Target.user("alice"), p.target());
    }

    @Test
    void everyoneTakesNoTargetsSoAMistakeNeverWidensTheAudience() throws Exception {
        assertEquals(
                Target.all(),
                row("all", new String[0], "1", null).toPush("t", 1000).target());
        assertTrue(rejection(row("all", new String[] {"alice"}, "1", null)).contains("scope all takes no targets"));
    }

    @Test
    void malformedRowsAreRejectedWithAReason() {
        assertTrue(rejection(row("everyone", new String[0], "1", null)).contains("unknown scope 'everyone'"));
        assertTrue(rejection(row(null, new String[0], "1", null)).contains("scope is null"));
        assertTrue(rejection(row("topic", new String[0], "1", null)).contains("needs at least one name"));
        assertTrue(
                rejection(row("topic", new String[] {"bad topic!"}, "1", null)).contains("characters outside"));
        assertTrue(rejection(row("user", new String[] {null}, "1", null)).contains("null or blank"));
        assertTrue(rejection(row("user", new String[] {"a"}, "{not json", null)).startsWith("data is not JSON"));
        assertTrue(rejection(row("user", new String[] {"a"}, null, null)).contains("data is null"));
        assertTrue(rejection(row("user", new String[] {"a"}, "\"" + "x".repeat(2000) + "\"", null))
                .contains("more than pushhub.push.max-body-bytes (1000)"));
        assertTrue(rejection(row("user", new String[] {"a"}, "1", "has space")).startsWith("idempotency_key:"));
        assertTrue(rejection(row("user", new String[] {"a"}, "[".repeat(100) + "]".repeat(100), null))
                .contains("nest"));
    }
}
