package io.twinegress.router.it;

import static io.twinegress.router.Fixtures.event;
import static io.twinegress.router.Fixtures.seedEvent;
import static io.twinegress.router.Fixtures.string;
import static io.twinegress.router.Fixtures.utf8;
import static io.twinegress.router.it.EgressReader.header;
import static io.twinegress.schemas.EventType.SensorChange;
import static io.twinegress.schemas.EventType.SpaceChange;
import static io.twinegress.schemas.EventType.TopologyOperation;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.testing.kafka.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content filters through the packaged router ({@code java -jar}) against a real broker, under
 * exactly_once_v2: what reaches each egress topic (once, in per-key order, byte for byte), what
 * the status topic says, and a filter changed while events flow.
 */
class FilteredRouterIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "filters";
    private static final String MOTION = "'Motion'";

    @TempDir
    Path dir;

    private static String endpoint(String type, String path, String eventTypes, String filter) throws Exception {
        return "{\"type\":\"" + type + "\",\"eventTypes\":[" + eventTypes + "],\"path\":\"" + path + "\",\"filter\":"
                + JSON.writeValueAsString(filter) + "}";
    }

    /** A SensorChange with this id, key order number {@code n} in its data, and this DataType. */
    private static byte[] sensorChange(String id, int n, String dataType) {
        return utf8(string(event(SensorChange, id)).replace("{\"n\":1}", "{\"n\":" + n + ",\"DataType\":\"" + dataType + "\"}"));
    }

    private static final AtomicInteger PROBES = new AtomicInteger();

    /** Produces events of {@code probe} until one reaches the egress topic: the routing side has the endpoint as it is now. */
    private static void awaitRouted(String egress, java.util.function.IntFunction<byte[]> probe) {
        try (EgressReader reader = new EgressReader(KAFKA.bootstrapServers(), egress)) {
            int before = reader.poll(Duration.ofMillis(200)).size();
            await("a probe routed to " + egress).atMost(DEADLINE).until(() -> {
                KAFKA.produce(NAME + ".events", utf8("probe"), probe.apply(PROBES.incrementAndGet()));
                return reader.poll(Duration.ofMillis(100)).size() > before;
            });
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> notProbes(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().filter(r -> !"probe".equals(string(r.key()))).toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitNotProbes(String topic, int n) {
        return await(n + " events (not probes) in " + topic).atMost(DEADLINE)
            .until(() -> notProbes(KAFKA.consume(topic, 0, DEADLINE)), all -> all.size() >= n);
    }

    @Test
    void theJarRoutesByContentExactlyOnceAndAChangedFilterTakesOverFromTheNextEvents() throws Exception {
        Map<String, String> config = RouterProcess.config(KAFKA.bootstrapServers(), "router-it-" + NAME, NAME, dir);
        try (RouterProcess router = RouterProcess.start(dir, NAME, config)) {
            router.awaitRunning(DEADLINE);
            KAFKA.produce(NAME + ".endpoints", "motion", endpoint("ServiceBus", "t", "\"SensorChange\",\"TopologyOperation\"",
                    "data.DataType = " + MOTION + " and key != 'k-3' or $body.SpacesToNotify = '3a16d146-ca39-49ee-b803-17a18a12ba36'"));
            KAFKA.produce(NAME + ".endpoints", "raw", endpoint("EventHub", "hub", "\"DeviceMessage\"", "STARTS_WITH(key, 'building-7/')"));
            KAFKA.produce(NAME + ".endpoints", "bad", endpoint("EventHub", "hub2", "\"DeviceMessage\"", "$body.Temperature > 40"));
            Map<String, JsonNode> status = new HashMap<>();
            for (ConsumerRecord<String, String> r : KAFKA.consumeStrings(NAME + ".endpoints.status", 3, DEADLINE)) {
                status.put(r.key(), JSON.readTree(r.value()));
            }
            assertEquals("Active", status.get("motion").get("state").asText());
            assertEquals("($body.DataType = 'Motion' AND key != 'k-3') OR $body.SpacesToNotify = '3a16d146-ca39-49ee-b803-17a18a12ba36'",
                    status.get("motion").get("endpoint").get("filter").asText(), "the filter as the router understood it");
            assertEquals("Active", status.get("raw").get("state").asText(), "the rejected one did not take the DeviceMessage slot first");
            assertEquals("Rejected", status.get("bad").get("state").asText());
            assertTrue(status.get("bad").get("reason").asText().startsWith("filter: expected key, the only attribute of raw telemetry"),
                    status.get("bad").toString());

            String motion = NAME + ".egress.motion";
            awaitRouted(motion, n -> sensorChange("probe-" + n, 0, "Motion"));
            List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
            int total = 300;
            for (int i = 0; i < total; i++) {
                batch.add(new ProducerRecord<>(NAME + ".events", null, utf8("k-" + (i % 10)), sensorChange("e-" + i, i, i % 2 == 0 ? "Motion" : "Light"),
                        List.of(new RecordHeader("traceparent", utf8("t-" + i)))));
            }
            batch.add(new ProducerRecord<>(NAME + ".events", utf8("space-1"), seedEvent(TopologyOperation)));
            batch.add(new ProducerRecord<>(NAME + ".events", utf8("space-1"), seedEvent(SpaceChange)));
            byte[] raw = {1, 2, (byte) 0xfe, 0};
            for (String device : List.of("building-7/d1", "building-8/d1", "building-7/d2")) {
                batch.add(new ProducerRecord<>(NAME + ".device-messages", null, utf8(device), raw,
                        List.of(new RecordHeader("iothub-connection-device-id", utf8(device)))));
            }
            KAFKA.produce(batch);

            Set<String> expected = new HashSet<>();
            for (int i = 0; i < total; i += 2) {
                if (i % 10 != 3) {
                    expected.add("e-" + i);
                }
            }
            expected.add("00000000-0000-0000-0000-000000000000");
            List<ConsumerRecord<byte[], byte[]>> routed = awaitNotProbes(motion, expected.size());
            Set<String> seen = new HashSet<>();
            Map<String, Integer> lastPerKey = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : routed) {
                String id = header(r, EgressHeaders.EVENT_ID);
                assertTrue(seen.add(id), "exactly once: " + id + " twice");
                if (id.startsWith("e-")) {
                    int seq = Integer.parseInt(id.substring(2));
                    assertArrayEquals(sensorChange(id, seq, "Motion"), r.value(), "byte for byte");
                    assertEquals("t-" + seq, header(r, "traceparent"));
                    Integer last = lastPerKey.put(string(r.key()), seq);
                    assertTrue(last == null || last < seq, "per-key order: " + id + " after e-" + last);
                } else {
                    assertArrayEquals(seedEvent(TopologyOperation), r.value());
                }
                assertEquals("motion", header(r, EgressHeaders.ENDPOINT_ID));
            }
            assertEquals(expected, seen);

            List<ConsumerRecord<byte[], byte[]>> hub = KAFKA.consume(NAME + ".egress.raw", 2, DEADLINE);
            assertEquals(List.of("building-7/d1", "building-7/d2"), hub.stream().map(r -> string(r.key())).toList());
            hub.forEach(r -> assertArrayEquals(raw, r.value(), "raw telemetry byte for byte"));
            assertFalse(KAFKA.topicNames().contains(NAME + ".egress.bad"), "no egress topic for a rejected endpoint");

            // The filter changes while the router runs: once the new one routes, the old one no longer does.
            KAFKA.produce(NAME + ".endpoints", "motion", endpoint("ServiceBus", "t", "\"SensorChange\",\"TopologyOperation\"",
                    "$body.DataType = 'Light'"));
            awaitRouted(motion, n -> sensorChange("probe-" + n, 0, "Light"));
            KAFKA.produce(List.of(
                    new ProducerRecord<>(NAME + ".events", utf8("k-1"), sensorChange("after-motion", 1, "Motion")),
                    new ProducerRecord<>(NAME + ".events", utf8("k-1"), sensorChange("after-light", 2, "Light"))));
            List<ConsumerRecord<byte[], byte[]>> after = awaitNotProbes(motion, expected.size() + 1);
            assertEquals(List.of("after-light"), after.subList(expected.size(), after.size()).stream()
                    .map(r -> header(r, EgressHeaders.EVENT_ID)).toList());
            int exit = router.terminate(DEADLINE);
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
            assertFalse(router.output().contains("after-light"), "no payload in the log");
        }
    }
}
