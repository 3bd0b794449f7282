package pushhub.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The outbox relay benchmark (docs/outbox.md): a backend's inserts on one side, one WebSocket client on the other, the
 * hub's relay in between. Two phases per repetition, medians over the repetitions:
 *
 * <ul>
 *   <li><b>throughput</b>: {@code --rows} rows inserted as fast as possible by {@code --threads} threads in
 *       transactions of {@code --tx-rows}; rows relayed per second = rows / (first insert to last delivery);
 *   <li><b>latency</b>: single-row transactions at {@code --rate} rows/s for {@code --duration} s on a fixed schedule;
 *       each row carries the time its insert started; insert-to-delivery p50/p99/max at the client, and the insert
 *       rate the database actually achieved (a database slower than the schedule shows there).
 * </ul>
 *
 * Talks only to 127.0.0.0/8 and to the database URL given; deletes nothing but the rows the relay has not taken yet.
 */
public final class OutboxBench {

    private static final Pattern T = Pattern.compile("\\\"t\\\":(\\d+)");
    private static final Pattern USER = Pattern.compile("\\\"userId\\\":\\\"([^\\\"]+)\\\"");

    private final String ws;
    private final String jdbc;
    private final String user;
    private final String table;
    private final int threads;
    private final int txRows;
    private final int partitions;

    private final AtomicLong received = new AtomicLong();
    private volatile Histogram latency;
    private volatile long lastDeliveryNanos;
    private double achievedRate;
    private String userId;

    private OutboxBench(String ws, String jdbc, String user, String table, int threads, int txRows, int partitions) {
        this.ws = ws;
        this.jdbc = jdbc;
        this.user = user;
        this.table = table;
        this.threads = threads;
        this.txRows = txRows;
        this.partitions = partitions;
    }

    public static void main(String[] args) throws Exception {
        String ws = "ws://127.0.0.1:9080/ws";
        String jdbc = "jdbc:postgresql://127.0.0.1:5432/test";
        String user = "postgres";
        String table = "pushhub_outbox";
        int rows = 20_000,
                threads = 4,
                txRows = 100,
                partitions = 1,
                rate = 100,
                duration = 10,
                reps = 3,
                warmup = 2000;
        for (int i = 0; i < args.length - 1; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--ws-url" -> ws = v;
                case "--jdbc-url" -> jdbc = v;
                case "--db-user" -> user = v;
                case "--table" -> table = v;
                case "--rows" -> rows = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--tx-rows" -> txRows = Integer.parseInt(v);
                case "--partitions" -> partitions = Integer.parseInt(v);
                case "--rate" -> rate = Integer.parseInt(v);
                case "--duration" -> duration = Integer.parseInt(v);
                case "--reps" -> reps = Integer.parseInt(v);
                case "--warmup-rows" -> warmup = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        URI u = URI.create(ws);
        if (!u.getHost().startsWith("127.")) {
            throw new IllegalArgumentException("the benchmark talks to 127.0.0.0/8 only, not " + u.getHost());
        }
        if (!table.matches("[a-z_][a-z0-9_.]*")) {
            throw new IllegalArgumentException("table: lower-case identifier expected");
        }
        OutboxBench b = new OutboxBench(ws, jdbc, user, table, threads, txRows, partitions);
        b.connect();
        System.out.printf(
                Locale.ROOT,
                "outbox bench: %s via %s (%s), %d rows from %d threads in transactions of %d, then %d rows/s for %d s;"
                        + " %d repetitions%n",
                table,
                ws,
                jdbc,
                rows,
                threads,
                txRows,
                rate,
                duration,
                reps);
        b.throughput(warmup); // warm-up: JIT, connections, statement caches
        List<Double> rps = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> max = new ArrayList<>();
        for (int r = 1; r <= reps; r++) {
            double t = b.throughput(rows);
            Histogram h = b.latency(rate, duration);
            rps.add(t);
            p50.add(h.getValueAtPercentile(50) / 1000.0);
            p99.add(h.getValueAtPercentile(99) / 1000.0);
            max.add(h.getMaxValue() / 1000.0);
            System.out.printf(
                    Locale.ROOT,
                    "rep %d: %.0f rows/s relayed; insert-to-delivery at %d rows/s (achieved %.0f): p50 %.1f ms, p99 %.1f ms,"
                            + " max %.1f ms (%d rows)%n",
                    r,
                    t,
                    rate,
                    b.achievedRate,
                    p50.get(r - 1),
                    p99.get(r - 1),
                    max.get(r - 1),
                    h.getTotalCount());
        }
        System.out.printf(
                Locale.ROOT,
                "MEDIAN of %d: %.0f rows/s relayed; insert-to-delivery p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                reps,
                median(rps),
                median(p50),
                median(p99),
                median(max));
        System.exit(0);
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private Connection db() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", user);
        return DriverManager.getConnection(jdbc, p);
    }

    private void connect() throws Exception {
        CompletableFuture<String> welcome = new CompletableFuture<>();
        HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(URI.create(ws), new WebSocket.Listener() {
                    private final StringBuilder part = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        part.append(data);
                        if (last) {
                            String frame = part.toString();
                            part.setLength(0);
                            if (!welcome.isDone()) {
                                Matcher m = USER.matcher(frame);
                                if (m.find()) {
                                    welcome.complete(m.group(1));
                                }
                            }
                            long now = System.currentTimeMillis() * 1000;
                            Matcher m = T.matcher(frame);
                            Histogram h = latency;
                            while (m.find()) {
                                if (h != null) {
                                    h.recordValue(Math.max(0, now - Long.parseLong(m.group(1))));
                                }
                                received.incrementAndGet();
                                lastDeliveryNanos = System.nanoTime();
                            }
                        }
                        w.request(1);
                        return null;
                    }
                })
                .get(10, TimeUnit.SECONDS);
        userId = welcome.get(10, TimeUnit.SECONDS);
    }

    private String insertSql(int n) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " (partition, scope, targets, data) VALUES ");
        for (int i = 0; i < n; i++) {
            sql.append(i == 0 ? "" : ",").append("(?, 'user', ?, ?::jsonb)");
        }
        return sql.toString();
    }

    /** Inserts {@code rows} rows from the threads; returns rows relayed per second (first insert to last delivery). */
    private double throughput(int rows) throws Exception {
        long before = received.get();
        int perThread = rows / threads;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                try (Connection c = db();
                        PreparedStatement ps = c.prepareStatement(insertSql(txRows))) {
                    c.setAutoCommit(false);
                    java.sql.Array to = c.createArrayOf("text", new String[] {userId});
                    long nowMicros = System.currentTimeMillis() * 1000;
                    for (int i = 0; i < perThread; i += txRows) {
                        for (int k = 0; k < txRows; k++) {
                            ps.setInt(3 * k + 1, (thread + k) % partitions);
                            ps.setArray(3 * k + 2, to);
                            // not measured for latency: the histogram is off during this phase
                            ps.setString(3 * k + 3, "{\"seq\":" + (i + k) + ",\"t\":" + nowMicros + "}");
                        }
                        ps.executeUpdate();
                        c.commit();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        long expected = before + (long) perThread / txRows * txRows * threads;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (received.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (received.get() < expected) {
            throw new IllegalStateException("only " + (received.get() - before) + " of " + (expected - before)
                    + " rows arrived within 5 minutes");
        }
        return (expected - before) / ((lastDeliveryNanos - t0) / 1e9);
    }

    /** Single-row transactions at {@code rate}/s for {@code seconds}; the insert-to-delivery histogram (µs). */
    private Histogram latency(int rate, int seconds) throws Exception {
        Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        long before = received.get();
        latency = h;
        long n = (long) rate * seconds;
        try (Connection c = db();
                PreparedStatement ps = c.prepareStatement(insertSql(1))) {
            java.sql.Array to = c.createArrayOf("text", new String[] {userId});
            long startMicros = System.currentTimeMillis() * 1000;
            for (long i = 0; i < n; i++) {
                long intended = startMicros + i * 1_000_000 / rate;
                long wait = intended - System.currentTimeMillis() * 1000;
                if (wait > 1000) {
                    Thread.sleep(wait / 1000);
                }
                ps.setInt(1, (int) (i % partitions));
                ps.setArray(2, to);
                // t: when this insert (its own transaction) starts; a database slower than the schedule shows in the
                // achieved rate printed below, not as relay latency
                ps.setString(3, "{\"seq\":" + i + ",\"t\":" + System.currentTimeMillis() * 1000 + "}");
                ps.executeUpdate();
            }
            achievedRate = n / ((System.currentTimeMillis() * 1000 - startMicros) / 1e6);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (received.get() < before + n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        latency = null;
        if (received.get() < before + n) {
            throw new IllegalStateException("only " + (received.get() - before) + " of " + n + " rows arrived");
        }
        try (Connection c = db();
                Statement s = c.createStatement()) {
            s.execute("SELECT 1"); // the database is still there; nothing to clean up: the relay deleted the rows
        }
        return h;
    }
}
