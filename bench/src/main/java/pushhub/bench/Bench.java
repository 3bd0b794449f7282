package pushhub.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Coordinator for one measured run of one scenario against one server (the reference or the hub).
 * Writes {@code <out>/<label>-<scenario>-r<rep>.txt} (key=value results) and {@code .hist} (encoded
 * latency histogram, microseconds) for {@link Report}.
 */
public final class Bench {
    final Util.Args a;
    final String scenario, label;
    final int rep;
    final URI ws, push;
    final String apiKey;
    final long serverPid;
    final Path out;
    final int conns;
    final double rate;
    final double warmupS, durationS, holdS;
    final int payload, pool;
    final Map<String, String> r = new LinkedHashMap<>();
    final List<Group> groups = new ArrayList<>();
    final List<StallGroup> stallGroups = new ArrayList<>();

    Bench(Util.Args a) {
        this.a = a;
        scenario = a.positional.isEmpty() ? a.str("scenario", "fanout") : a.positional.get(0);
        label = a.str("label", "ref");
        rep = a.integer("rep", 1);
        ws = URI.create(a.str("ws-url", "ws://127.0.0.1:9180/ws"));
        push = URI.create(a.str("push-url", "http://127.0.0.1:9180/api/push"));
        apiKey = a.str("api-key", null);
        serverPid = a.lng("server-pid", -1);
        out = Path.of(a.str("out", "bench/results/manual"));
        switch (scenario) {
            case "fanout":
            case "stalled":
                conns = a.integer("conns", 2000);
                rate = a.dbl("rate", 50);
                warmupS = a.dbl("warmup", 5);
                durationS = a.dbl("duration", 15);
                break;
            case "burst":
                conns = a.integer("conns", 1000);
                rate = 0;
                warmupS = a.dbl("warmup", 3);
                durationS = a.dbl("duration", 10);
                break;
            case "user":
                conns = a.integer("conns", 2000);
                rate = a.dbl("rate", 1000);
                warmupS = a.dbl("warmup", 5);
                durationS = a.dbl("duration", 15);
                break;
            case "idle":
                conns = a.integer("conns", 19000);
                rate = 0;
                warmupS = 0;
                durationS = 0;
                break;
            case "waves": // the measured window is the whole wave sequence; its length is known only at the end
                conns = a.integer("conns", 1000);
                rate = a.dbl("rate", 50);
                warmupS = a.dbl("warmup", 5);
                durationS = 0;
                break;
            default:
                throw new IllegalArgumentException(
                        "unknown scenario " + scenario + " (fanout|burst|idle|user|stalled|waves)");
        }
        holdS = a.dbl("hold", 5);
        payload = a.integer("payload", 0);
        pool = a.integer("pool", "burst".equals(scenario) ? 4 : 16);
    }

    public static void main(String[] args) throws Exception {
        Bench b = new Bench(new Util.Args(args, 0));
        try {
            b.run();
        } finally {
            for (StallGroup g : b.stallGroups) g.close();
            for (Group g : b.groups) g.close();
        }
        System.exit(0);
    }

    void log(String s) {
        System.out.println("[" + label + " " + scenario + " r" + rep + "] " + s);
        System.out.flush();
    }

    void run() throws Exception {
        if ("waves".equals(scenario)) {
            new Waves(this).run();
            return;
        }
        Files.createDirectories(out);
        String stem = label + "-" + scenario + "-r" + rep;
        r.put("scenario", scenario);
        r.put("label", label);
        r.put("rep", String.valueOf(rep));
        r.put("started", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        r.put("ws_url", ws.toString());
        r.put("push_url", push.toString());
        r.put("transport", Util.EPOLL ? "epoll" : "nio");
        r.put("conns", String.valueOf(conns));
        if (rate > 0) r.put("rate_per_s", fmt(rate));
        if (durationS > 0) {
            r.put("warmup_s", fmt(warmupS));
            r.put("duration_s", fmt(durationS));
        }
        if (payload > 0) r.put("payload_pad_bytes", String.valueOf(payload));
        if (a.has("server-args") && !a.str("server-args", "").isBlank()) r.put("server_args", a.str("server-args", ""));

        boolean idle = "idle".equals(scenario);
        boolean wantHeap = a.has("heap") ? a.flag("heap") : (idle || "stalled".equals(scenario));
        boolean stalled = "stalled".equals(scenario);

        // ---- baseline memory of the server
        long rssBefore = Util.rssKb(serverPid);
        double heapBefore = wantHeap && idle ? heapMb(serverPid) : -1;
        if (serverPid > 0 && rssBefore < 0)
            log("WARNING: cannot read /proc/" + serverPid + " (server metrics disabled)");

        // ---- connection groups
        int perProc = a.integer("per-proc", 12000);
        int procs = a.integer("procs", Math.max((conns + perProc - 1) / perProc, idle ? 2 : 1));
        List<String> ips = Util.expandIps(a.str("src-ips", "127.0.0.2-127.0.0.17"));
        int clientThreads = a.integer("client-threads", "burst".equals(scenario) ? 2 : 1);
        int concurrency = a.integer("concurrency", 256);
        long welcomeTimeout = a.lng("welcome-timeout-ms", 30_000);
        r.put("load_processes", String.valueOf(procs));
        if (procs == 1) {
            groups.add(new ConnGroup(ws, conns, stalled, ips, 0, clientThreads, concurrency, welcomeTimeout));
        } else {
            List<String> jvm = List.of(
                    a.str("worker-jvm", "-Xms64m -Xmx1g -XX:+UseParallelGC").split(" "));
            int start = 0;
            for (int i = 0; i < procs; i++) {
                int n = conns / procs + (i < conns % procs ? 1 : 0);
                List<String> wargs = new ArrayList<>(List.of(
                        "--ws-url",
                        ws.toString(),
                        "--count",
                        String.valueOf(n),
                        "--src-ips",
                        a.str("src-ips", "127.0.0.2-127.0.0.17"),
                        "--ip-offset",
                        String.valueOf(start),
                        "--threads",
                        String.valueOf(clientThreads),
                        "--concurrency",
                        String.valueOf(concurrency),
                        "--welcome-timeout-ms",
                        String.valueOf(welcomeTimeout),
                        "--max-seconds",
                        a.str("worker-max-seconds", "900")));
                if (stalled && i == 0) wargs.add("--stalled");
                groups.add(new RemoteGroup(i, jvm, wargs, out));
                start += n;
            }
            Util.sleepMs(300);
        }

        // ---- connect
        log("connecting " + conns + " WebSockets to " + ws + " from " + procs + " process(es)");
        long c0 = System.nanoTime();
        List<Long> pidsC = new ArrayList<>();
        for (Group g : groups) pidsC.add(g.pid());
        if (!pidsC.contains(ProcessHandle.current().pid()))
            pidsC.add(ProcessHandle.current().pid());
        long cAll0 = Util.machineBusyTicks(), cSrv0 = Util.cpuTicks(serverPid), cLg0 = Util.cpuTicks(pidsC);
        List<CompletableFuture<Group.Ready>> fs = new ArrayList<>();
        for (Group g : groups) fs.add(g.connect());
        List<Group.Ready> readies = new ArrayList<>();
        int ok = 0, failed = 0;
        String connErr = null;
        for (CompletableFuture<Group.Ready> f : fs) {
            Group.Ready rd = f.get(a.lng("connect-timeout-s", 180), TimeUnit.SECONDS);
            readies.add(rd);
            ok += rd.ok;
            failed += rd.failed;
            if (connErr == null) connErr = rd.error;
        }
        double connectS = (System.nanoTime() - c0) / 1e9;
        r.put("conn_ok", String.valueOf(ok));
        r.put("conn_failed", String.valueOf(failed));
        if (connErr != null) r.put("conn_first_error", connErr);
        r.put("connect_s", fmt(connectS));
        r.put("handshakes_per_s", fmt(ok / connectS));
        log(String.format(
                Locale.ROOT,
                "connected %d ok, %d failed in %.2f s (%.0f handshakes/s)%s",
                ok,
                failed,
                connectS,
                ok / connectS,
                connErr == null ? "" : " first error: " + connErr));

        Util.sleepMs(1000);
        long rssAfter = Util.rssKb(serverPid);
        if (rssBefore > 0 && rssAfter > 0) {
            r.put("server_rss_before_mb", fmt(rssBefore / 1024.0));
            r.put("server_rss_after_mb", fmt(rssAfter / 1024.0));
            if (ok > 0) r.put("server_rss_per_conn_kb", fmt((rssAfter - rssBefore) / (double) ok));
        }

        if (idle) {
            Util.sleepMs((long) (holdS * 1000));
            Group.Stats st = stats();
            r.put("held_s", fmt(holdS));
            long cAll1 = Util.machineBusyTicks(), cSrv1 = Util.cpuTicks(serverPid), cLg1 = Util.cpuTicks(pidsC);
            double secs = (System.nanoTime() - c0) / 1e9;
            if (cAll0 >= 0 && cAll1 >= 0) {
                long other = (cAll1 - cAll0) - (cLg1 - cLg0) - (cSrv0 >= 0 ? cSrv1 - cSrv0 : 0);
                r.put("other_cpu_pct", fmt(Math.max(0, 100.0 * other / Util.CLK_TCK / secs)));
            }
            r.put("open_after_hold", String.valueOf(st.open));
            r.put("failures", String.valueOf(failed + (ok - st.open)));
            long rssHeld = Util.rssKb(serverPid);
            if (rssHeld > 0) r.put("server_rss_held_mb", fmt(rssHeld / 1024.0));
            if (wantHeap) {
                double heapAfter = heapMb(serverPid);
                if (heapBefore >= 0 && heapAfter >= 0) {
                    r.put("server_heap_before_mb", fmt(heapBefore));
                    r.put("server_heap_after_mb", fmt(heapAfter));
                    r.put("server_heap_per_conn_kb", fmt((heapAfter - heapBefore) * 1024 / Math.max(1, st.open)));
                }
            }
            log("idle: " + st.open + " of " + conns + " still open after " + holdS + " s hold");
            finish(stem, null);
            return;
        }

        // ---- push phase
        String mode = "all", arg = null, prefix = "{";
        if ("user".equals(scenario)) {
            mode = "user";
            arg = readies.get(0).userId;
            prefix = "{\"users\":[\"" + arg + "\"],";
            r.put("target_user", arg);
        }
        for (Group g : groups) g.target(mode, arg);
        long targets = stats().targets;
        r.put("targets", String.valueOf(targets));

        Pusher p = new Pusher(push, apiKey, prefix, payload, pool);
        long t0 = Util.nowMicros() + 300_000;
        long warmEnd = t0 + (long) (warmupS * 1e6);
        long end = warmEnd + (long) (durationS * 1e6);
        p.windowStart = warmEnd;
        for (Group g : groups) g.window(warmEnd, end);
        List<Long> lgPids = new ArrayList<>();
        for (Group g : groups) lgPids.add(g.pid());
        if (!lgPids.contains(ProcessHandle.current().pid()))
            lgPids.add(ProcessHandle.current().pid());

        // stalled: besides the broadcasts, a filler stream of large pushes to the stalled connection alone, so its
        // socket buffers (several MB on loopback) fill within seconds and the server's slow-consumer handling shows
        Pusher filler = null;
        String stalledId = readies.get(0).stalledConnId;
        if (stalled) {
            int fillKb = a.integer("stall-fill-kb", 64);
            double fillRate = a.dbl("stall-fill-rate", 20);
            r.put("stalled_conn", String.valueOf(stalledId));
            if (stalledId != null && fillKb > 0 && fillRate > 0) {
                r.put("stall_fill", fillKb + " KiB x " + fmt(fillRate) + "/s");
                filler = new Pusher(push, apiKey, "{\"connections\":[\"" + stalledId + "\"],", fillKb * 1024, 2);
                filler.windowStart = warmEnd;
                filler.name = "filler";
                filler.startFixedRate(t0, fillRate, end);
            } else if (stalledId == null) {
                log("WARNING: the stalled connection got no welcome");
            }
        }

        if (rate > 0) {
            log(String.format(
                    Locale.ROOT,
                    "pushing at %.0f/s to %s: %.0f s warm-up + %.0f s measured",
                    rate,
                    mode,
                    warmupS,
                    durationS));
            p.startFixedRate(t0, rate, end);
        } else {
            long maxUndelivered = a.lng("max-undelivered", 16);
            boolean local = groups.size() == 1 && groups.get(0) instanceof ConnGroup;
            log(String.format(
                    Locale.ROOT,
                    "saturation: %d requests in flight, %s; %.0f s warm-up + %.0f s measured",
                    pool,
                    local ? "at most " + maxUndelivered + " pushes not yet fully delivered" : "no delivery window",
                    warmupS,
                    durationS));
            r.put("inflight_requests", String.valueOf(pool));
            if (local) r.put("max_undelivered_pushes", String.valueOf(maxUndelivered));
            Group g0 = groups.get(0);
            long tg = Math.max(1, targets);
            while (Util.nowMicros() < t0) Util.sleepMs(1);
            p.startSaturation(end, maxUndelivered, local ? () -> g0.targetDistinct() / tg : null);
        }

        sleepUntil(warmEnd);
        long srvCpu0 = Util.cpuTicks(serverPid), lgCpu0 = Util.cpuTicks(lgPids), all0 = Util.machineBusyTicks();
        Group.Stats atStart = stats();
        sleepUntil(end);
        long srvCpu1 = Util.cpuTicks(serverPid), lgCpu1 = Util.cpuTicks(lgPids), all1 = Util.machineBusyTicks();
        p.awaitDone(15_000);
        if (filler != null) {
            filler.awaitDone(5_000);
            Pusher f = filler;
            long[] fs2 = f.loop.submit(() ->
                            new long[] {f.okCount, f.errors, f.reachedSum, f.httpLatency.getValueAtPercentile(99)})
                    .get();
            r.put("stall_fill_pushes_ok", String.valueOf(fs2[0]));
            r.put("stall_fill_errors", String.valueOf(fs2[1]));
            r.put("stall_fill_reached", String.valueOf(fs2[2]));
            r.put("stall_fill_http_p99_ms", ms(fs2[3]));
            if (f.firstError != null) r.put("stall_fill_first_error", f.firstError);
            f.close();
        }

        // ---- drain: wait until every expected delivery arrived, or nothing new for 3 s (max 30 s)
        Drained d = drain(p, targets, durationS);
        long[] snap = d.snap();
        Group.Stats st = d.stats();

        Histogram h = new Histogram(ConnGroup.MAX_LATENCY_US, 3);
        for (Group g : groups) h.add(g.histogram());
        putLatency(h);

        if (srvCpu0 >= 0 && srvCpu1 >= 0) {
            double cpuS = (srvCpu1 - srvCpu0) / (double) Util.CLK_TCK;
            r.put("server_cpu_pct", fmt(100 * cpuS / durationS));
            if (st.measured > 0) r.put("server_cpu_s_per_M", fmt(cpuS / (st.measured / 1e6)));
        }
        r.put("loadgen_cpu_pct", fmt(100.0 * (lgCpu1 - lgCpu0) / Util.CLK_TCK / durationS));
        if (all0 >= 0 && all1 >= 0) {
            // CPU used by everything else on the machine during the window (other builds, tests, ...): a noisy run
            long other = (all1 - all0) - (lgCpu1 - lgCpu0) - (srvCpu0 >= 0 ? srvCpu1 - srvCpu0 : 0);
            r.put("other_cpu_pct", fmt(Math.max(0, 100.0 * other / Util.CLK_TCK / durationS)));
            r.put("machine_cpu_pct", fmt(100.0 * (all1 - all0) / Util.CLK_TCK / durationS));
        }
        double[] pl = putPusherFigures(p, snap);
        if (rate > 0) {
            double achieved = snap[0] / (warmupS + durationS);
            r.put("push_rate_achieved", fmt(achieved));
            // the pusher is "behind" if requests had to queue for a free keep-alive connection for long
            r.put("pusher_behind", pl[2] > 5000 ? "yes" : "no");
        } else {
            r.put("pushes_per_s", fmt(p.okCount / (warmupS + durationS)));
        }
        if (wantHeap) {
            double heap = heapMb(serverPid);
            if (heap >= 0) r.put("server_heap_after_mb", fmt(heap));
            long rss = Util.rssKb(serverPid);
            if (rss > 0) r.put("server_rss_end_mb", fmt(rss / 1024.0));
        }
        if (stalled) {
            // The stuck client does not read, so it cannot see a close by the server: let it read again and look.
            for (Group g : groups) g.unstall();
            long until = System.nanoTime() + 3_000_000_000L;
            long open;
            do {
                Util.sleepMs(250);
                open = stats().stalled;
            } while (open > 0 && System.nanoTime() < until);
            r.put("stalled_conn_open", String.valueOf(open));
        }
        p.close();
        log(String.format(
                Locale.ROOT,
                "delivered %s/%s (lost %s, dup %s, misrouted %s), %s deliveries/s, p50 %s p99 %s p99.9 %s max %s ms",
                r.get("delivered"),
                r.get("expected"),
                r.get("lost"),
                r.get("duplicates"),
                r.get("misrouted"),
                r.get("deliveries_per_s"),
                r.get("p50_ms"),
                r.get("p99_ms"),
                r.get("p999_ms"),
                r.get("max_ms")));
        finish(stem, h);
    }

    /** The pusher's snapshot (sent, ok, errors, reached, most pending, reconnects) and the deliveries after the drain. */
    record Drained(long[] snap, Group.Stats stats) {}

    /**
     * After the last push: waits until every expected delivery arrived, or nothing new arrived for 3 s (at most 30 s),
     * then records the push and delivery figures every scenario reports ({@code windowS}: the measured window).
     */
    Drained drain(Pusher p, long targets, double windowS) throws Exception {
        long[] snap = p.loop.submit(
                        () -> new long[] {p.sent, p.okCount, p.errors, p.reachedSum, p.maxPending, p.reconnects})
                .get();
        long expected = snap[1] * targets;
        Group.Stats st = stats();
        long lastProgress = System.nanoTime(), lastDistinct = st.distinct, drainStart = System.nanoTime();
        while (st.distinct < expected
                && System.nanoTime() - lastProgress < 3e9
                && System.nanoTime() - drainStart < 30e9) {
            Util.sleepMs(250);
            st = stats();
            if (st.distinct != lastDistinct) {
                lastDistinct = st.distinct;
                lastProgress = System.nanoTime();
            }
        }
        r.put("drain_s", fmt((System.nanoTime() - drainStart) / 1e9));
        r.put("pushes_sent", String.valueOf(snap[0]));
        r.put("pushes_ok", String.valueOf(snap[1]));
        r.put("push_errors", String.valueOf(snap[2]));
        if (p.firstError != null) r.put("push_first_error", p.firstError);
        r.put("reached_sum", String.valueOf(snap[3]));
        r.put("expected", String.valueOf(expected));
        r.put("delivered", String.valueOf(st.distinct));
        r.put("lost", String.valueOf(Math.max(0, expected - st.distinct)));
        r.put("duplicates", String.valueOf(st.dups));
        r.put("misrouted", String.valueOf(st.nonTarget));
        if (st.gapMissed > 0) r.put("gap_missed", String.valueOf(st.gapMissed));
        r.put("frames", String.valueOf(st.frames));
        r.put("msgs_per_frame", fmt(st.frames == 0 ? 0 : (double) st.msgs / st.frames));
        r.put("measured_deliveries", String.valueOf(st.measured));
        r.put("deliveries_per_s", fmt(st.measured / windowS));
        r.put("open_at_end", String.valueOf(st.open));
        return new Drained(snap, st);
    }

    /** Latency percentiles of the measured window. */
    void putLatency(Histogram h) {
        r.put("p50_ms", ms(h.getValueAtPercentile(50)));
        r.put("p90_ms", ms(h.getValueAtPercentile(90)));
        r.put("p99_ms", ms(h.getValueAtPercentile(99)));
        r.put("p999_ms", ms(h.getValueAtPercentile(99.9)));
        r.put("max_ms", ms(h.getMaxValue()));
        r.put("mean_ms", fmt(h.getMean() / 1000.0));
    }

    /** The pusher's own figures; returns its HTTP p50/p99 and send-lag p99/max (µs). */
    double[] putPusherFigures(Pusher p, long[] snap) throws Exception {
        double[] pl = p.loop.submit(() -> new double[] {
                    p.httpLatency.getValueAtPercentile(50), p.httpLatency.getValueAtPercentile(99),
                    p.sendLag.getValueAtPercentile(99), p.sendLag.getMaxValue()
                })
                .get();
        r.put("push_http_p50_ms", ms((long) pl[0]));
        r.put("push_http_p99_ms", ms((long) pl[1]));
        r.put("push_send_lag_p99_ms", ms((long) pl[2]));
        r.put("push_send_lag_max_ms", ms((long) pl[3]));
        r.put("push_queue_max", String.valueOf(snap[4]));
        if (snap[5] > 0) r.put("push_reconnects", String.valueOf(snap[5]));
        return pl;
    }

    Group.Stats stats() {
        Group.Stats s = new Group.Stats();
        for (Group g : groups) s.add(g.stats());
        return s;
    }

    void finish(String stem, Histogram h) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : r.entrySet())
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        Files.writeString(out.resolve(stem + ".txt"), sb.toString());
        if (h != null && h.getTotalCount() > 0) {
            ByteBuffer bb = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
            int n = h.encodeIntoCompressedByteBuffer(bb);
            Files.writeString(
                    out.resolve(stem + ".hist"),
                    Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bb.array(), n)));
        }
        log("wrote " + out.resolve(stem + ".txt"));
    }

    static void sleepUntil(long epochMicros) {
        long d;
        while ((d = epochMicros - Util.nowMicros()) > 0) Util.sleepMs(Math.max(1, Math.min(d / 1000, 200)));
    }

    static String ms(long micros) {
        return fmt(micros / 1000.0);
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.3f", v);
    }

    /** Server heap in MB after a full GC, via jcmd (HotSpot); -1 if unavailable. */
    static double heapMb(long pid) {
        if (pid <= 0) return -1;
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            exec(jcmd, String.valueOf(pid), "GC.run");
            String info = exec(jcmd, String.valueOf(pid), "GC.heap_info");
            double usedKb = 0;
            boolean any = false;
            for (String line : info.split("\n")) {
                String l = line.trim();
                boolean top = (l.contains(" total ") && l.contains(" used ")) || l.startsWith("ZHeap");
                if (!top || l.startsWith("Metaspace") || l.startsWith("class space")) continue;
                java.util.regex.Matcher m =
                        java.util.regex.Pattern.compile("used (\\d+)([KMG])").matcher(l);
                if (m.find()) {
                    double v = Double.parseDouble(m.group(1));
                    usedKb += "G".equals(m.group(2)) ? v * 1024 * 1024 : "M".equals(m.group(2)) ? v * 1024 : v;
                    any = true;
                }
            }
            return any ? usedKb / 1024.0 : -1;
        } catch (Exception e) {
            System.err.println("jcmd failed: " + e);
            return -1;
        }
    }

    static String exec(String... cmd) throws Exception {
        Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String s;
        try (BufferedReader br =
                new BufferedReader(new InputStreamReader(pr.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder sb = new StringBuilder();
            String line;
            while ((line = br.readLine()) != null) sb.append(line).append('\n');
            s = sb.toString();
        }
        if (!pr.waitFor(60, TimeUnit.SECONDS)) pr.destroyForcibly();
        return s;
    }
}
