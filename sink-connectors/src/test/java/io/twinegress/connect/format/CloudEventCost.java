package io.twinegress.connect.format;

import io.cloudevents.CloudEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Not a test: a main that prints the per-event cost of each step of the CloudEvents output on
 * records shaped like the benchmark suite's (a 500-byte Event Grid-schema event with the router's
 * headers), in CPU time of the measuring thread, for profiling by hand ({@code java -cp <test classpath> io.twinegress.connect.format.CloudEventCost}).
 * Nothing asserts a time.
 */
public final class CloudEventCost {

    /** CPU time of this thread: on a machine other builds load, wall-clock time per event says little. */
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private CloudEventCost() {
    }

    static byte[] event(long seq) {
        String id = String.format("00000000-0000-4000-8000-%012d", seq);
        String head = "{\"id\":\"" + id + "\",\"subject\":\"SensorChange\",\"data\":{\"Type\":\"Classic\",\"DataType\":\"Motion\","
            + "\"Id\":\"" + id + "\",\"Value\":\"" + (seq % 2 == 0) + "\",\"MessageType\":\"sensor\",\"Pad\":\"";
        String tail = "\"},\"eventType\":\"SensorChange\",\"eventTime\":\"2026-11-22T10:00:00.0000000Z\","
            + "\"dataVersion\":\"1\",\"metadataVersion\":\"1\"}";
        return (head + "x".repeat(Math.max(0, 500 - head.length() - tail.length())) + tail).getBytes(StandardCharsets.UTF_8);
    }

    static SinkRecord record(long seq) {
        ConnectHeaders h = new ConnectHeaders();
        h.addBytes("twin-egress.event-type", "SensorChange".getBytes(StandardCharsets.UTF_8));
        h.addBytes("twin-egress.event-id", String.format("00000000-0000-4000-8000-%012d", seq).getBytes(StandardCharsets.UTF_8));
        h.addBytes("twin-egress.endpoint-id", "bench".getBytes(StandardCharsets.UTF_8));
        h.addBytes("twin-egress.source-topic", "twin.events".getBytes(StandardCharsets.UTF_8));
        h.addBytes("twin-egress.source-partition", "0".getBytes(StandardCharsets.UTF_8));
        h.addBytes("twin-egress.source-offset", Long.toString(seq).getBytes(StandardCharsets.UTF_8));
        return new SinkRecord("twin.egress.bench", 0, Schema.BYTES_SCHEMA, ("sensor-" + seq % 10).getBytes(StandardCharsets.UTF_8),
            Schema.BYTES_SCHEMA, event(seq), seq, 1_764_000_000_000L, TimestampType.CREATE_TIME, h);
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        List<SinkRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(record(i));
        }
        CloudEventMapper mapper = new CloudEventMapper("urn:twin-egress:bench");
        AmqpOutput binary = AmqpOutput.of(new FormatConfig.Settings(EventFormat.CLOUDEVENTS, "urn:twin-egress:bench", CloudEventsMode.BINARY));
        AmqpOutput structured = AmqpOutput.of(new FormatConfig.Settings(EventFormat.CLOUDEVENTS, "urn:twin-egress:bench",
            CloudEventsMode.STRUCTURED));
        List<Step> steps = List.of(
            new Step("toCloudEvent", r -> mapper.toCloudEvent(r, false).getId().length()),
            new Step("toCloudEvent + JSON (Event Grid)", r -> CloudEventJson.serialize(mapper.toCloudEvent(r, false)).length),
            new Step("AmqpOutput binary", r -> binary.cloudEvent(r, false).orElseThrow().applicationProperties().size()),
            new Step("AmqpOutput structured", r -> structured.cloudEvent(r, false).orElseThrow().body().length),
            new Step("trace context only", r -> TraceContext.of(r).isPresent() ? 1 : 0));
        for (int round = 0; round < rounds; round++) {
            StringBuilder line = new StringBuilder("round " + round + ":");
            for (Step s : steps) {
                long sink = 0;
                long t0 = CPU.getCurrentThreadCpuTime();
                for (SinkRecord r : records) {
                    sink += s.work.applyAsInt(r);
                }
                double ns = (CPU.getCurrentThreadCpuTime() - t0) / (double) n;
                line.append(String.format(Locale.ROOT, "  %s %.0f ns", s.name, ns)).append(sink == 42 ? "!" : "");
            }
            System.out.println(line);
        }
    }

    private record Step(String name, ToIntFunction<SinkRecord> work) {
    }

    /** Keeps the JIT from dropping an unused event. */
    static int touch(CloudEvent e) {
        return e.getId().length();
    }
}
