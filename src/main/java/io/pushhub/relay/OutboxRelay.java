package io.pushhub.relay;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pushhub.Pusher;
import io.pushhub.config.HubConfig;
import io.pushhub.stats.Count;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Relays the backend's outbox table to clients when {@code pushhub.outbox-relay.enabled} is true (docs/outbox.md): one
 * container-managed thread ({@link RelayLoop}), a HikariCP pool of one PostgreSQL connection (the PostgreSQL JDBC
 * driver and HikariCP are bundled in the WAR, so it runs the same on Liberty and Payara with configuration only).
 * Off by default: then no database is touched and no driver class is loaded.
 *
 * <p>Started when the application starts; stopped before any application-scoped bean is destroyed (its observer runs
 * before the hub's drain), so it never pushes into a hub that is going away.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class.getName());

    @Inject
    HubConfig config;

    @Inject
    Pusher pusher;

    @Resource
    ManagedThreadFactory managedThreadFactory;

    private final RelayLoop.Counts counts = new RelayLoop.Counts();
    private volatile RelayStatus offStatus =
            new RelayStatus("off", Instant.now(), "pushhub.outbox-relay.enabled=false", List.of());
    private volatile RelayLoop loop;
    private HikariDataSource pool;
    private Thread thread;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (!config.relayEnabled()) {
            return;
        }
        String problem = config.relayJdbcUrl().isEmpty()
                ? "pushhub.outbox-relay.enabled=true but pushhub.outbox-relay.jdbc-url is not set"
                : OutboxTable.problem(config.relayTable());
        if (problem == null && !config.relayJdbcUrl().get().startsWith("jdbc:postgresql:")) {
            problem = "pushhub.outbox-relay.jdbc-url must start with jdbc:postgresql: (PostgreSQL is the one database"
                    + " the relay supports)";
        }
        if (problem != null) {
            offStatus = new RelayStatus("off", Instant.now(), problem, List.of());
            LOG.severe("outbox relay stays off: " + problem);
            return;
        }
        OutboxTable table = OutboxTable.named(config.relayTable());
        Duration poll = config.relayPollInterval();
        pool = new HikariDataSource(poolConfig(poll));
        loop = new RelayLoop(
                new RelayLoop.Sessions() {
                    @Override
                    public Connection open() throws SQLException {
                        return pool.getConnection();
                    }

                    @Override
                    public void discard(Connection c) {
                        // Closed for real, not returned to the pool: its advisory locks and LISTEN end with it.
                        pool.evictConnection(c);
                    }
                },
                table,
                config.relayCreateTable(),
                config.relayPartitions(),
                config.relayBatchSize(),
                poll,
                config.pushMaxBodyBytes(),
                pusher,
                counts);
        ThreadFactory tf = managedThreadFactory != null ? managedThreadFactory : Executors.defaultThreadFactory();
        thread = tf.newThread(loop);
        thread.setName("pushhub-outbox-relay");
        thread.setDaemon(true);
        thread.start();
        LOG.info(() -> "outbox relay: relaying table " + table + " of "
                + config.relayJdbcUrl().get() + " ("
                + config.relayPartitions() + " partition(s), batches of " + config.relayBatchSize() + ", poll every "
                + poll.toMillis() + " ms, create-table " + config.relayCreateTable() + ")");
    }

    private HikariConfig poolConfig(Duration poll) {
        HikariConfig h = new HikariConfig();
        h.setPoolName("pushhub-outbox-relay");
        h.setDriverClassName("org.postgresql.Driver");
        h.setJdbcUrl(config.relayJdbcUrl().get());
        config.relayUser().ifPresent(h::setUsername);
        config.relayPassword().ifPresent(h::setPassword);
        // One session: it holds the partition locks and the LISTEN, and does all the relay's queries.
        h.setMaximumPoolSize(1);
        h.setMinimumIdle(0);
        h.setConnectionTimeout(5_000);
        h.setValidationTimeout(2_000);
        // Start even when the database is down: the relay then retries with back-off and says so in its health.
        h.setInitializationFailTimeout(-1);
        h.addDataSourceProperty("ApplicationName", "pushhub-outbox-relay");
        h.addDataSourceProperty("tcpKeepAlive", "true");
        h.addDataSourceProperty("connectTimeout", "5");
        // A dead server must not hang a query forever; longer than the longest wait for NOTIFY.
        h.addDataSourceProperty("socketTimeout", Long.toString(Math.max(60, poll.toSeconds() + 30)));
        return h;
    }

    /** Stops the relay before the hub and the other beans go (lowest priority value: among the first observers). */
    void stop(
            @Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) @BeforeDestroyed(ApplicationScoped.class)
                    Object ignored) {
        stop();
    }

    /** Stops the loop, waits for it briefly, closes the pool. Safe to call twice. */
    public synchronized void stop() {
        RelayLoop l = loop;
        if (l == null) {
            return;
        }
        l.stop();
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            pool.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "outbox relay: closing the pool", e);
        }
        offStatus = new RelayStatus("off", Instant.now(), "stopped", List.of());
        loop = null;
        LOG.info("outbox relay stopped");
    }

    /** What the relay is doing now. */
    public RelayStatus status() {
        RelayLoop l = loop;
        return l != null ? l.status() : offStatus;
    }

    /** Rows pushed and delivered (not duplicates). */
    public Count relayedCount() {
        return counts.relayed;
    }

    /** Rows whose push the hub answered as a duplicate (relayed before, e.g. by a node killed before its delete). */
    public Count duplicatesCount() {
        return counts.duplicates;
    }

    /** Rows kept with a reason because they cannot be pushed. */
    public Count rejectedCount() {
        return counts.rejected;
    }

    /** Rows dropped because they had expired before they were relayed. */
    public Count expiredCount() {
        return counts.expired;
    }

    /** From now on every relayed row's insert-to-push time (nanoseconds) goes to {@code sink}. */
    public void lagTo(LongConsumer sink) {
        counts.lag = sink;
    }
}
