package io.pushhub.scheduling;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pushhub.IdempotencyUnavailableException;
import io.pushhub.Push;
import io.pushhub.PushResult;
import io.pushhub.Pusher;
import io.pushhub.Recurrence;
import io.pushhub.ScheduledPush;
import io.pushhub.SchedulerUnavailableException;
import io.pushhub.Target;
import io.pushhub.config.HubConfig;
import io.pushhub.ids.Ids;
import io.pushhub.stats.Count;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Scheduled pushes ({@code POST /api/push} with {@code at}, {@code delay} or {@code cron}), kept in a database table
 * ({@link ScheduleTable}) so that they survive a restart or redeploy and, with a database shared by the nodes
 * (PostgreSQL), fire once in a cluster. Default database: embedded Apache Derby under the server's directory, which
 * needs no set-up (docs/scheduling.md, ADR 0012).
 *
 * <p><b>Firing.</b> Every node polls the table every {@code pushhub.scheduled.poll-interval} from a non-persistent EJB
 * interval timer (plus a one-off timer at the exact time of a push due before the next poll, on the node that
 * scheduled it). A due row is claimed with a lease ({@code pushhub.scheduled.lease}); only the node whose conditional
 * update matched fires it, then deletes it (or moves a recurring one to its next time). A node killed between its
 * claim and its delete leaves the row to be fired again by another node once the lease has ended: firing is
 * at-least-once, and each firing carries the idempotency key {@code pushhub-scheduled:<id>:<due millis>}, which the
 * hub claims atomically with the publication (ADR 0008), so a second firing of the same time delivers nothing. With
 * the memory broker the key lives in this node's memory: only a crash in the milliseconds between the publication and
 * the delete, followed by a restart, can then deliver a push twice.
 *
 * <p><b>Bounds.</b> At most {@code pushhub.scheduled.max-pending} rows in the table (cluster-wide, exact: a counter row
 * updated in the row's transaction); a poll fires at most {@value #BATCH} rows per round and {@value #ROUNDS} rounds per
 * tick; a poll never overlaps the previous one; a poll runs on the container's timer thread, never a thread of ours.
 */
@Singleton
@Startup
@Lock(LockType.READ)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ScheduledPushes {

    private static final Logger LOG = Logger.getLogger(ScheduledPushes.class.getName());

    static final int BATCH = 100;
    static final int ROUNDS = 10;
    private static final String POLL = "pushhub-scheduled-poll";
    private static final String WAKE = "pushhub-scheduled-wake";

    @Resource
    TimerService timers;

    @Inject
    Pusher pusher;

    @Inject
    HubConfig config;

    private final String node = "node-" + Ids.scheduled();
    private final AtomicBoolean polling = new AtomicBoolean();
    // Static: HubMetrics reads them while the application starts, when Payara refuses calls into this EJB (an
    // application embedding pushhub-classes.jar failed to deploy: "container is in Initializing"). One per application.
    private static final Count FIRED = new Count();
    private static final Count SKIPPED = new Count();
    private static final Count FAILED = new Count();
    private static final Count DUPLICATES = new Count();

    private volatile HikariDataSource pool;
    private volatile ScheduleTable table;
    private volatile boolean created;
    private volatile boolean stopped;
    private volatile String problem;
    private Duration pollInterval;
    private Duration lease;
    private String jdbcUrl;

    @PostConstruct
    void start() {
        pollInterval = config.scheduledPollInterval();
        lease = config.scheduledLease();
        jdbcUrl = config.scheduledJdbcUrl();
        String tableName = config.scheduledTable();
        problem = ScheduleTable.problem(tableName);
        if (problem == null && !jdbcUrl.startsWith("jdbc:derby:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            problem = "pushhub.scheduled.jdbc-url must start with jdbc:derby: (embedded, one node) or jdbc:postgresql:"
                    + " (shared by the nodes of a cluster)";
        }
        if (problem != null) {
            LOG.severe("scheduled pushes are unavailable: " + problem);
            return;
        }
        table = ScheduleTable.named(tableName, jdbcUrl);
        if (derby()) {
            derbyHomeInServerDirectory();
        }
        pool = new HikariDataSource(poolConfig());
        if (derby()) {
            // Embedded: boot (and on the first start create) the database now, which takes seconds, rather than in
            // the first request. It cannot be "down"; a failure here (another JVM holds it) is logged and retried.
            try {
                db("starting", c -> null);
            } catch (SchedulerUnavailableException e) {
                LOG.severe("scheduled pushes: the embedded database did not start: " + e.getMessage());
            }
        }
        timers.createIntervalTimer(pollInterval.toMillis(), pollInterval.toMillis(), new TimerConfig(POLL, false));
        LOG.info(() -> "scheduled pushes: table " + tableName + " of " + safeUrl() + ", poll every "
                + pollInterval.toMillis() + " ms, lease " + lease.toMillis() + " ms, node " + node);
    }

    /**
     * A relative Derby path (the default {@code pushhub-db}) and {@code derby.log} go under Liberty's server output
     * directory, not the JVM's working directory: {@code server run} starts there, but a runnable jar ({@code java -jar})
     * keeps the user's, so two of them started in one directory would share one database, which Derby lets only one
     * JVM open. Not done when {@code derby.system.home} is set already, or outside Liberty (Payara Micro: its working
     * directory, docs/payara.md).
     */
    private static void derbyHomeInServerDirectory() {
        String serverDir = System.getProperty("server.output.dir");
        if (serverDir != null && System.getProperty("derby.system.home") == null) {
            System.setProperty("derby.system.home", serverDir);
        }
    }

    private HikariConfig poolConfig() {
        HikariConfig h = new HikariConfig();
        h.setPoolName("pushhub-scheduled");
        h.setDriverClassName(derby() ? "org.apache.derby.iapi.jdbc.AutoloadedDriver" : "org.postgresql.Driver");
        h.setJdbcUrl(jdbcUrl);
        config.scheduledUser().ifPresent(h::setUsername);
        config.scheduledPassword().ifPresent(h::setPassword);
        // The poll takes one connection, requests scheduling or cancelling take the others; a request waits at most
        // the connection timeout for one, then gets 503.
        h.setMaximumPoolSize(4);
        h.setMinimumIdle(0);
        h.setConnectionTimeout(derby() ? 30_000 : 5_000); // Derby's first boot creates the database: seconds
        h.setValidationTimeout(2_000);
        // Start even when the database is down: each poll and request tries again and says why it failed.
        h.setInitializationFailTimeout(-1);
        if (!derby()) {
            h.addDataSourceProperty("ApplicationName", "pushhub-scheduled");
            h.addDataSourceProperty("tcpKeepAlive", "true");
            h.addDataSourceProperty("connectTimeout", "5");
            h.addDataSourceProperty("socketTimeout", "30");
        }
        return h;
    }

    private boolean derby() {
        return jdbcUrl.startsWith("jdbc:derby:");
    }

    private String safeUrl() {
        int semi = jdbcUrl.indexOf(';');
        int q = jdbcUrl.indexOf('?');
        int cut = semi >= 0 && !derby() ? semi : q >= 0 ? q : jdbcUrl.length();
        return jdbcUrl.substring(0, cut);
    }

    /** Closes the pool; shuts embedded Derby down cleanly, so a redeployed application can boot the database again. */
    @PreDestroy
    void stop() {
        stopped = true;
        HikariDataSource p = pool;
        if (p != null) {
            p.close();
        }
        if (jdbcUrl != null && derby()) {
            try {
                DriverManager.getConnection("jdbc:derby:;shutdown=true").close();
            } catch (SQLException e) {
                // XJ015: the normal answer to an engine shutdown.
                if (!"XJ015".equals(e.getSQLState())) {
                    LOG.log(Level.WARNING, "scheduled pushes: shutting embedded Derby down", e);
                }
            }
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code w} on a pooled connection of a created table; a database failure becomes a clear exception. */
    private <T> T db(String what, Work<T> w) {
        if (problem != null) {
            throw new SchedulerUnavailableException("scheduled pushes are unavailable: " + problem, null);
        }
        try (Connection c = pool.getConnection()) {
            if (!created) {
                table.create(c);
                created = true;
            }
            return w.run(c);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "scheduled pushes: " + what + " failed: " + e);
            throw new SchedulerUnavailableException(
                    "the scheduled-push database (" + safeUrl() + ") is unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * Stores a push, unless {@code maxPending} pushes are pending already (in the whole cluster).
     *
     * @param at its time (ignored when {@code recurrence} is given: the recurrence's next time)
     * @param expiresAt null, or when a one-shot push's message expires (ignored for a recurring one)
     * @return the pending push, or empty when the limit is reached (nothing was stored)
     * @throws IllegalArgumentException when the recurrence is invalid or never fires
     * @throws SchedulerUnavailableException when the database cannot be used
     */
    public Optional<ScheduledPush> schedule(
            String id,
            String messageId,
            Target target,
            JsonValue data,
            Instant at,
            Instant expiresAt,
            Recurrence recurrence,
            int maxPending) {
        Instant now = Instant.now();
        Instant due = recurrence != null ? firstDue(recurrence, now) : at;
        JsonArrayBuilder names = Json.createArrayBuilder();
        target.names().forEach(names::add);
        ScheduleTable.Row row = new ScheduleTable.Row(
                id,
                messageId,
                due.toEpochMilli(),
                target.scope(),
                names.build().toString(),
                data.toString(),
                recurrence == null && expiresAt != null ? expiresAt.toEpochMilli() : null,
                recurrence == null ? null : cronJson(recurrence),
                recurrence == null || recurrence.ttl() == null
                        ? null
                        : recurrence.ttl().toMillis(),
                recurrence == null || recurrence.until() == null
                        ? null
                        : recurrence.until().toEpochMilli(),
                null,
                null);
        boolean stored = db("scheduling " + id, c -> table.insert(c, row, now.toEpochMilli(), maxPending));
        if (!stored) {
            return Optional.empty();
        }
        wakeAt(due, now);
        LOG.fine(() -> "scheduled " + id + " (" + messageId + ") for " + due);
        return Optional.of(view(row));
    }

    /**
     * The first time of a recurrence after {@code now}.
     *
     * @throws IllegalArgumentException when the expression is invalid or has no time before its end
     */
    public Instant firstDue(Recurrence recurrence, Instant now) {
        Cron cron = Cron.of(recurrence.cron(), recurrence.timezone());
        Instant first = cron.next(now);
        if (first == null || (recurrence.until() != null && !first.isBefore(recurrence.until()))) {
            throw new IllegalArgumentException(
                    "the cron expression has no time before " + (recurrence.until() != null ? "'expiresAt'" : "9999"));
        }
        return first;
    }

    /** A one-off timer at the exact time of a push due before the next poll (on this node; the poll is the backstop). */
    private void wakeAt(Instant due, Instant now) {
        if (Duration.between(now, due).compareTo(pollInterval) < 0 && due.isAfter(now)) {
            try {
                timers.createSingleActionTimer(Date.from(due), new TimerConfig(WAKE, false));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "scheduled pushes: no wake-up timer; the next poll fires it", e);
            }
        }
    }

    /**
     * The poll (and the wake-ups): fires what is due. Never overlaps itself; a database failure is logged and tried
     * again at the next tick.
     */
    @Timeout
    void poll(Timer timer) {
        if (stopped || problem != null || !polling.compareAndSet(false, true)) {
            return;
        }
        try {
            db("polling", c -> {
                for (int round = 0; round < ROUNDS && !stopped; round++) {
                    long now = System.currentTimeMillis();
                    List<ScheduleTable.Row> due = table.due(c, now, BATCH);
                    for (ScheduleTable.Row r : due) {
                        long until = now + lease.toMillis();
                        if (!stopped && table.claim(c, r.id(), node, now, until)) {
                            fire(c, r.withLease(node, until));
                        }
                    }
                    if (due.size() < BATCH) {
                        break;
                    }
                }
                return null;
            });
        } catch (SchedulerUnavailableException e) {
            // logged by db(); the next tick tries again
        } finally {
            polling.set(false);
        }
    }

    private enum Delivery {
        DONE,
        RETRY
    }

    /** Fires a claimed row, then deletes it, moves it on (recurring) or leaves it for a retry. */
    private void fire(Connection c, ScheduleTable.Row r) throws SQLException {
        long now = System.currentTimeMillis();
        Target target;
        JsonValue data;
        try {
            target = Target.of(r.scope(), strings(read(r.targetsJson())));
            data = read(r.dataJson());
        } catch (RuntimeException e) {
            FAILED.increment();
            LOG.log(Level.WARNING, "scheduled push " + r.id() + " cannot be read back; dropped", e);
            table.finish(c, r);
            return;
        }
        String key = "pushhub-scheduled:" + r.id() + ":" + r.dueAt();
        if (r.cronJson() == null) {
            Push p = Push.to(target, data).withMessageId(r.messageId()).withIdempotencyKey(key);
            if (r.expiresAt() != null) {
                p = p.withExpiresAt(Instant.ofEpochMilli(r.expiresAt()));
                if (now >= r.expiresAt()) {
                    LOG.info(() -> "scheduled push " + r.id() + " (" + r.messageId() + ") due "
                            + Instant.ofEpochMilli(r.dueAt()) + " fired after its expiry "
                            + Instant.ofEpochMilli(r.expiresAt()) + ": not delivered");
                }
            }
            if (deliver(r, p) == Delivery.RETRY) {
                table.retryAt(c, r, now + lease.toMillis());
                return;
            }
            if (!table.finish(c, r)) {
                LOG.warning("scheduled push " + r.id() + ": lease lost while firing (another node may fire it again;"
                        + " its idempotency key makes that a no-op)");
            }
            return;
        }
        Recurrence rec = recurrence(r);
        if (r.endsAt() != null && now >= r.endsAt()) {
            SKIPPED.increment();
            LOG.info(() -> "recurring push " + r.id() + ": firing due " + Instant.ofEpochMilli(r.dueAt())
                    + " is after its expiresAt " + Instant.ofEpochMilli(r.endsAt()) + ": skipped, recurrence ended");
            table.finish(c, r);
            return;
        }
        Push p = Push.to(target, data).withMessageId(r.messageId()).withIdempotencyKey(key);
        if (r.ttlMillis() != null) {
            p = p.withExpiresAt(Instant.ofEpochMilli(r.dueAt() + r.ttlMillis()));
        }
        if (deliver(r, p) == Delivery.RETRY) {
            table.retryAt(c, r, now + lease.toMillis());
            return;
        }
        // Firings missed while no node ran are coalesced: the next time is the first after now.
        Instant next = Cron.of(rec.cron(), rec.timezone()).next(Instant.ofEpochMilli(Math.max(now, r.dueAt())));
        if (next == null || (r.endsAt() != null && next.toEpochMilli() >= r.endsAt())) {
            table.finish(c, r);
            LOG.fine(() -> "recurring push " + r.id() + " has no further time: finished");
        } else if (table.advance(c, r, next.toEpochMilli(), pusher.newMessageId())) {
            wakeAt(next, Instant.ofEpochMilli(now));
        } else {
            LOG.warning("recurring push " + r.id() + ": lease lost while firing");
        }
    }

    private Delivery deliver(ScheduleTable.Row r, Push p) {
        try {
            PushResult result = pusher.push(p);
            if (result.duplicate()) {
                DUPLICATES.increment();
                LOG.info(() -> "scheduled push " + r.id() + " due " + Instant.ofEpochMilli(r.dueAt())
                        + " was fired before (by a node that stopped before it could record it): not delivered again");
            } else {
                FIRED.increment();
                LOG.fine(() -> "scheduled push " + r.id() + " delivered to " + result.reached() + " connection(s)");
            }
            return Delivery.DONE;
        } catch (IdempotencyUnavailableException e) {
            // The cluster's Redis is down: firing now could not be made once-only. Any node retries after the lease.
            LOG.warning("scheduled push " + r.id() + " not fired yet, retried in " + lease.toMillis() + " ms: " + e);
            return Delivery.RETRY;
        } catch (RuntimeException e) {
            // A push that fails for its content would fail again: dropped, not retried forever.
            FAILED.increment();
            LOG.log(Level.WARNING, "scheduled push " + r.id() + " failed; dropped", e);
            return Delivery.DONE;
        }
    }

    /**
     * Pending pushes of the whole cluster, soonest first (a snapshot; at most {@code limit}). A one-shot push a node is
     * firing at this moment is no longer pending (it cannot be cancelled any more) and is left out.
     */
    public List<ScheduledPush> pending(int limit) {
        long now = now();
        return db("listing", c -> table.all(c, limit)).stream()
                .filter(r -> r.cronJson() != null || r.leaseUntil() == null || r.leaseUntil() < now)
                .map(this::view)
                .toList();
    }

    public long pendingCount() {
        return db("counting", table::count);
    }

    /**
     * Cancels a pending push. One that is firing at this moment is waited for briefly (a firing takes milliseconds);
     * a one-shot push that fired meanwhile is gone (false).
     *
     * @return false when no pending push has this id (unknown, already delivered or already cancelled)
     * @throws IllegalStateException when a node still holds it after that wait (its firing is being retried)
     */
    public boolean cancel(String id) {
        return switch (retryWhileFiring(() -> db("cancelling " + id, c -> table.cancel(c, id, now())))) {
            case DONE -> true;
            case NOT_FOUND -> false;
            case FIRING -> throw new IllegalStateException("scheduled push " + id + " is being fired; try again");
        };
    }

    /**
     * Gives a pending push a new time ({@code recurrence} null) or recurrence ({@code at} null) and a new message id.
     *
     * @return the push as it is now, or empty when there is no pending push with this id
     */
    public Optional<ScheduledPush> reschedule(String id, Instant at, Recurrence recurrence) {
        if ((at == null) == (recurrence == null)) {
            throw new IllegalArgumentException("give either a time or a recurrence");
        }
        Instant now = Instant.now();
        Instant due = recurrence != null ? firstDue(recurrence, now) : at;
        String cron = recurrence != null ? cronJson(recurrence) : null;
        Long ends = recurrence != null && recurrence.until() != null
                ? recurrence.until().toEpochMilli()
                : null;
        String messageId = pusher.newMessageId();
        ScheduleTable.Outcome o = retryWhileFiring(() -> db(
                "rescheduling " + id,
                c -> table.reschedule(c, id, now.toEpochMilli(), due.toEpochMilli(), cron, ends, messageId)));
        return switch (o) {
            case DONE -> {
                wakeAt(due, now);
                ScheduleTable.Row r = db("reading " + id, c -> table.get(c, id));
                yield r == null ? Optional.empty() : Optional.of(view(r));
            }
            case NOT_FOUND -> Optional.empty();
            case FIRING -> throw new IllegalStateException("scheduled push " + id + " is being fired; try again");
        };
    }

    private interface Attempt {
        ScheduleTable.Outcome run();
    }

    /** Up to one second of 50 ms waits while a node fires the row. */
    private static ScheduleTable.Outcome retryWhileFiring(Attempt a) {
        ScheduleTable.Outcome o = a.run();
        for (int i = 0; i < 20 && o == ScheduleTable.Outcome.FIRING; i++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return o;
            }
            o = a.run();
        }
        return o;
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    /** Pushes fired and delivered (not duplicates). */
    public static Count firedCount() {
        return FIRED;
    }

    /** Firings skipped because their recurrence had ended (expiresAt). */
    public static Count skippedCount() {
        return SKIPPED;
    }

    /** Pushes dropped because they could not be pushed (unreadable, or refused by the hub). */
    public static Count failedCount() {
        return FAILED;
    }

    /** Firings found to be repeats of a firing by a node that died before recording it. */
    public static Count duplicatesCount() {
        return DUPLICATES;
    }

    // ---------------------------------------------------------------- rows to values

    private ScheduledPush view(ScheduleTable.Row r) {
        List<String> names;
        try {
            names = strings(read(r.targetsJson()));
        } catch (RuntimeException e) {
            names = List.of();
        }
        Recurrence rec = r.cronJson() == null ? null : recurrence(r);
        return new ScheduledPush(
                r.id(), r.messageId(), Instant.ofEpochMilli(r.dueAt()), Target.of(r.scope(), names), false, rec);
    }

    static String cronJson(Recurrence r) {
        Cron cron = Cron.of(r.cron(), r.timezone()); // validates, fills in the defaults
        JsonObjectBuilder b = Json.createObjectBuilder();
        cron.attributes().forEach(b::add);
        b.add("timezone", r.timezone().getId());
        return b.build().toString();
    }

    private static Recurrence recurrence(ScheduleTable.Row r) {
        JsonObject o = read(r.cronJson()).asJsonObject();
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String a : Cron.ATTRIBUTES) {
            if (o.get(a) instanceof JsonString s) {
                attrs.put(a, s.getString());
            }
        }
        return new Recurrence(
                attrs,
                ZoneId.of(o.getString("timezone", "UTC")),
                r.endsAt() == null ? null : Instant.ofEpochMilli(r.endsAt()),
                r.ttlMillis() == null ? null : Duration.ofMillis(r.ttlMillis()));
    }

    private static JsonValue read(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }

    private static List<String> strings(JsonValue array) {
        return array.asJsonArray().getValuesAs(JsonString.class).stream()
                .map(JsonString::getString)
                .toList();
    }
}
