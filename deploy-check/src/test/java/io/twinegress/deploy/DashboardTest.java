package io.twinegress.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/grafana/twin-egress.json}: valid JSON with the panels an operator needs, every query
 * reading only metrics and labels the scraped stack exports ({@link MetricCatalog}).
 */
class DashboardTest {

    static final String FILE = "deploy/grafana/twin-egress.json";
    private static final Set<String> PANEL_TYPES = Set.of("row", "timeseries", "stat");

    static JsonNode dashboard() throws Exception {
        return new ObjectMapper().readTree(Repo.file(FILE).toFile());
    }

    /** Every query of the dashboard, checked; the metrics they read go into {@code check}. */
    static List<String> problems(JsonNode dashboard, ExpressionCheck check) {
        List<String> problems = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                problems.addAll(check.check("panel \"" + panel.path("title").asText() + "\" " + target.path("refId").asText(),
                        target.path("expr").asText(), ExpressionCheck.templateLabels(target.path("legendFormat").asText(null))));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asText() : query.asText();
            Matcher m = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)").matcher(text);
            if (m.matches()) {
                problems.addAll(check.check("variable " + variable.path("name").asText(), m.group(1) + "{" + m.group(2) + "!=\"\"}",
                        Set.of()));
            }
        }
        return problems;
    }

    @Test
    void everyQueryReadsMetricsAndLabelsTheStackExports() throws Exception {
        ExpressionCheck check = new ExpressionCheck(MetricCatalog.load());
        List<String> problems = problems(dashboard(), check);
        assertEquals(List.of(), problems);
        assertFalse(check.used().isEmpty());
    }

    @Test
    void thePanelsAnOperatorNeedsAreThere() throws Exception {
        Set<String> titles = new HashSet<>();
        dashboard().path("panels").forEach(p -> titles.add(p.path("title").asText()));
        for (String needed : List.of("Delivered per endpoint", "Lag per endpoint", "Held records", "Dead letters per endpoint",
                "Backoff", "Active key", "Router throughput", "Router dead-letter rate")) {
            assertTrue(titles.contains(needed), "panel \"" + needed + "\" in " + titles);
        }
    }

    @Test
    void panelsAreWellFormed() throws Exception {
        JsonNode dashboard = dashboard();
        assertEquals("twin-egress", dashboard.path("uid").asText());
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertTrue(ids.add(panel.path("id").asInt()), "unique id: " + title);
            assertTrue(PANEL_TYPES.contains(panel.path("type").asText()), title + ": type " + panel.path("type"));
            JsonNode grid = panel.path("gridPos");
            assertTrue(grid.path("w").asInt() > 0 && grid.path("x").asInt() + grid.path("w").asInt() <= 24, title + ": gridPos " + grid);
            if (!panel.path("type").asText().equals("row")) {
                assertFalse(panel.path("targets").isEmpty(), title + ": has queries");
                assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), title + ": the datasource variable");
                Set<String> refIds = new HashSet<>();
                panel.path("targets").forEach(t -> assertTrue(refIds.add(t.path("refId").asText()), title + ": unique refId"));
            }
        }
    }
}
