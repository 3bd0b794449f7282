package io.pushhub.relay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The SQL of one outbox table: its DDL (docs/outbox.md shows the same for the default name) and the relay's
 * statements. The name comes from configuration and ends up in SQL, so it is checked against a strict pattern and
 * quoted; nothing a row contains is ever put into SQL text.
 */
final class OutboxTable {

    /** {@code [schema.]table}, lower case; the table part leaves room for the {@code _notify} suffix in 63 bytes. */
    private static final Pattern NAME = Pattern.compile("([a-z_][a-z0-9_]{0,55}\\.)?[a-z_][a-z0-9_]{0,55}");

    private final String name;
    private final String qualified;
    private final String function;
    private final String trigger;
    private final String index;
    /** First key of the two-key advisory locks: the table's, so two tables never share leaders. */
    private final int lockClass;

    private OutboxTable(String name) {
        this.name = name;
        int dot = name.indexOf('.');
        String schema = dot < 0 ? null : name.substring(0, dot);
        String table = dot < 0 ? name : name.substring(dot + 1);
        this.qualified = (schema == null ? "" : quote(schema) + ".") + quote(table);
        this.function = (schema == null ? "" : quote(schema) + ".") + quote(table + "_notify");
        this.trigger = quote(table + "_notify");
        this.index = quote(table + "_relay");
        this.lockClass = ("pushhub-outbox:" + name).hashCode();
    }

    /** Why {@code name} cannot be an outbox table name, or null. */
    static String problem(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return "pushhub.outbox-relay.table '" + name + "' is not [schema.]table in lower-case letters, digits and _"
                    + " (each part at most 56 characters, not starting with a digit)";
        }
        return null;
    }

    static OutboxTable named(String name) {
        String p = problem(name);
        if (p != null) {
            throw new IllegalArgumentException(p);
        }
        return new OutboxTable(name);
    }

    private static String quote(String identifier) {
        return '"' + identifier + '"';
    }

    /** The configured name, also the NOTIFY channel. */
    String name() {
        return name;
    }

    /** The DDL that creates the table, its index, the NOTIFY function and trigger (idempotent statements). */
    List<String> ddl() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + qualified + " (\n"
                        + "  id              bigserial   PRIMARY KEY,\n"
                        + "  partition       int         NOT NULL DEFAULT 0,\n"
                        + "  scope           text        NOT NULL,\n"
                        + "  targets         text[]      NOT NULL DEFAULT '{}',\n"
                        + "  data            jsonb       NOT NULL,\n"
                        + "  idempotency_key text,\n"
                        + "  expires_at      timestamptz,\n"
                        + "  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
                        + "  error           text,\n"
                        + "  rejected_at     timestamptz\n"
                        + ")",
                "CREATE INDEX IF NOT EXISTS " + index + " ON " + qualified + " (partition, id) WHERE error IS NULL",
                "CREATE OR REPLACE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                        + "BEGIN\n"
                        + "  PERFORM pg_notify('" + name + "', '');\n"
                        + "  RETURN NULL;\n"
                        + "END $$");
    }

    /** The trigger, created only when missing (PostgreSQL before 14 has no CREATE OR REPLACE TRIGGER). */
    String createTrigger() {
        return "CREATE TRIGGER " + trigger + " AFTER INSERT ON " + qualified + " FOR EACH STATEMENT EXECUTE FUNCTION "
                + function + "()";
    }

    /**
     * Creates what is missing, in one transaction serialized by an advisory lock so that nodes starting together do
     * not trip over each other's CREATE.
     */
    void create(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + lockClass + ", -1)");
            for (String sql : ddl()) {
                s.execute(sql);
            }
            if (!hasTrigger(c)) {
                s.execute(createTrigger());
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    boolean hasTrigger(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname = ?")) {
            ps.setString(1, qualified);
            ps.setString(2, trigger.substring(1, trigger.length() - 1));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) > 0;
            }
        }
    }

    String listen() {
        return "LISTEN " + quote(name);
    }

    /** Takes the free partitions of {@code ?::int[]}: one round trip; returns the partitions now led. */
    String tryLock() {
        return "SELECT p FROM unnest(?::int[]) AS p WHERE pg_try_advisory_lock(" + lockClass + ", p)";
    }

    /**
     * The oldest rows of the led partitions, in id order; rows that commit late (a lower id than some already relayed)
     * are found the next time, since nothing is remembered between rounds. Parameters: the led partitions, whether to
     * take rows of partitions outside {@code 0..N-1} too (the leader of partition 0 does, to reject them), N, limit.
     */
    String select() {
        return "SELECT id, partition, scope, targets, data::text, idempotency_key, expires_at,"
                + " expires_at IS NOT NULL AND expires_at <= clock_timestamp() AS expired,"
                + " extract(epoch FROM clock_timestamp() - created_at) AS age"
                + " FROM " + qualified
                + " WHERE error IS NULL AND (partition = ANY(?::int[]) OR (? AND (partition < 0 OR partition >= ?)))"
                + " ORDER BY id LIMIT ?";
    }

    String delete() {
        return "DELETE FROM " + qualified + " WHERE id = ANY(?::bigint[])";
    }

    String reject() {
        return "UPDATE " + qualified + " SET error = ?, rejected_at = clock_timestamp() WHERE id = ?";
    }

    @Override
    public String toString() {
        return name.toLowerCase(Locale.ROOT);
    }
}
