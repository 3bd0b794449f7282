package io.pushhub.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Assumptions;

/**
 * PostgreSQL for the outbox relay tests. The Maven profile {@code postgres} sets {@code it.pg.enabled} (and the test
 * server's relay with it); {@code it.pg.url} (default the PostgreSQL at 127.0.0.1:5432, database {@code test}, user
 * {@code postgres}) and this run's table name {@code it.pg.table} come from the pom. Without the profile these tests
 * are skipped with a message that says how to run them; with it an unreachable PostgreSQL fails them loudly.
 */
public final class PostgresSupport {

    public static final String HOW_TO_RUN = "Outbox relay tests skipped: they need PostgreSQL and run with "
            + "`mvn verify -Ppostgres` (PostgreSQL at 127.0.0.1:5432, database test, user postgres, or "
            + "-Dit.pg.url=jdbc:postgresql://host:port/db -Dit.pg.user=...; the cluster crash test also needs -Predis)";

    private PostgresSupport() {}

    public static boolean enabled() {
        return Boolean.getBoolean("it.pg.enabled");
    }

    public static String url() {
        return System.getProperty("it.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    }

    public static String user() {
        return System.getProperty("it.pg.user", "postgres");
    }

    /** The outbox table the test server relays in this run. */
    public static String table() {
        String t = System.getProperty("it.pg.table", "");
        return t.isBlank() || t.startsWith("$")
                ? "pushhub_it_" + ProcessHandle.current().pid()
                : t;
    }

    /** Skips the caller without {@code -Ppostgres}; fails it when the profile is on but PostgreSQL does not answer. */
    public static void requirePostgres() {
        if (!enabled()) {
            System.out.println("[pushhub] " + HOW_TO_RUN);
        }
        Assumptions.assumeTrue(enabled(), HOW_TO_RUN);
        try (Connection c = connect()) {
            c.isValid(2);
        } catch (SQLException e) {
            fail("-Ppostgres needs PostgreSQL at " + url() + " (user " + user() + ") but it does not answer: " + e
                    + ". Start it (apt-get install postgresql; trust authentication for 127.0.0.1) or run without "
                    + "-Ppostgres to skip these tests.");
        }
    }

    public static Connection connect() throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", user());
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url(), p);
    }
}
