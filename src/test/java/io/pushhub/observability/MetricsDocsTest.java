package io.pushhub.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/metrics.md lists every metric of the hub, as Prometheus shows it, with its type; and nothing else. */
class MetricsDocsTest {

    @Test
    void theMetricsTableIsTheHubsMetrics() throws Exception {
        List<String> rows = Files.readString(Path.of("docs/metrics.md"))
                .lines()
                .filter(l -> l.startsWith("| `pushhub_"))
                .toList();
        List<String> documented = new ArrayList<>();
        for (String row : rows) {
            String[] cells = row.split("\\|");
            documented.add(cells[1].trim().replace("`", "") + " " + cells[2].trim());
        }
        List<String> published = new ArrayList<>();
        for (HubMetrics.Def def : HubMetrics.ALL) {
            published.add(
                    switch (def.kind()) {
                        case GAUGE -> def.name() + " gauge";
                        case COUNTER -> def.name() + "_total counter";
                        case TIMER -> def.name() + " histogram";
                    });
        }
        assertEquals(
                published.stream().sorted().toList(),
                documented.stream().sorted().toList());
    }
}
