package io.twinegress.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/prometheus/alerts.yml}: a Prometheus rule file whose every expression reads only
 * metrics and labels the scraped stack exports ({@link MetricCatalog}), with the alerts the
 * operations story needs.
 */
class AlertRulesTest {

    static final String FILE = "deploy/prometheus/alerts.yml";
    private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");

    static JsonNode rules() throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(Repo.file(FILE).toFile());
    }

    /** Every alert's expression and annotations, checked; the metrics they read go into {@code check}. */
    static List<String> problems(JsonNode rules, ExpressionCheck check) {
        List<String> problems = new ArrayList<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                Set<String> labels = new LinkedHashSet<>();
                rule.path("annotations").forEach(a -> labels.addAll(ExpressionCheck.templateLabels(a.asText())));
                problems.addAll(check.check("alert " + rule.path("alert").asText(), rule.path("expr").asText(), labels));
            }
        }
        return problems;
    }

    @Test
    void everyExpressionReadsMetricsAndLabelsTheStackExports() throws Exception {
        ExpressionCheck check = new ExpressionCheck(MetricCatalog.load());
        assertEquals(List.of(), problems(rules(), check));
        assertFalse(check.used().isEmpty());
    }

    @Test
    void rulesAreWellFormed() throws Exception {
        Set<String> names = new HashSet<>();
        JsonNode groups = rules().path("groups");
        assertFalse(groups.isEmpty());
        for (JsonNode group : groups) {
            assertFalse(group.path("name").asText().isEmpty(), "group name");
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asText();
                assertTrue(name.matches("[A-Za-z][A-Za-z0-9]*"), "alert name " + name);
                assertTrue(names.add(name), "unique alert " + name);
                assertFalse(rule.path("expr").asText().isBlank(), name + ": expr");
                assertTrue(Set.of("info", "warning", "critical").contains(rule.path("labels").path("severity").asText()),
                        name + ": severity");
                assertFalse(rule.path("annotations").path("summary").asText().isBlank(), name + ": summary");
                if (rule.has("for")) {
                    assertTrue(DURATION.matcher(rule.path("for").asText()).matches(), name + ": for " + rule.path("for"));
                }
            }
        }
    }

    @Test
    void theAlertsTheOperatorsNeedAreThere() throws Exception {
        Set<String> expressions = new HashSet<>();
        Set<String> alerts = new HashSet<>();
        for (JsonNode group : rules().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.add(rule.path("alert").asText());
                expressions.add(rule.path("alert").asText() + " " + rule.path("expr").asText() + " for " + rule.path("for").asText());
            }
        }
        assertTrue(expressions.contains("TwinEgressEndpointBackingOff max by (endpoint) (twin_egress_delivery_current_backoff_ms) / 1000 > 600 for 1m"),
                "backoff over 10 minutes: " + expressions);
        assertTrue(expressions.stream().anyMatch(e -> e.startsWith("TwinEgressEndpointDeadLettering")
                && e.contains("increase(twin_egress_delivery_dead_lettered_records_total")), "dead letters rising");
        assertTrue(expressions.stream().anyMatch(e -> e.startsWith("TwinEgressSecondaryKeyInUse")
                && e.contains("value=\"secondary\"") && e.endsWith("for 1d")), "secondary key for a day");
        assertTrue(alerts.contains("TwinEgressRouterDeadLettering"), "router dead letters");
    }
}
