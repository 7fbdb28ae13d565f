package io.twinegress.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * What the rule files of deploy/prometheus/ make of the MBean attributes the router and the
 * connectors register, applied as the JMX exporter applies them ({@link ExporterRules}); MetricsIT
 * checks the same against a running stack.
 */
class ExporterRulesTest {

    private static final ExporterRules CONNECT = ExporterRules.load("connect");
    private static final ExporterRules ROUTER = ExporterRules.load("router");

    private static ExporterRules.Series series(ExporterRules rules, String attribute) {
        Optional<ExporterRules.Series> s = rules.apply(attribute);
        assertTrue(s.isPresent(), "exported: " + attribute);
        return s.get();
    }

    private static String delivery(String attribute) {
        return "kafka.connect<type=plugins, connector=sb-orders.eu, task=3><>" + attribute;
    }

    @Test
    void theConnectorsDeliveryMetricsBecomeOneSeriesPerEndpointAndTask() {
        Map<String, String> task = Map.of("endpoint", "sb-orders.eu", "task", "3");
        assertEquals(new ExporterRules.Series("twin_egress_delivery_delivered_records_total", "COUNTER", task, 42),
                series(CONNECT, delivery("delivered-records-total: 42")));
        assertEquals(new ExporterRules.Series("twin_egress_delivery_dead_lettered_records_total", "COUNTER", task, 0),
                series(CONNECT, delivery("dead-lettered-records-total: 0")));
        assertEquals(new ExporterRules.Series("twin_egress_delivery_held_records", "GAUGE", task, 17),
                series(CONNECT, delivery("held-records: 17")));
        assertEquals(new ExporterRules.Series("twin_egress_delivery_backing_off", "GAUGE", task, 1),
                series(CONNECT, delivery("backing-off: 1")));
        assertEquals(new ExporterRules.Series("twin_egress_delivery_current_backoff_ms", "GAUGE", task, 61000),
                series(CONNECT, delivery("current-backoff-ms: 61000")));
        assertEquals(new ExporterRules.Series("twin_egress_delivery_active_key", "GAUGE",
                Map.of("endpoint", "sb-orders.eu", "task", "3", "value", "secondary"), 1), series(CONNECT, delivery("active-key: secondary")));
    }

    @Test
    void anAttributeTheConnectorsAddLaterIsExportedWithNoChangeToTheRules() {
        assertEquals("twin_egress_delivery_records_retried_total", series(CONNECT, delivery("records-retried-total: 5")).name());
        assertEquals("COUNTER", series(CONNECT, delivery("records-retried-total: 5")).type());
        assertEquals("twin_egress_delivery_batch_size_avg", series(CONNECT, delivery("batch-size-avg: 12.5")).name());
        ExporterRules.Series error = series(CONNECT, delivery("last-error-class: com.azure.messaging.servicebus.ServiceBusException"));
        assertEquals("twin_egress_delivery_last_error_class", error.name());
        assertEquals("com.azure.messaging.servicebus.ServiceBusException", error.labels().get("value"));
        assertEquals("entra-id", series(CONNECT, delivery("auth-mode: entra-id")).labels().get("value"));
        assertEquals("NaN", String.valueOf(series(CONNECT, delivery("batch-size-avg: NaN")).value()));
    }

    @Test
    void otherPluginsOfATaskAreNotTakenForDeliveryMetrics() {
        assertEquals(Optional.empty(), CONNECT.apply("kafka.connect<type=plugins, connector=sb, task=0, converter=key><>bytes: 1"));
        assertEquals(Optional.empty(), CONNECT.apply("kafka.connect<type=plugins, connector=sb><>connector-metric: 1"));
    }

    @Test
    void aSinkTasksConsumerLagIsLabelledWithItsEndpointEvenWhenTheIdHasDashesAndDigits() {
        ExporterRules.Series lag = series(CONNECT, "kafka.consumer<type=consumer-fetch-manager-metrics, client-id=connector-consumer-"
                + "sb-2-eu-12, topic=twin.egress.sb-2-eu, partition=4><>records-lag: 9.0");
        assertEquals(Map.of("endpoint", "sb-2-eu", "task", "12", "topic", "twin.egress.sb-2-eu", "partition", "4"), lag.labels());
        assertEquals("twin_egress_connect_task_status", series(CONNECT,
                "kafka.connect<type=connector-task-metrics, connector=sb, task=0><>status: failed").name());
    }

    @Test
    void theRoutersCountersAreLabelledByKindAndEndpoint() {
        assertEquals(new ExporterRules.Series("twin_egress_router_dead_lettered_total", "COUNTER", Map.of("kind", "oversized"), 2),
                series(ROUTER, "io.twinegress.router<type=router, key=oversized><>DeadLetteredByKind: 2"));
        assertEquals(new ExporterRules.Series("twin_egress_router_endpoint_routed_total", "COUNTER", Map.of("endpoint", "eh.1"), 7),
                series(ROUTER, "io.twinegress.router<type=endpoint, id=\"eh.1\"><>RoutedTotal: 7"));
        assertEquals("twin_egress_router_routed_total", series(ROUTER, "io.twinegress.router<type=router><>RoutedTotal: 9").name());
        assertEquals(Map.of("client_id", "r-1", "state", "REBALANCING"),
                series(ROUTER, "kafka.streams<type=stream-metrics, client-id=r-1><>state: REBALANCING").labels());
        // the per-endpoint map on the router MBean is read per endpoint MBean instead
        assertEquals(Optional.empty(), ROUTER.apply("io.twinegress.router<type=router, key=sb><>RoutedPerEndpoint: 3"));
    }

    @Test
    void namesKeepTheirSuffixThroughTheExportersNaming() {
        // The exporter's Prometheus client exposes a counter as <name>_total and drops _total from any
        // other type: a gauge named ..._total would silently lose the suffix the dashboard queries.
        for (ExporterRules rules : new ExporterRules[] {CONNECT, ROUTER}) {
            for (String[] rule : rules.nameAndType()) {
                assertTrue(rule[0].startsWith("twin_egress_"), rule[0]);
                assertEquals(rule[1].equals("COUNTER"), rule[0].endsWith("_total"), rule[0] + " is a " + rule[1]);
                assertFalse(rule[0].endsWith("_info") || rule[0].endsWith("_created") || rule[0].endsWith("_bucket"), rule[0]);
            }
        }
    }

    @Test
    void onlyTheMBeansTheRulesUseAreRead() throws Exception {
        for (ExporterRules rules : new ExporterRules[] {CONNECT, ROUTER}) {
            JsonNode include = rules.config().path("includeObjectNames");
            assertFalse(include.isEmpty());
            for (JsonNode name : include) {
                new ObjectName(name.asText());
            }
        }
    }
}
