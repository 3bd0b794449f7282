package io.pushhub.scheduling;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The scheduled-push table and its one-row counter, in SQL that Apache Derby (embedded, the default) and PostgreSQL
 * both run. Every node of a cluster reads and writes the same table; the database is the only coordination.
 *
 * <p><b>Firing once.</b> A node fires a row only after {@link #claim} set its lease (owner + lease end) with a
 * conditional {@code UPDATE}: of nodes racing for a row exactly one update matches. The lease's end doubles as the
 * claim's token: {@link #finish} and {@link #advance} match owner and end, so a node whose lease ran out (a stopped
 * JVM that woke up) cannot delete or move a row another node claimed since.
 *
 * <p><b>Exact limit.</b> {@link #insert} and every delete change the counter row in the same transaction as the row,
 * counter first (one lock order everywhere: no deadlock), so the number of rows never exceeds the limit, cluster-wide.
 *
 * <p>Times are epoch milliseconds of the nodes' clocks (keep them in sync: NTP). Not thread-confined: each method
 * takes its own connection from the caller.
 */
final class ScheduleTable {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,49}");

    /** A row: one pending push, one-shot ({@code cron} null) or recurring. */
    record Row(
            String id,
            String messageId,
            long dueAt,
            String scope,
            String targetsJson,
            String dataJson,
            Long expiresAt,
            String cronJson,
            Long ttlMillis,
            Long endsAt,
            String leaseOwner,
            Long leaseUntil) {

        Row withLease(String owner, long until) {
            return new Row(
                    id,
                    messageId,
                    dueAt,
                    scope,
                    targetsJson,
                    dataJson,
                    expiresAt,
                    cronJson,
                    ttlMillis,
                    endsAt,
                    owner,
                    until);
        }
    }

    /** What a cancel or a reschedule found. */
    enum Outcome {
        DONE,
        /** A node holds the row's lease: it is firing now. */
        FIRING,
        NOT_FOUND
    }

    private final String table;
    private final String counter;
    private final boolean derby;

    private ScheduleTable(String table, boolean derby) {
        this.table = table;
        this.counter = table + "_count";
        this.derby = derby;
    }

    /** Why {@code name} cannot be the table's name, or null when it can. */
    static String problem(String name) {
        return NAME.matcher(name).matches()
                ? null
                : "pushhub.scheduled.table must be 1 to 50 lower-case letters, digits and _, starting with a letter, got '"
                        + name + "'";
    }

    /** @param jdbcUrl decides the dialect: {@code jdbc:derby:} or {@code jdbc:postgresql:} */
    static ScheduleTable named(String name, String jdbcUrl) {
        if (problem(name) != null) {
            throw new IllegalArgumentException(problem(name));
        }
        return new ScheduleTable(name, jdbcUrl.startsWith("jdbc:derby:"));
    }

    private String text() {
        return derby ? "CLOB" : "TEXT";
    }

    /** Creates the table, its index and the counter row when missing; safe when several nodes do it at once. */
    void create(Connection c) throws SQLException {
        if (!exists(c, table)) {
            ignoreExists(
                    c,
                    "CREATE TABLE " + table + " (id VARCHAR(64) NOT NULL PRIMARY KEY, message_id VARCHAR(256) NOT NULL,"
                            + " due_at BIGINT NOT NULL, scope VARCHAR(16) NOT NULL, targets " + text() + " NOT NULL,"
                            + " data " + text() + " NOT NULL, expires_at BIGINT, cron VARCHAR(2048), ttl_ms BIGINT,"
                            + " ends_at BIGINT, lease_owner VARCHAR(64), lease_until BIGINT, created_at BIGINT NOT NULL)");
            ignoreExists(c, "CREATE INDEX " + table + "_due ON " + table + " (due_at)");
        }
        if (!exists(c, counter)) {
            ignoreExists(c, "CREATE TABLE " + counter + " (id INT NOT NULL PRIMARY KEY, n BIGINT NOT NULL)");
        }
        boolean hasRow;
        try (PreparedStatement ps = c.prepareStatement("SELECT n FROM " + counter + " WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            hasRow = rs.next();
        }
        if (!hasRow) {
            long n;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                n = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + counter + " (id, n) VALUES (1, ?)")) {
                ps.setLong(1, n);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) { // another node inserted it first
                    throw e;
                }
            }
        }
    }

    private boolean exists(Connection c, String name) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        String n = md.storesUpperCaseIdentifiers() ? name.toUpperCase(java.util.Locale.ROOT) : name;
        try (ResultSet rs = md.getTables(null, null, n, new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    private static void ignoreExists(Connection c, String ddl) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(ddl);
        } catch (SQLException e) {
            // X0Y32: Derby, 42P07: PostgreSQL, 23505: PostgreSQL's catalog race of two CREATEs: made by another node.
            if (!("X0Y32".equals(e.getSQLState())
                    || "42P07".equals(e.getSQLState())
                    || "23505".equals(e.getSQLState()))) {
                throw e;
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
    }

    /**
     * Inserts a row unless {@code max} rows exist already (cluster-wide, exact).
     *
     * @return false when the limit is reached (nothing was inserted)
     */
    boolean insert(Connection c, Row r, long now, int max) throws SQLException {
        return inTransaction(c, () -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE " + counter + " SET n = n + 1 WHERE id = 1 AND n < ?")) {
                ps.setLong(1, max);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                    + " (id, message_id, due_at, scope, targets, data, expires_at, cron, ttl_ms, ends_at, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, r.id());
                ps.setString(2, r.messageId());
                ps.setLong(3, r.dueAt());
                ps.setString(4, r.scope());
                ps.setString(5, r.targetsJson());
                ps.setString(6, r.dataJson());
                setLong(ps, 7, r.expiresAt());
                ps.setString(8, r.cronJson());
                setLong(ps, 9, r.ttlMillis());
                setLong(ps, 10, r.endsAt());
                ps.setLong(11, now);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** Rows due at {@code now} that no live lease holds, soonest first, at most {@code limit}. */
    List<Row> due(Connection c, long now, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                select() + " WHERE due_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY due_at")) {
            ps.setLong(1, now);
            ps.setLong(2, now);
            ps.setMaxRows(limit);
            return rows(ps);
        }
    }

    /** Every row (pending or firing), soonest first, at most {@code limit}. */
    List<Row> all(Connection c, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(select() + " ORDER BY due_at, id")) {
            ps.setMaxRows(limit);
            return rows(ps);
        }
    }

    /** One row, or null. */
    Row get(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(select() + " WHERE id = ?")) {
            ps.setString(1, id);
            List<Row> r = rows(ps);
            return r.isEmpty() ? null : r.get(0);
        }
    }

    long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT n FROM " + counter + " WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Takes the row's lease if it is due and no live lease holds it; true for exactly one of racing nodes. */
    boolean claim(Connection c, String id, String owner, long now, long until) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET lease_owner = ?, lease_until = ?"
                + " WHERE id = ? AND due_at <= ? AND (lease_until IS NULL OR lease_until < ?)")) {
            ps.setString(1, owner);
            ps.setLong(2, until);
            ps.setString(3, id);
            ps.setLong(4, now);
            ps.setLong(5, now);
            return ps.executeUpdate() == 1;
        }
    }

    /** Deletes a row this node holds the lease of (fired for the last time); false when the lease was lost. */
    boolean finish(Connection c, Row claimed) throws SQLException {
        return delete(
                c,
                " WHERE id = ? AND lease_owner = ? AND lease_until = ?",
                claimed.id(),
                claimed.leaseOwner(),
                claimed.leaseUntil());
    }

    /** Moves a recurring row this node holds the lease of to its next time, with the next firing's message id. */
    boolean advance(Connection c, Row claimed, long nextDue, String nextMessageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                + " SET due_at = ?, message_id = ?, lease_owner = NULL, lease_until = NULL"
                + " WHERE id = ? AND lease_owner = ? AND lease_until = ?")) {
            ps.setLong(1, nextDue);
            ps.setString(2, nextMessageId);
            ps.setString(3, claimed.id());
            ps.setString(4, claimed.leaseOwner());
            ps.setLong(5, claimed.leaseUntil());
            return ps.executeUpdate() == 1;
        }
    }

    /** Lets a claimed row be fired again after {@code retryAt} (by any node): its push failed for a passing reason. */
    void retryAt(Connection c, Row claimed, long retryAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE " + table + " SET lease_until = ? WHERE id = ? AND lease_owner = ? AND lease_until = ?")) {
            ps.setLong(1, retryAt);
            ps.setString(2, claimed.id());
            ps.setString(3, claimed.leaseOwner());
            ps.setLong(4, claimed.leaseUntil());
            ps.executeUpdate();
        }
    }

    /** Deletes a row no live lease holds. */
    Outcome cancel(Connection c, String id, long now) throws SQLException {
        if (delete(c, " WHERE id = ? AND (lease_until IS NULL OR lease_until < ?)", id, now)) {
            return Outcome.DONE;
        }
        return get(c, id) == null ? Outcome.NOT_FOUND : Outcome.FIRING;
    }

    /**
     * Gives a row no live lease holds a new time and recurrence (null cron: one-shot) and message id.
     */
    Outcome reschedule(Connection c, String id, long now, long dueAt, String cronJson, Long endsAt, String messageId)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                + " SET due_at = ?, cron = ?, ends_at = ?, message_id = ?, lease_owner = NULL, lease_until = NULL"
                + " WHERE id = ? AND (lease_until IS NULL OR lease_until < ?)")) {
            ps.setLong(1, dueAt);
            ps.setString(2, cronJson);
            setLong(ps, 3, endsAt);
            ps.setString(4, messageId);
            ps.setString(5, id);
            ps.setLong(6, now);
            if (ps.executeUpdate() == 1) {
                return Outcome.DONE;
            }
        }
        return get(c, id) == null ? Outcome.NOT_FOUND : Outcome.FIRING;
    }

    /** Deletes by a condition, counter first; true when a row went. */
    private boolean delete(Connection c, String where, Object... args) throws SQLException {
        return inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + counter + " SET n = n - 1 WHERE id = 1")) {
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + where)) {
                for (int i = 0; i < args.length; i++) {
                    if (args[i] instanceof Long l) {
                        ps.setLong(i + 1, l);
                    } else {
                        ps.setString(i + 1, (String) args[i]);
                    }
                }
                if (ps.executeUpdate() == 1) {
                    return true;
                }
            }
            c.rollback(); // nothing deleted: the counter stays
            return false;
        });
    }

    private interface Work {
        boolean run() throws SQLException;
    }

    private static boolean inTransaction(Connection c, Work w) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            boolean ok = w.run();
            if (ok) {
                c.commit();
            } else {
                c.rollback();
            }
            return ok;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private String select() {
        return "SELECT id, message_id, due_at, scope, targets, data, expires_at, cron, ttl_ms, ends_at, lease_owner,"
                + " lease_until FROM " + table;
    }

    private static List<Row> rows(PreparedStatement ps) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Row(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        nullableLong(rs, 7),
                        rs.getString(8),
                        nullableLong(rs, 9),
                        nullableLong(rs, 10),
                        rs.getString(11),
                        nullableLong(rs, 12)));
            }
        }
        return out;
    }

    private static Long nullableLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    @Override
    public String toString() {
        return table;
    }
}
