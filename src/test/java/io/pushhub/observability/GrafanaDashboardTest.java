package io.pushhub.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.testsupport.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/grafana/pushhub-dashboard.json} cannot rot: it is a Grafana dashboard on a Prometheus data source
 * variable, every metric it queries is one {@link HubMetrics} publishes, counters are only read through {@code rate()},
 * the latency through {@code histogram_quantile}, and every metric of the hub is on it.
 */
class GrafanaDashboardTest {

    private static final Pattern METRIC = Pattern.compile("\\b(pushhub_[a-z0-9_]+)\\b");

    private final JsonObject dashboard = Json.parse(Files.readString(Path.of("docs/grafana/pushhub-dashboard.json")));

    GrafanaDashboardTest() throws Exception {}

    private List<JsonObject> panels() {
        return dashboard.getJsonArray("panels").getValuesAs(JsonObject.class);
    }

    private List<String> expressions() {
        List<String> out = new ArrayList<>();
        for (JsonObject p : panels()) {
            if (p.containsKey("targets")) {
                p.getJsonArray("targets").getValuesAs(JsonObject.class).forEach(t -> out.add(t.getString("expr")));
            }
        }
        return out;
    }

    @Test
    void isADashboardOnAPrometheusDataSourceVariable() {
        assertFalse(dashboard.getString("title").isBlank());
        assertFalse(dashboard.getString("uid").isBlank());
        assertTrue(dashboard.getInt("schemaVersion") >= 30, "a current Grafana schema");
        JsonObject datasource =
                dashboard.getJsonObject("templating").getJsonArray("list").getValuesAs(JsonObject.class).stream()
                        .filter(v -> "datasource".equals(v.getString("type")))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no data source variable"));
        assertEquals("prometheus", datasource.getString("query"));
        String ref = "${" + datasource.getString("name") + "}";
        Set<Integer> ids = new HashSet<>();
        for (JsonObject p : panels()) {
            assertTrue(ids.add(p.getInt("id")), "panel ids are unique: " + p.getInt("id"));
            JsonObject grid = p.getJsonObject("gridPos");
            assertTrue(grid.getInt("w") > 0 && grid.getInt("x") + grid.getInt("w") <= 24, "fits the grid: " + p);
            if ("row".equals(p.getString("type"))) {
                continue;
            }
            assertEquals(ref, p.getJsonObject("datasource").getString("uid"), p.getString("title"));
            assertFalse(p.getJsonArray("targets").isEmpty(), p.getString("title"));
            for (JsonValue t : p.getJsonArray("targets")) {
                assertEquals(ref, t.asJsonObject().getJsonObject("datasource").getString("uid"), p.getString("title"));
            }
        }
    }

    @Test
    void queriesOnlyMetricsTheHubPublishes() {
        Set<String> published = new TreeSet<>();
        HubMetrics.ALL.forEach(d -> published.addAll(d.series()));
        Set<String> unknown = new TreeSet<>();
        for (String expr : expressions()) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                if (!published.contains(m.group(1))) {
                    unknown.add(m.group(1) + " in " + expr);
                }
            }
        }
        assertEquals(Set.of(), unknown, "published: " + published);
    }

    @Test
    void readsCountersThroughRateAndTheLatencyThroughHistogramQuantile() {
        List<String> wrong = new ArrayList<>();
        for (String expr : expressions()) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                String name = m.group(1);
                String before = expr.substring(0, m.start()).stripTrailing();
                boolean inRate = before.endsWith("rate(") || before.endsWith("increase(");
                if ((name.endsWith("_total")
                                || name.endsWith("_bucket")
                                || name.endsWith("_sum")
                                || name.endsWith("_count"))
                        && !inRate) {
                    wrong.add(name + " outside rate(): " + expr);
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(
                expressions().stream()
                        .anyMatch(e -> e.contains("histogram_quantile(")
                                && e.contains("rate(pushhub_delivery_latency_seconds_bucket")
                                && e.contains("by (le, transport)")),
                "a latency quantile per transport");
    }

    @Test
    void showsEveryMetricOfTheHub() {
        String all = String.join("\n", expressions());
        List<String> missing = new ArrayList<>();
        for (HubMetrics.Def def : HubMetrics.ALL) {
            if (!all.contains(def.series().get(0).replace("_bucket", ""))) {
                missing.add(def.name());
            }
        }
        assertEquals(List.of(), missing, "metrics the dashboard does not show");
    }
}
