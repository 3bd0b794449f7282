package io.pushhub.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Drops this run's outbox tables (those whose name starts with {@link PostgresSupport#table()}) and their NOTIFY
 * functions when the test run ends. Touches nothing else; does nothing without {@code -Ppostgres}. Registered in
 * META-INF/services.
 */
public final class PostgresCleanup implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (!PostgresSupport.enabled()) {
            return;
        }
        String prefix = PostgresSupport.table();
        try (Connection c = PostgresSupport.connect()) {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE ?")) {
                ps.setString(1, prefix.replace("_", "\\_") + "%");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                for (String t : tables) {
                    s.execute("DROP TABLE IF EXISTS \"" + t + "\" CASCADE");
                    s.execute("DROP FUNCTION IF EXISTS \"" + t + "_notify\"()");
                }
            }
            System.out.println(
                    "[pushhub] dropped " + tables.size() + " outbox table(s) of this test run (" + prefix + "*)");
        } catch (SQLException | RuntimeException e) {
            System.out.println("[pushhub] could not drop this run's outbox tables: " + e);
        }
    }
}
