package io.twinegress.connect.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.Test;

class DeliveryMetricsTest {

    private static final Map<String, String> TASK = Map.of("connector", "eventhub", "task", "0");

    @Test
    void aNewTaskInstanceStartsWhileThePreviousOneStillHoldsItsGauges() {
        try (Metrics worker = new Metrics()) {
            DeliveryMetrics stopping = new DeliveryMetrics(System::currentTimeMillis);
            stopping.register(new PluginMetricsImpl(worker, TASK));
            stopping.recordBatch(5);

            // the same task id started again on this worker before the old instance stopped: no exception
            DeliveryMetrics running = new DeliveryMetrics(System::currentTimeMillis);
            running.register(new PluginMetricsImpl(worker, TASK));
            running.recordBatch(2);
            assertEquals(5.0, value(worker), "the old gauge stays until its instance stops");

            stopping.unregister();
            running.unregister();
            assertNull(value(worker), "each instance removes only its own gauges, without failing");
        }
    }

    private static Double value(Metrics worker) {
        return worker.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("delivered-records-total"))
                .map(e -> ((Number) e.getValue().metricValue()).doubleValue()).findFirst().orElse(null);
    }
}
