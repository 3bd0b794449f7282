package pushhub.bench;

import static pushhub.bench.Bench.fmt;
import static pushhub.bench.Bench.ms;

import java.nio.file.Files;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The {@code waves} scenario (issue #8, the write path): N reading clients get the normal fanout for the whole run
 * while W waves of S clients that stop reading come and go. Each wave: S clients connect from their own source
 * address (127.0.0.50 + wave - 1), subscribe to a topic (default {@code big}), stop reading, and that topic gets
 * large pushes (60 KiB at 20/s) for the hold time; then the clients close their sockets (RST by default) and after a
 * settle time the server's thread count, heap after a full GC and the wave's server-side sockets ({@code ss}) are
 * recorded. A baseline of threads and heap is taken before the first wave. {@code --stalled-per-wave 0} is the same
 * run without stalled clients: the reference for the readers' p99.
 */
final class Waves {
    final Bench b;
    final Util.Args a;
    final Map<String, String> r;

    Waves(Bench b) {
        this.b = b;
        this.a = b.a;
        this.r = b.r;
    }

    void run() throws Exception {
        Files.createDirectories(b.out);
        String stem = b.label + "-" + b.scenario + "-r" + b.rep;
        int waves = a.integer("waves", 5);
        int perWave = a.integer("stalled-per-wave", 200);
        double holdS = a.dbl("wave-hold", 15), settleS = a.dbl("wave-settle", 10);
        String topic = a.str("stall-topic", "big");
        int fillKb = a.integer("stall-fill-kb", 60);
        double fillRate = a.dbl("stall-fill-rate", 20);
        String closeMode = a.str("stall-close", "rst");
        if (!List.of("rst", "close", "fin", "keep").contains(closeMode))
            throw new IllegalArgumentException("--stall-close rst|close|fin|keep");
        String stallBase = a.str("stall-src-ip", "127.0.0.50");
        int prefill = a.integer("stall-prefill", 100);
        boolean wantHeap = !a.has("heap") || a.flag("heap");
        int port = b.ws.getPort() > 0 ? b.ws.getPort() : 80;
        long pid = b.serverPid;

        r.put("scenario", b.scenario);
        r.put("label", b.label);
        r.put("rep", String.valueOf(b.rep));
        r.put("started", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        r.put("ws_url", b.ws.toString());
        r.put("push_url", b.push.toString());
        r.put("transport", Util.EPOLL ? "epoll" : "nio");
        r.put("conns", String.valueOf(b.conns));
        r.put("rate_per_s", fmt(b.rate));
        r.put("warmup_s", fmt(b.warmupS));
        if (b.payload > 0) r.put("payload_pad_bytes", String.valueOf(b.payload));
        r.put("waves", String.valueOf(waves));
        r.put("stalled_per_wave", String.valueOf(perWave));
        r.put("wave_hold_s", fmt(holdS));
        r.put("wave_settle_s", fmt(settleS));
        r.put("stall_topic", topic);
        r.put("stall_fill", fillKb + " KiB x " + fmt(fillRate) + "/s");
        r.put("stall_close", closeMode);
        r.put("stall_src_ips", stallBase + " + wave - 1");
        if (pid > 0 && Util.rssKb(pid) < 0) b.log("WARNING: cannot read /proc/" + pid + " (server metrics disabled)");

        // ---- readers: one process (1,000 by default; the file limit allows ~19k)
        List<String> ips = Util.expandIps(a.str("src-ips", "127.0.0.2-127.0.0.17"));
        for (int w = 0; w < waves; w++) {
            if (ips.contains(ipPlus(stallBase, w)))
                throw new IllegalArgumentException("--stall-src-ip range overlaps --src-ips");
        }
        ConnGroup readers = new ConnGroup(
                b.ws,
                b.conns,
                false,
                ips,
                0,
                a.integer("client-threads", 1),
                a.integer("concurrency", 256),
                a.lng("welcome-timeout-ms", 30_000));
        b.groups.add(readers);
        r.put("load_processes", "1");
        b.log("connecting " + b.conns + " reading WebSockets to " + b.ws);
        long c0 = System.nanoTime();
        Group.Ready rd = readers.connect().get(a.lng("connect-timeout-s", 180), TimeUnit.SECONDS);
        double connectS = (System.nanoTime() - c0) / 1e9;
        r.put("conn_ok", String.valueOf(rd.ok));
        r.put("conn_failed", String.valueOf(rd.failed));
        if (rd.error != null) r.put("conn_first_error", rd.error);
        r.put("connect_s", fmt(connectS));
        b.log(String.format(Locale.ROOT, "connected %d ok, %d failed in %.2f s", rd.ok, rd.failed, connectS));
        readers.target("all", null);
        long targets = b.stats().targets;
        r.put("targets", String.valueOf(targets));

        // ---- the normal fanout for the whole run (stopped after the last wave; bounded anyway)
        Pusher p = new Pusher(b.push, b.apiKey, "{", b.payload, b.pool);
        long t0 = Util.nowMicros() + 300_000;
        long warmEnd = t0 + (long) (b.warmupS * 1e6);
        double maxRunS = b.warmupS + waves * (holdS + settleS + 120) + 60;
        p.windowStart = warmEnd;
        readers.window(warmEnd, Long.MAX_VALUE);
        b.log(String.format(
                Locale.ROOT,
                "fanout %.0f/s to all; %d waves x %d stalled clients on topic '%s' (%d KiB x %s/s), hold %s s, settle %s s, close=%s",
                b.rate,
                waves,
                perWave,
                topic,
                fillKb,
                fmt(fillRate),
                fmt(holdS),
                fmt(settleS),
                closeMode));
        p.startFixedRate(t0, b.rate, t0 + (long) (maxRunS * 1e6));

        // the topic's history (pushhub.history.size, 100 by default) holds the last big messages: fill it before the
        // baseline so that the heap after each wave is compared with a baseline that already holds them
        if (prefill > 0 && fillKb > 0 && perWave > 0) {
            Pusher pre = new Pusher(b.push, b.apiKey, "{\"topic\":\"" + topic + "\",", fillKb * 1024, 2);
            pre.name = "prefill";
            long pt = Util.nowMicros();
            pre.startFixedRate(pt, 50, pt + (long) (prefill / 50.0 * 1e6));
            pre.awaitDone((long) (prefill / 50.0 * 1000) + 15_000);
            r.put(
                    "stall_prefill",
                    String.valueOf(pre.loop.submit(() -> pre.okCount).get()));
            pre.close();
        }
        Bench.sleepUntil(warmEnd);

        List<Long> lgPids = List.of(ProcessHandle.current().pid());
        long srvCpu0 = Util.cpuTicks(pid), lgCpu0 = Util.cpuTicks(lgPids), all0 = Util.machineBusyTicks();
        long win0 = System.nanoTime();

        // ---- baseline
        long threads0 = Util.statusField(pid, "Threads:");
        double heap0 = wantHeap ? Bench.heapMb(pid) : -1;
        putIf("w0_threads", threads0);
        if (heap0 >= 0) r.put("w0_heap_mb", fmt(heap0));
        r.put("w0_readers_open", String.valueOf(b.stats().open));
        Histogram hPrev = readers.histogram();
        b.log("baseline: threads " + threads0 + ", heap after GC " + (heap0 >= 0 ? fmt(heap0) + " MiB" : "n/a"));

        double maxThreadsPct = Double.NaN, maxHeapPct = Double.NaN;
        long totalStalled = 0, totalClosedBefore = 0, totalEstabAfter = 0, totalSocketsAfter = 0;
        List<String> rows = new ArrayList<>();
        for (int w = 1; w <= waves; w++) {
            String k = "w" + w + "_";
            String ip = ipPlus(stallBase, w - 1);
            long wv0 = System.nanoTime();
            StallGroup sg = new StallGroup(b.ws, ip, topic, perWave, a.integer("stall-concurrency", 64), 30_000);
            b.stallGroups.add(sg);
            sg.connect().get(60, TimeUnit.SECONDS);
            r.put(k + "connect_s", fmt((System.nanoTime() - wv0) / 1e9));
            int stalledN = sg.loopGroup.submit(() -> sg.subscribed).get();
            int stallFailed = sg.loopGroup.submit(() -> sg.failed).get();
            String stallErr = sg.loopGroup.submit(() -> sg.firstError).get();
            r.put(k + "stalled", String.valueOf(stalledN));
            if (stallFailed > 0) {
                r.put(k + "stall_failed", String.valueOf(stallFailed));
                r.put(k + "stall_first_error", String.valueOf(stallErr));
            }
            totalStalled += stalledN;

            Pusher big = null;
            long holdEnd = Util.nowMicros() + (long) (holdS * 1e6);
            if (perWave > 0 && fillKb > 0 && fillRate > 0) {
                big = new Pusher(
                        b.push, b.apiKey, "{\"topic\":\"" + topic + "\",", fillKb * 1024, a.integer("stall-pool", 4));
                big.name = "big";
                long bt = Util.nowMicros();
                big.windowStart = bt;
                big.startFixedRate(bt, fillRate, holdEnd);
            }
            Bench.sleepUntil(holdEnd);

            // end of the hold: which of the wave's sockets did the server close by itself?
            SsCount hold = ss(ip, port);
            int seen = sg.closedByServerSeen();
            r.put(k + "srv_estab_hold", String.valueOf(hold.estab));
            r.put(k + "srv_closed_before", String.valueOf(Math.max(0, stalledN - hold.estab)));
            r.put(k + "srv_sendq_kb_hold", fmt(hold.sendQ / 1024.0));
            r.put(k + "client_saw_close", String.valueOf(seen));
            r.put(k + "srv_states_hold", hold.states());
            totalClosedBefore += Math.max(0, stalledN - hold.estab);
            if (big != null) {
                big.awaitDone(5_000);
                Pusher f = big;
                long[] fs = f.loop.submit(() -> new long[] {
                            f.okCount,
                            f.errors,
                            f.reachedSum,
                            f.httpLatency.getValueAtPercentile(99),
                            f.httpLatency.getMaxValue(),
                            f.abandoned,
                            f.sent,
                            f.lastReached
                        })
                        .get();
                // how many of the wave's clients the hub still routed to at the end of the hold (its own view)
                r.put(k + "big_reached_last", String.valueOf(fs[7]));
                r.put(k + "big_sent", String.valueOf(fs[6]));
                r.put(k + "big_ok", String.valueOf(fs[0]));
                r.put(k + "big_errors", String.valueOf(fs[1] - fs[5]));
                r.put(
                        k + "big_unanswered",
                        String.valueOf(fs[5])); // still no answer 5 s after the hold (or never sent)
                r.put(k + "big_reached", String.valueOf(fs[2]));
                r.put(k + "big_http_p99_ms", ms(fs[3]));
                r.put(k + "big_http_max_ms", ms(fs[4]));
                if (f.firstError != null) r.put(k + "big_first_error", f.firstError);
                f.close();
            }

            // the clients go away; then let the server settle and look at it
            sg.end(closeMode);
            Util.sleepMs((long) (settleS * 1000));
            long m0 = System.nanoTime();
            long threads = Util.statusField(pid, "Threads:");
            double heap = wantHeap ? Bench.heapMb(pid) : -1;
            SsCount after = ss(ip, port);
            putIf(k + "threads", threads);
            if (heap >= 0) r.put(k + "heap_mb", fmt(heap));
            r.put(k + "measure_s", fmt((System.nanoTime() - m0) / 1e9)); // jcmd GC.run + GC.heap_info + ss
            r.put(k + "srv_estab_after", String.valueOf(after.estab));
            r.put(k + "srv_sockets_after", String.valueOf(after.total));
            r.put(k + "srv_states_after", after.states());
            totalEstabAfter += after.estab;
            totalSocketsAfter += after.total;
            if (threads > 0 && threads0 > 0) {
                double pct = 100.0 * (threads - threads0) / threads0;
                r.put(k + "threads_vs_base_pct", fmt(pct));
                maxThreadsPct = Double.isNaN(maxThreadsPct) ? pct : Math.max(maxThreadsPct, pct);
            }
            if (heap >= 0 && heap0 > 0) {
                double pct = 100.0 * (heap - heap0) / heap0;
                r.put(k + "heap_vs_base_pct", fmt(pct));
                maxHeapPct = Double.isNaN(maxHeapPct) ? pct : Math.max(maxHeapPct, pct);
            }
            Group.Stats st = b.stats();
            Histogram hNow = readers.histogram();
            Histogram hw = hNow.copy();
            hw.subtract(hPrev);
            hPrev = hNow;
            r.put(k + "readers_open", String.valueOf(st.open));
            r.put(k + "reader_p99_ms", ms(hw.getValueAtPercentile(99)));
            r.put(k + "reader_max_ms", ms(hw.getMaxValue()));
            r.put(k + "s", fmt((System.nanoTime() - wv0) / 1e9));
            String row = String.format(
                    Locale.ROOT,
                    "wave %d: %d stalled (%d failed), server closed %d before the client close (%d ESTAB at end of hold, %s KiB Send-Q), "
                            + "big pushes ok %s, failed %s, unanswered %s, last reached %s; after settle: %d ESTAB / %d sockets [%s], threads %d, heap %s MiB; readers open %d, p99 %s ms",
                    w,
                    stalledN,
                    stallFailed,
                    Math.max(0, stalledN - hold.estab),
                    hold.estab,
                    fmt(hold.sendQ / 1024.0),
                    r.getOrDefault(k + "big_ok", "-"),
                    r.getOrDefault(k + "big_errors", "-"),
                    r.getOrDefault(k + "big_unanswered", "-"),
                    r.getOrDefault(k + "big_reached_last", "-"),
                    after.estab,
                    after.total,
                    after.states(),
                    threads,
                    heap >= 0 ? fmt(heap) : "n/a",
                    st.open,
                    r.get(k + "reader_p99_ms"));
            b.log(row);
            rows.add(row);
        }
        double windowS = (System.nanoTime() - win0) / 1e9;
        long srvCpu1 = Util.cpuTicks(pid), lgCpu1 = Util.cpuTicks(lgPids), all1 = Util.machineBusyTicks();
        long end = Util.nowMicros();
        p.stopAt(end);
        readers.window(warmEnd, end);
        p.awaitDone(15_000);

        // ---- drain, as in the other scenarios
        Bench.Drained d = b.drain(p, targets, windowS);
        long[] snap = d.snap();
        Group.Stats st = d.stats();
        r.put("duration_s", fmt(windowS));
        r.put("disconnected", String.valueOf(Math.max(0, rd.ok - st.open)));

        Histogram h = readers.histogram();
        b.putLatency(h);

        if (srvCpu0 >= 0 && srvCpu1 >= 0)
            r.put("server_cpu_pct", fmt(100.0 * (srvCpu1 - srvCpu0) / Util.CLK_TCK / windowS));
        r.put("loadgen_cpu_pct", fmt(100.0 * (lgCpu1 - lgCpu0) / Util.CLK_TCK / windowS));
        if (all0 >= 0 && all1 >= 0) {
            long other = (all1 - all0) - (lgCpu1 - lgCpu0) - (srvCpu0 >= 0 ? srvCpu1 - srvCpu0 : 0);
            r.put("other_cpu_pct", fmt(Math.max(0, 100.0 * other / Util.CLK_TCK / windowS)));
            r.put("machine_cpu_pct", fmt(100.0 * (all1 - all0) / Util.CLK_TCK / windowS));
        }
        double[] pl = b.putPusherFigures(p, snap);
        r.put("pusher_behind", pl[2] > 5000 ? "yes" : "no");

        putIf("server_threads_base", threads0);
        if (heap0 >= 0) r.put("server_heap_base_mb", fmt(heap0));
        if (!Double.isNaN(maxThreadsPct)) r.put("threads_max_vs_base_pct", fmt(maxThreadsPct));
        if (!Double.isNaN(maxHeapPct)) r.put("heap_max_vs_base_pct", fmt(maxHeapPct));
        r.put("stalled_total", String.valueOf(totalStalled));
        r.put("stalled_closed_by_server", String.valueOf(totalClosedBefore));
        r.put("stalled_estab_after_settle", String.valueOf(totalEstabAfter));
        r.put("stalled_sockets_after_settle", String.valueOf(totalSocketsAfter));
        p.close();

        b.log(String.format(
                Locale.ROOT,
                "readers: delivered %s/%s (lost %s, dup %s), disconnected %s, p50 %s p99 %s p99.9 %s max %s ms",
                r.get("delivered"),
                r.get("expected"),
                r.get("lost"),
                r.get("duplicates"),
                r.get("disconnected"),
                r.get("p50_ms"),
                r.get("p99_ms"),
                r.get("p999_ms"),
                r.get("max_ms")));
        b.log("per wave (baseline: threads " + threads0 + ", heap " + (heap0 >= 0 ? fmt(heap0) + " MiB" : "n/a")
                + "):");
        for (String row : rows) b.log("  " + row);
        b.finish(stem, h);
    }

    private void putIf(String k, long v) {
        if (v >= 0) r.put(k, String.valueOf(v));
    }

    /** base + n in the last octet (127.0.0.50 + 2 = 127.0.0.52). */
    static String ipPlus(String base, int n) {
        int dot = base.lastIndexOf('.');
        int last = Integer.parseInt(base.substring(dot + 1)) + n;
        if (last > 254) throw new IllegalArgumentException("--stall-src-ip " + base + " + " + n + " leaves the /24");
        return base.substring(0, dot + 1) + last;
    }

    /** The server side of one wave's sockets, from {@code ss}: local port = the server's, peer = the wave's address. */
    static final class SsCount {
        final Map<String, Integer> byState = new LinkedHashMap<>();
        int estab, total;
        long sendQ;

        String states() {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, Integer> e : byState.entrySet()) {
                if (sb.length() > 0) sb.append(' ');
                sb.append(e.getKey()).append(':').append(e.getValue());
            }
            return sb.length() == 0 ? "none" : sb.toString();
        }
    }

    static SsCount ss(String peerIp, int serverPort) {
        SsCount c = new SsCount();
        try {
            String out =
                    Bench.exec("ss", "-Htan", "state", "all", "( dst " + peerIp + " and sport = :" + serverPort + " )");
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 5) continue;
                c.total++;
                c.byState.merge(f[0], 1, Integer::sum);
                if ("ESTAB".equals(f[0])) c.estab++;
                try {
                    c.sendQ += Long.parseLong(f[2]);
                } catch (NumberFormatException ignored) {
                }
            }
        } catch (Exception e) {
            System.err.println("ss failed: " + e);
        }
        return c;
    }
}
