package io.pushhub.relay;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The configured table name ends up in SQL: only plain lower-case identifiers get there, quoted. */
class OutboxTableTest {

    @Test
    void plainNamesAndSchemaQualifiedNamesAreAccepted() {
        assertNull(OutboxTable.problem("pushhub_outbox"));
        assertNull(OutboxTable.problem("shop.pushhub_outbox_2"));
        assertTrue(OutboxTable.named("shop.outbox").select().contains("FROM \"shop\".\"outbox\" "));
        assertTrue(OutboxTable.named("outbox").ddl().get(2).contains("pg_notify('outbox', '')"));
    }

    @Test
    void anythingElseIsRefusedBeforeItReachesSql() {
        for (String bad : new String[] {
            "Outbox", "outbox; DROP TABLE x", "a.b.c", "1outbox", "out-box", "\"outbox\"", "", "x".repeat(57)
        }) {
            assertNotNull(OutboxTable.problem(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> OutboxTable.named(bad), bad);
        }
        assertNotNull(OutboxTable.problem(null));
    }
}
