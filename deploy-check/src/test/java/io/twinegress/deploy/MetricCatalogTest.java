package io.twinegress.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The list the scrape test checks is exactly what the dashboard and the alerts use: neither side can drift. */
class MetricCatalogTest {

    @Test
    void everyListedMetricIsUsedByTheDashboardOrTheAlerts() throws Exception {
        MetricCatalog catalog = MetricCatalog.load();
        ExpressionCheck check = new ExpressionCheck(catalog);
        DashboardTest.problems(DashboardTest.dashboard(), check);
        AlertRulesTest.problems(AlertRulesTest.rules(), check);
        Set<String> unused = new TreeSet<>(catalog.metrics().keySet());
        unused.removeAll(check.used());
        assertEquals(Set.of(), unused, "listed in " + MetricCatalog.FILE + " but used by neither the dashboard nor the alerts");
    }
}
