package io.pushhub.relay;

import io.pushhub.IdempotencyUnavailableException;
import io.pushhub.Push;
import io.pushhub.PushResult;
import io.pushhub.Pusher;
import io.pushhub.stats.Count;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The relay's one thread: holds one database session, leads partitions through session advisory locks on it, wakes on
 * {@code NOTIFY} (or after the poll interval), reads the oldest rows of the partitions it leads, pushes them, then
 * deletes them.
 *
 * <p><b>Exactly once to connected clients.</b> A row is deleted only after its push answered, and it is pushed with its
 * idempotency key (the backend's, else {@code outbox:<table>:<id>}). A relay killed between push and delete leaves the
 * row; whoever relays it next pushes it again and the hub answers {@code duplicate}: nothing is delivered twice, as
 * long as the repeat comes within the idempotency window (see docs/outbox.md for what holds on a single node).
 *
 * <p><b>Order.</b> One node at a time leads a partition (its lock lives and dies with the session: a killed node's
 * locks are released when PostgreSQL sees its connection close, and another node takes them at its next poll). The
 * leader pushes a partition's rows one after the other in id order of what is visible; it remembers no "last id", so
 * a row that commits after rows with higher ids is relayed at the next round: commit (visibility) order.
 *
 * <p><b>Failures.</b> A row the hub cannot push is marked with its reason and left; the rest of its partition goes on.
 * A database failure ends the session (its locks with it) and the loop reconnects with back-off, logging once per
 * outage.
 */
final class RelayLoop implements Runnable {

    private static final Logger LOG = Logger.getLogger(RelayLoop.class.getName());
    private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** Where sessions come from (the pool), and how a used session is thrown away (its locks die with it). */
    interface Sessions {
        Connection open() throws SQLException;

        void discard(Connection c);
    }

    /** Everything the loop counts; bound to metrics by observability. */
    static final class Counts {
        final Count relayed = new Count();
        final Count duplicates = new Count();
        final Count rejected = new Count();
        final Count expired = new Count();
        volatile LongConsumer lag = n -> {};
    }

    private final Sessions sessions;
    private final OutboxTable table;
    private final boolean createTable;
    private final int partitions;
    private final int batchSize;
    private final long pollMillis;
    private final int maxDataBytes;
    private final Pusher pusher;
    private final Counts counts;

    private volatile boolean running = true;
    private volatile Connection current;
    private volatile RelayStatus status;
    private final TreeSet<Integer> led = new TreeSet<>();
    private Instant outageSince;
    private boolean warnedNoTrigger;

    RelayLoop(
            Sessions sessions,
            OutboxTable table,
            boolean createTable,
            int partitions,
            int batchSize,
            Duration poll,
            int maxDataBytes,
            Pusher pusher,
            Counts counts) {
        this.sessions = sessions;
        this.table = table;
        this.createTable = createTable;
        this.partitions = partitions;
        this.batchSize = batchSize;
        this.pollMillis = Math.max(1, poll.toMillis());
        this.maxDataBytes = maxDataBytes;
        this.pusher = pusher;
        this.counts = counts;
        this.status = new RelayStatus("down", Instant.now(), "starting", List.of());
    }

    RelayStatus status() {
        return status;
    }

    /** Ends the loop: a wait for NOTIFY in progress is cut short by aborting the session. */
    void stop() {
        running = false;
        Connection c = current;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.FINE, "outbox relay: abort at stop", e);
            }
        }
    }

    @Override
    public void run() {
        Duration backoff = MIN_BACKOFF;
        while (running) {
            Connection c = null;
            try {
                c = sessions.open();
                current = c;
                if (!running) {
                    break;
                }
                prepare(c);
                if (outageSince != null) {
                    Duration out = Duration.between(outageSince, Instant.now());
                    LOG.info(() -> "outbox relay: database " + table + " usable again after " + out.toSeconds()
                            + " s; relaying");
                    outageSince = null;
                }
                backoff = MIN_BACKOFF;
                session(c);
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    break;
                }
                String reason = reason(e);
                status = new RelayStatus(
                        "down", outageSince != null ? status.since() : Instant.now(), reason, List.of());
                if (outageSince == null) {
                    outageSince = Instant.now();
                    LOG.log(
                            Level.WARNING,
                            "outbox relay: cannot use the database for table " + table + ": " + reason
                                    + "; retrying with back-off (up to " + MAX_BACKOFF.toSeconds()
                                    + " s) and logging again only when it works",
                            e instanceof SQLException ? null : e);
                } else {
                    LOG.fine(() -> "outbox relay: still failing: " + reason);
                }
            } finally {
                led.clear();
                current = null;
                if (c != null) {
                    sessions.discard(c);
                }
            }
            if (running) {
                sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        status = new RelayStatus("off", Instant.now(), "stopped", List.of());
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName()
                + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    /** Creates or checks the table, and listens for its channel. */
    private void prepare(Connection c) throws SQLException {
        c.setAutoCommit(true);
        if (createTable) {
            table.create(c);
        } else if (!table.exists(c)) {
            throw new SQLException("table " + table + " does not exist and pushhub.outbox-relay.create-table=false:"
                    + " create it with the DDL of docs/outbox.md");
        }
        if (!table.hasTrigger(c) && !warnedNoTrigger) {
            warnedNoTrigger = true;
            LOG.warning(() -> "outbox relay: table " + table + " has no NOTIFY trigger: rows are relayed only by the"
                    + " poll, up to pushhub.outbox-relay.poll-interval late (docs/outbox.md has the trigger)");
        }
        try (Statement s = c.createStatement()) {
            s.execute(table.listen());
        }
    }

    private void session(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long nextLockTry = 0;
        while (running) {
            long now = System.nanoTime();
            if (now - nextLockTry >= 0) {
                tryLocks(c);
                nextLockTry = now + pollMillis * 1_000_000;
                status =
                        new RelayStatus("up", status.up() ? status.since() : Instant.now(), null, new ArrayList<>(led));
            }
            boolean full = !led.isEmpty() && relayBatch(c);
            if (full) {
                pg.getNotifications(); // read what came meanwhile, without waiting: there is more to do anyway
                continue;
            }
            long waitMillis = Math.max(1, (nextLockTry - System.nanoTime()) / 1_000_000);
            PGNotification[] n = pg.getNotifications((int) Math.min(waitMillis, Integer.MAX_VALUE));
            if (n == null || n.length == 0) {
                nextLockTry = System.nanoTime(); // a quiet interval: check leadership, then poll (the safety net)
            }
        }
    }

    private void tryLocks(Connection c) throws SQLException {
        if (led.size() == partitions) {
            return;
        }
        List<Integer> free = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            if (!led.contains(p)) {
                free.add(p);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(table.tryLock())) {
            ps.setArray(1, c.createArrayOf("integer", free.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int p = rs.getInt(1);
                    led.add(p);
                    LOG.info(() -> "outbox relay: this node now relays partition " + p + " of " + table);
                }
            }
        }
    }

    /** One round: reads up to a batch, pushes, deletes. @return whether the batch was full (more may wait) */
    private boolean relayBatch(Connection c) throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        List<Boolean> expired = new ArrayList<>();
        List<Double> ages = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(table.select())) {
            ps.setArray(1, c.createArrayOf("integer", led.toArray()));
            ps.setBoolean(2, led.contains(0));
            ps.setInt(3, partitions);
            ps.setInt(4, batchSize);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array a = rs.getArray(4);
                    String[] targets = a == null ? null : (String[]) a.getArray();
                    Timestamp exp = rs.getTimestamp(7);
                    rows.add(new OutboxRow(
                            rs.getLong(1),
                            rs.getInt(2),
                            rs.getString(3),
                            targets,
                            rs.getString(5),
                            rs.getString(6),
                            exp == null ? null : exp.toInstant()));
                    expired.add(rs.getBoolean(8));
                    ages.add(rs.getDouble(9));
                }
            }
        }
        if (rows.isEmpty()) {
            return false;
        }
        long read = System.nanoTime();
        List<Long> done = new ArrayList<>(rows.size());
        List<OutboxRow> rejected = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        boolean stalled = false;
        for (int i = 0; i < rows.size() && running; i++) {
            OutboxRow row = rows.get(i);
            if (row.partition() < 0 || row.partition() >= partitions) {
                rejected.add(row);
                reasons.add("partition " + row.partition() + " is outside 0.." + (partitions - 1)
                        + " (pushhub.outbox-relay.partitions=" + partitions + ")");
                continue;
            }
            if (expired.get(i)) {
                done.add(row.id());
                counts.expired.increment();
                continue;
            }
            Push push;
            try {
                push = row.toPush(table.name(), maxDataBytes);
            } catch (OutboxRow.Rejected r) {
                rejected.add(row);
                reasons.add(r.getMessage());
                continue;
            }
            PushResult result;
            try {
                result = pusher.push(push);
            } catch (IdempotencyUnavailableException e) {
                // The broker (Redis) cannot say whether this is a repeat, so the hub delivered nothing: keep the row
                // and this round's order, and try again after a pause. Nothing is delivered twice this way.
                stalled = true;
                LOG.warning(() -> "outbox relay: the cluster broker cannot check idempotency keys (" + e.getMessage()
                        + "); row " + row.id() + " and the rest of its round stay in " + table
                        + " and are pushed when it is back");
                break;
            } catch (RuntimeException e) {
                // Pusher does not throw for infrastructure trouble (a broker outage is in the result), so this is
                // about the row: keep it with the reason rather than retry it forever in front of its partition.
                rejected.add(row);
                reasons.add("the hub refused it: " + reason(e));
                continue;
            }
            if (result.clusterUnavailable()) {
                // This node's clients got it; the other nodes did not. Keep the row (it is pushed again when the
                // broker is back, and this node's clients may then see it twice) and end the round.
                stalled = true;
                LOG.warning(() -> "outbox relay: the cluster broker is unavailable (" + result.clusterProblem()
                        + "); row " + row.id() + " stays in " + table + " and is pushed again later");
                break;
            }
            done.add(row.id());
            if (result.duplicate()) {
                counts.duplicates.increment();
            } else {
                counts.relayed.increment();
                long lagNanos = (long) (ages.get(i) * 1e9) + (System.nanoTime() - read);
                counts.lag.accept(lagNanos);
            }
        }
        if (!done.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(table.delete())) {
                ps.setArray(1, c.createArrayOf("bigint", done.toArray()));
                ps.executeUpdate();
            }
        }
        if (!rejected.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(table.reject())) {
                for (int i = 0; i < rejected.size(); i++) {
                    OutboxRow row = rejected.get(i);
                    String why = reasons.get(i);
                    ps.setString(1, why);
                    ps.setLong(2, row.id());
                    ps.addBatch();
                    LOG.warning(() -> "outbox relay: row " + row.id() + " of " + table + " (partition "
                            + row.partition() + ") rejected and kept with its reason: " + why);
                }
                ps.executeBatch();
            }
            counts.rejected.add(rejected.size());
        }
        if (stalled) {
            sleep(MAX_BACKOFF.toMillis() / 5);
            return false;
        }
        return rows.size() == batchSize;
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
