package pushhub.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Aggregates the runs in one results directory: medians per target (ref / hub), hub/ref ratios,
 * a markdown report (results.md) and a latency-percentile plot (latency.svg), both written by hand.
 */
public final class Report {
    /** Metrics shown in the summary table, with a description. Everything else goes to the all-runs table. */
    static final Map<String, String> MAIN = new LinkedHashMap<>();

    static {
        MAIN.put("conn_ok", "connections open (welcome received)");
        MAIN.put("conn_failed", "connections failed");
        MAIN.put("failures", "failures (failed + dropped during hold)");
        MAIN.put("handshakes_per_s", "handshakes/s (connect to welcome, whole ramp)");
        MAIN.put("deliveries_per_s", "deliveries/s in the measured window");
        MAIN.put("pushes_per_s", "accepted pushes/s (saturation)");
        MAIN.put("expected", "expected deliveries (ok pushes x targets)");
        MAIN.put("delivered", "delivered (distinct)");
        MAIN.put("lost", "lost");
        MAIN.put("duplicates", "duplicated");
        MAIN.put("misrouted", "delivered to a non-target connection");
        MAIN.put("gap_missed", "messages the server reported dropped (gap frames)");
        MAIN.put("open_at_end", "connections still open at the end");
        MAIN.put("disconnected", "reading connections closed during the run (`waves`)");
        MAIN.put("push_errors", "push requests failed");
        MAIN.put("p50_ms", "latency p50 (ms)");
        MAIN.put("p90_ms", "latency p90 (ms)");
        MAIN.put("p99_ms", "latency p99 (ms)");
        MAIN.put("p999_ms", "latency p99.9 (ms)");
        MAIN.put("max_ms", "latency max (ms)");
        MAIN.put("msgs_per_frame", "messages per WebSocket frame (batching)");
        MAIN.put("server_cpu_s_per_M", "server CPU seconds per million deliveries");
        MAIN.put("server_cpu_pct", "server CPU % (of one core) in the window");
        MAIN.put("loadgen_cpu_pct", "load generator CPU % (of one core)");
        MAIN.put("server_rss_per_conn_kb", "server RSS per connection (KiB)");
        MAIN.put("server_heap_per_conn_kb", "server heap per connection after GC (KiB)");
        MAIN.put("server_rss_after_mb", "server RSS after connecting (MiB)");
        MAIN.put("server_heap_after_mb", "server heap after GC at the end (MiB)");
        MAIN.put("stalled_reached", "broadcasts the server still accepted for the stalled client");
        MAIN.put("stall_fill_reached", "large filler pushes accepted for the stalled client");
        MAIN.put("stall_fill_pushes_ok", "large filler pushes answered 200");
        MAIN.put("stall_fill_errors", "large filler pushes rejected (e.g. 404: the server dropped the stuck client)");
        MAIN.put("stalled_conn_open", "stuck client still connected at the end (1/0, seen when it reads again)");
        MAIN.put("stalled_total", "`waves`: stalled clients (all waves)");
        MAIN.put("stalled_closed_by_server", "`waves`: of those, closed by the server before the client-side close");
        MAIN.put(
                "stalled_estab_after_settle",
                "`waves`: stalled sockets still ESTABLISHED on the server after settle (ss)");
        MAIN.put("server_threads_base", "`waves`: server threads, baseline");
        MAIN.put("threads_max_vs_base_pct", "`waves`: server threads after a wave, worst vs baseline (%)");
        MAIN.put("server_heap_base_mb", "`waves`: server heap after GC, baseline (MiB)");
        MAIN.put("heap_max_vs_base_pct", "`waves`: server heap after GC after a wave, worst vs baseline (%)");
        MAIN.put("other_cpu_pct", "CPU % used by other processes (noise; >20 = disturbed)");
        MAIN.put("push_http_p99_ms", "push request p99, from intended send (ms)");
        MAIN.put("push_send_lag_p99_ms", "pusher send lag p99 (ms; >5 = pusher behind)");
    }

    static final Set<String> TEXT = Set.of(
            "scenario",
            "label",
            "rep",
            "started",
            "ws_url",
            "push_url",
            "transport",
            "target_user",
            "conn_first_error",
            "push_first_error",
            "pusher_behind",
            "stalled_conn",
            "stall_fill",
            "stall_fill_first_error",
            "server_args",
            "stall_topic",
            "stall_close",
            "stall_src_ips");

    record Run(String file, Map<String, String> kv, Histogram hist) {
        String label() {
            return kv.get("label");
        }

        String name() {
            return kv.get("label") + " r" + kv.get("rep");
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        List<Run> runs = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(x -> x.toString().endsWith(".txt")).sorted().collect(Collectors.toList())) {
                Map<String, String> kv = new LinkedHashMap<>();
                for (String line : Files.readAllLines(p)) {
                    int eq = line.indexOf('=');
                    if (eq > 0) kv.put(line.substring(0, eq), line.substring(eq + 1));
                }
                if (!kv.containsKey("scenario")) continue;
                derive(kv);
                Path hp = Path.of(p.toString().replaceAll("\\.txt$", ".hist"));
                Histogram h = null;
                if (Files.exists(hp)) {
                    byte[] b = Base64.getDecoder().decode(Files.readString(hp).trim());
                    h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(b), 0);
                }
                runs.add(new Run(p.getFileName().toString(), kv, h));
            }
        }
        if (runs.isEmpty()) {
            System.err.println("no runs in " + dir);
            System.exit(1);
        }
        Map<String, List<Run>> byScenario = new TreeMap<>();
        for (Run r : runs)
            byScenario
                    .computeIfAbsent(r.kv.get("scenario"), k -> new ArrayList<>())
                    .add(r);

        StringBuilder md = new StringBuilder();
        md.append("# pushhub benchmark results\n\n");
        md.append("Directory: `").append(dir).append("`  \n");
        md.append("Machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, ")
                .append(String.format(Locale.ROOT, "%.1f", memGiB()))
                .append(" GiB; load generator and server(s) share it. ")
                .append("Latency = receive time - intended send time (fixed schedule; no coordinated omission).\n\n");
        StringBuilder console = new StringBuilder();
        for (Map.Entry<String, List<Run>> e : byScenario.entrySet()) {
            String scenario = e.getKey();
            List<Run> rs = e.getValue();
            Map<String, List<Run>> byLabel = new LinkedHashMap<>();
            for (String l : List.of("ref", "nostall", "hub")) {
                List<Run> x = rs.stream().filter(r -> l.equals(r.label())).collect(Collectors.toList());
                if (!x.isEmpty()) byLabel.put(l, x);
            }
            for (Run r : rs)
                byLabel.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r);
            for (List<Run> l : byLabel.values()) {
                Set<Run> uniq = new LinkedHashSet<>(l);
                l.clear();
                l.addAll(uniq);
            }
            List<String> labels = new ArrayList<>(byLabel.keySet());
            // hub / ref; in `waves` (hub only) hub / nostall: the same run without stalled clients
            String base = byLabel.containsKey("ref") ? "ref" : "nostall";
            boolean ratio = byLabel.containsKey(base) && byLabel.containsKey("hub");

            md.append("## Scenario `").append(scenario).append("`\n\n");
            Run first = rs.get(0);
            md.append("Setup: ").append(setup(first.kv)).append("\n\n");
            for (String l : labels) {
                Run r0 = byLabel.get(l).get(0);
                md.append("- `")
                        .append(l)
                        .append("`: ")
                        .append(r0.kv.get("ws_url"))
                        .append(" , ")
                        .append(r0.kv.get("push_url"))
                        .append(
                                r0.kv.containsKey("server_args")
                                        ? " (server options: `" + r0.kv.get("server_args") + "`)"
                                        : "")
                        .append(" (")
                        .append(byLabel.get(l).size())
                        .append(" runs)\n");
            }
            md.append('\n');

            StringBuilder t = new StringBuilder();
            t.append("| metric |");
            for (String l : labels)
                t.append(' ')
                        .append(l)
                        .append(" (median of ")
                        .append(byLabel.get(l).size())
                        .append(") |");
            if (ratio) t.append(" hub / ").append(base).append(" |");
            t.append('\n').append("|---|");
            for (int i = 0; i < labels.size(); i++) t.append("---:|");
            if (ratio) t.append("---:|");
            t.append('\n');
            for (Map.Entry<String, String> m : MAIN.entrySet()) {
                String k = m.getKey();
                if (rs.stream().noneMatch(r -> r.kv.containsKey(k))) continue;
                t.append("| ").append(m.getValue()).append(" |");
                Map<String, Double> med = new LinkedHashMap<>();
                for (String l : labels) {
                    Double v = median(byLabel.get(l), k);
                    med.put(l, v);
                    t.append(' ').append(v == null ? "-" : Bench.fmt(v)).append(" |");
                }
                if (ratio) {
                    Double a = med.get("hub"), b = med.get(base);
                    t.append(' ')
                            .append(a != null && b != null && b != 0 ? String.format(Locale.ROOT, "%.2fx", a / b) : "-")
                            .append(" |");
                }
                t.append('\n');
            }
            md.append(t).append('\n');
            console.append("\n=== ")
                    .append(scenario)
                    .append(" (")
                    .append(dir)
                    .append(")\n")
                    .append(t);

            if ("waves".equals(scenario)) {
                String wt = waveTable(byLabel) + waveCriteria(byLabel);
                md.append(wt).append('\n');
                console.append(wt);
            }

            // warnings
            for (Run r : rs) {
                List<String> w = new ArrayList<>();
                if (num(r.kv, "conn_failed") > 0)
                    w.add(r.kv.get("conn_failed") + " connections failed (" + r.kv.get("conn_first_error") + ")");
                if (num(r.kv, "lost") > 0) w.add(r.kv.get("lost") + " deliveries lost");
                if (num(r.kv, "duplicates") > 0) w.add(r.kv.get("duplicates") + " duplicates");
                if (num(r.kv, "misrouted") > 0) w.add(r.kv.get("misrouted") + " misrouted");
                if (num(r.kv, "push_errors") > 0)
                    w.add(r.kv.get("push_errors") + " push errors (" + r.kv.get("push_first_error") + ")");
                if (num(r.kv, "other_cpu_pct") > 20)
                    w.add("DISTURBED: other processes used " + r.kv.get("other_cpu_pct") + "% CPU during the window");
                if ("yes".equals(r.kv.get("pusher_behind")))
                    w.add(
                            "the pusher fell behind its schedule (server slow to answer POSTs; latency still counts from the intended time)");
                if (!w.isEmpty())
                    md.append("- **")
                            .append(r.name())
                            .append("**: ")
                            .append(String.join("; ", w))
                            .append('\n');
            }

            // plot
            List<Run> withHist = rs.stream()
                    .filter(r -> r.hist != null && r.hist.getTotalCount() > 0)
                    .collect(Collectors.toList());
            if (!withHist.isEmpty()) {
                String svgName = "latency-" + scenario + ".svg";
                Files.writeString(dir.resolve(svgName), svg(scenario, withHist));
                md.append("\n![latency percentiles](").append(svgName).append(")\n\n");
            }

            // all runs
            md.append("\n<details><summary>All runs</summary>\n\n| key |");
            for (Run r : rs) md.append(' ').append(r.name()).append(" |");
            md.append("\n|---|");
            for (int i = 0; i < rs.size(); i++) md.append("---:|");
            md.append('\n');
            Set<String> keys = new LinkedHashSet<>();
            for (Run r : rs) keys.addAll(r.kv.keySet());
            for (String k : keys) {
                if (Set.of("scenario", "label", "rep", "ws_url", "push_url").contains(k)) continue;
                md.append("| ").append(k).append(" |");
                for (Run r : rs)
                    md.append(' ')
                            .append(r.kv.getOrDefault(k, "").replace("|", "\\|"))
                            .append(" |");
                md.append('\n');
            }
            md.append("\n</details>\n\n");
        }
        Files.writeString(dir.resolve("results.md"), md.toString());
        System.out.println(console);
        System.out.println("wrote " + dir.resolve("results.md"));
    }

    /** Per-wave figures of the `waves` scenario (keys w<N>_...; w0 = baseline): medians over the runs of each label. */
    static final String[][] WAVE_COLS = {
        {"stalled", "stalled"},
        {"srv_closed_before", "closed by server before client close"},
        {"srv_estab_hold", "server ESTAB at end of hold"},
        {"srv_sendq_kb_hold", "server Send-Q at end of hold (KiB)"},
        {"big_ok", "big pushes ok"},
        {"big_unanswered", "big pushes unanswered"},
        {"big_reached_last", "hub still routing to (last big push's reached)"},
        {"big_http_p99_ms", "big push p99 (ms)"},
        {"srv_estab_after", "server ESTAB after settle"},
        {"threads", "server threads"},
        {"threads_vs_base_pct", "threads vs base (%)"},
        {"heap_mb", "heap after GC (MiB)"},
        {"heap_vs_base_pct", "heap vs base (%)"},
        {"readers_open", "readers open"},
        {"reader_p99_ms", "reader p99 in the wave (ms)"},
    };

    static String waveTable(Map<String, List<Run>> byLabel) {
        StringBuilder t = new StringBuilder();
        for (Map.Entry<String, List<Run>> e : byLabel.entrySet()) {
            List<Run> rs = e.getValue();
            int waves =
                    (int) rs.stream().mapToDouble(r -> num(r.kv, "waves")).max().orElse(0);
            t.append("\nPer wave, `")
                    .append(e.getKey())
                    .append("` (median of ")
                    .append(rs.size())
                    .append("; wave 0 = baseline before the first wave):\n\n| wave |");
            for (String[] c : WAVE_COLS) t.append(' ').append(c[1]).append(" |");
            t.append("\n|---|");
            for (int i = 0; i < WAVE_COLS.length; i++) t.append("---:|");
            t.append('\n');
            for (int w = 0; w <= waves; w++) {
                t.append("| ").append(w == 0 ? "base" : String.valueOf(w)).append(" |");
                for (String[] c : WAVE_COLS) {
                    Double v = median(rs, "w" + w + "_" + c[0]);
                    t.append(' ').append(v == null ? "-" : Bench.fmt(v)).append(" |");
                }
                t.append('\n');
            }
        }
        return t.toString();
    }

    /** Issue #8's acceptance figures for the `hub` runs of `waves` (medians), each with PASS / FAIL. */
    static String waveCriteria(Map<String, List<Run>> byLabel) {
        List<Run> hub = byLabel.get("hub");
        if (hub == null) return "";
        StringBuilder t = new StringBuilder("\nIssue #8 criteria, `hub` (medians):\n\n");
        Double lost = median(hub, "lost"), disc = median(hub, "disconnected"), dup = median(hub, "duplicates");
        t.append(crit(
                lost != null && lost == 0 && (dup == null || dup == 0),
                "reading clients lose nothing: lost " + fmtN(lost) + ", duplicated " + fmtN(dup)));
        t.append(crit(disc != null && disc == 0, "no reading client disconnected: " + fmtN(disc)));
        Double p99 = median(hub, "p99_ms");
        List<Run> ns = byLabel.get("nostall");
        if (ns != null) {
            Double p0 = median(ns, "p99_ms");
            boolean ok = p99 != null && p0 != null && p0 > 0 && p99 <= 1.5 * p0;
            t.append(crit(
                    ok,
                    "reader p99 within 1.5x of the run without stalled clients: " + fmtN(p99) + " ms vs " + fmtN(p0)
                            + " ms ("
                            + (p99 != null && p0 != null && p0 > 0
                                    ? String.format(Locale.ROOT, "%.2fx", p99 / p0)
                                    : "-")
                            + ")"));
        } else {
            t.append("- ?: reader p99 " + fmtN(p99)
                    + " ms; no `nostall` run (`--stalled-per-wave 0`) in this directory to compare with\n");
        }
        Double th = median(hub, "threads_max_vs_base_pct"), hp = median(hub, "heap_max_vs_base_pct");
        t.append(
                th == null
                        ? "- ?: no thread figures (--server-pid)\n"
                        : crit(
                                th <= 10,
                                "server threads after each wave within 10% of the baseline: worst " + fmtN(th) + "%"));
        t.append(
                hp == null
                        ? "- ?: no heap figures (--server-pid, jcmd)\n"
                        : crit(
                                hp <= 10,
                                "server heap after GC after each wave within 10% of the baseline: worst " + fmtN(hp)
                                        + "%"));
        Double est = median(hub, "stalled_estab_after_settle"),
                tot = median(hub, "stalled_total"),
                byServer = median(hub, "stalled_closed_by_server");
        t.append(crit(
                est != null && est == 0,
                "every stalled socket closed after settle (ss, server side): " + fmtN(est) + " still ESTABLISHED of "
                        + fmtN(tot) + " (client-side close: " + hub.get(0).kv.getOrDefault("stall_close", "?") + ")"));
        t.append("- (info) stalled clients the server closed itself before the client-side close: " + fmtN(byServer)
                + " of " + fmtN(tot) + "\n");
        return t.toString();
    }

    static String crit(boolean ok, String what) {
        return "- " + (ok ? "PASS" : "**FAIL**") + ": " + what + "\n";
    }

    static String fmtN(Double v) {
        return v == null ? "-" : Bench.fmt(v);
    }

    static void derive(Map<String, String> kv) {
        if (kv.containsKey("reached_sum")
                && kv.containsKey("pushes_ok")
                && kv.containsKey("targets")
                && "stalled".equals(kv.get("scenario"))) {
            long extra = (long) (num(kv, "reached_sum") - num(kv, "pushes_ok") * num(kv, "targets"));
            kv.put("stalled_reached", String.valueOf(extra));
        }
    }

    static String setup(Map<String, String> kv) {
        List<String> s = new ArrayList<>();
        for (String k : List.of(
                "conns",
                "rate_per_s",
                "warmup_s",
                "duration_s",
                "payload_pad_bytes",
                "inflight_requests",
                "max_undelivered_pushes",
                "held_s",
                "load_processes",
                "transport")) {
            if (kv.containsKey(k)) s.add(k + "=" + kv.get(k));
        }
        return String.join(", ", s);
    }

    static double num(Map<String, String> kv, String k) {
        try {
            return Double.parseDouble(kv.getOrDefault(k, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Double median(List<Run> rs, String k) {
        List<Double> v = new ArrayList<>();
        for (Run r : rs) {
            String s = r.kv.get(k);
            if (s == null) continue;
            try {
                v.add(Double.parseDouble(s));
            } catch (NumberFormatException ignored) {
            }
        }
        if (v.isEmpty()) return null;
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    static double memGiB() {
        return Util.statusField(1, "VmRSS:") >= 0 ? memTotalKb() / 1024.0 / 1024.0 : 0;
    }

    static long memTotalKb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        } catch (Exception ignored) {
        }
        return 0;
    }

    // ------------------------------------------------------------------ SVG plot

    static String svg(String scenario, List<Run> runs) {
        final int w = 960, h = 540, left = 80, right = 200, top = 50, bottom = 60;
        final int pw = w - left - right, ph = h - top - bottom;
        final double maxX = 5; // 99.999th percentile
        double minY = Double.MAX_VALUE, maxY = 0;
        for (Run r : runs) {
            minY = Math.min(minY, Math.max(0.01, r.hist.getMinValue() / 1000.0));
            maxY = Math.max(maxY, r.hist.getMaxValue() / 1000.0);
        }
        double yLo = Math.floor(Math.log10(minY)), yHi = Math.ceil(Math.log10(Math.max(maxY, minY * 10)));
        if (yHi <= yLo) yHi = yLo + 1;
        final double fyLo = yLo, fyHi = yHi;
        java.util.function.DoubleUnaryOperator X = x -> left + pw * Math.min(x, maxX) / maxX;
        java.util.function.DoubleUnaryOperator Y =
                ms -> top + ph - ph * (Math.log10(Math.max(ms, Math.pow(10, fyLo))) - fyLo) / (fyHi - fyLo);

        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(w)
                .append("\" height=\"")
                .append(h)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append("<text x=\"")
                .append(w / 2)
                .append("\" y=\"25\" text-anchor=\"middle\" font-size=\"16\">")
                .append("Delivery latency by percentile: ")
                .append(scenario)
                .append(" (log scales)</text>\n");
        // grid
        String[] xl = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int i = 0; i <= 5; i++) {
            double x = X.applyAsDouble(i);
            s.append(line(x, top, x, top + ph, "#ddd"));
            s.append("<text x=\"")
                    .append(f(x))
                    .append("\" y=\"")
                    .append(top + ph + 18)
                    .append("\" text-anchor=\"middle\">")
                    .append(xl[i])
                    .append("</text>\n");
        }
        double x50 = X.applyAsDouble(Math.log10(2));
        s.append(line(x50, top, x50, top + ph, "#eee"));
        s.append("<text x=\"")
                .append(f(x50))
                .append("\" y=\"")
                .append(top + ph + 18)
                .append("\" text-anchor=\"middle\" fill=\"#777\">50%</text>\n");
        for (double d = yLo; d <= yHi + 1e-9; d++) {
            double y = Y.applyAsDouble(Math.pow(10, d));
            s.append(line(left, y, left + pw, y, "#ddd"));
            String lab = d >= 0 ? String.valueOf((long) Math.pow(10, d)) : String.valueOf(Math.pow(10, d));
            s.append("<text x=\"")
                    .append(left - 8)
                    .append("\" y=\"")
                    .append(f(y + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(lab)
                    .append("</text>\n");
        }
        s.append("<rect x=\"")
                .append(left)
                .append("\" y=\"")
                .append(top)
                .append("\" width=\"")
                .append(pw)
                .append("\" height=\"")
                .append(ph)
                .append("\" fill=\"none\" stroke=\"#333\"/>\n");
        s.append("<text x=\"")
                .append(left + pw / 2)
                .append("\" y=\"")
                .append(h - 15)
                .append("\" text-anchor=\"middle\">percentile</text>\n");
        s.append("<text transform=\"translate(22,")
                .append(top + ph / 2)
                .append(") rotate(-90)\" text-anchor=\"middle\">latency (ms)</text>\n");

        String[] refColors = {"#1f77b4", "#4a90c8", "#7aaed6", "#9ecae1", "#c6dbef"};
        String[] hubColors = {"#d62728", "#ff7f0e", "#e8a33c", "#f4b37a", "#fdd0a2"};
        String[] other = {"#2ca02c", "#9467bd", "#8c564b", "#17becf"};
        int ri = 0, hi = 0, oi = 0, li = 0;
        for (Run r : runs) {
            String color = "ref".equals(r.label())
                    ? refColors[ri++ % refColors.length]
                    : "hub".equals(r.label()) ? hubColors[hi++ % hubColors.length] : other[oi++ % other.length];
            StringBuilder pts = new StringBuilder();
            for (HistogramIterationValue v : r.hist.percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo();
                double x = p >= 100 ? maxX : Math.log10(100.0 / (100.0 - p));
                double ms = r.hist.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0;
                pts.append(f(X.applyAsDouble(x)))
                        .append(',')
                        .append(f(Y.applyAsDouble(ms)))
                        .append(' ');
                if (p >= 100) break;
            }
            s.append("<polyline fill=\"none\" stroke=\"")
                    .append(color)
                    .append("\" stroke-width=\"2\" points=\"")
                    .append(pts)
                    .append("\"/>\n");
            double ly = top + 10 + li * 20;
            s.append(line(left + pw + 15, ly, left + pw + 45, ly, color)
                    .replace("stroke-width=\"1\"", "stroke-width=\"3\""));
            s.append("<text x=\"")
                    .append(left + pw + 52)
                    .append("\" y=\"")
                    .append(f(ly + 4))
                    .append("\">")
                    .append(r.name())
                    .append(" p99 ")
                    .append(Bench.fmt(r.hist.getValueAtPercentile(99) / 1000.0))
                    .append(" ms</text>\n");
            li++;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    static String line(double x1, double y1, double x2, double y2, String color) {
        return "<line x1=\"" + f(x1) + "\" y1=\"" + f(y1) + "\" x2=\"" + f(x2) + "\" y2=\"" + f(y2) + "\" stroke=\""
                + color + "\" stroke-width=\"1\"/>\n";
    }

    static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
