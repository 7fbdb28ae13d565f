package io.twinegress.connect.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.junit.jupiter.api.Test;

class TraceContextTest {

    static final String TP = CloudEventMapperTest.TRACEPARENT;

    static Optional<TraceContext> of(String... headers) {
        ConnectHeaders h = new ConnectHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.addBytes(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return TraceContext.of(CloudEventMapperTest.record("{}".getBytes(StandardCharsets.UTF_8), h));
    }

    @Test
    void aValidTraceparentGoesToTheThreeAmqpProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        of("traceparent", TP, "tracestate", "rojo=00f067aa0ba902b7").orElseThrow().putInto(props);
        assertEquals(Map.of("Diagnostic-Id", TP, "traceparent", TP, "tracestate", "rojo=00f067aa0ba902b7"), props);
    }

    @Test
    void theHeaderNameIsMatchedInAnyCase() {
        assertEquals(TP, of("Traceparent", TP).orElseThrow().traceparent());
    }

    @Test
    void invalidTraceparentsCarryNothing() {
        assertFalse(of("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01").isPresent(), "zero trace id");
        assertFalse(of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01").isPresent(), "zero parent id");
        assertFalse(of("traceparent", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").isPresent(), "version ff");
        assertFalse(of("traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01").isPresent(), "upper case");
        assertFalse(of("traceparent", TP + "-extra").isPresent(), "version 00 has no more fields");
        assertFalse(of("tracestate", "a=b").isPresent(), "tracestate alone");
        assertTrue(of("traceparent", "01" + TP.substring(2) + "-future").isPresent(), "a later version may add fields");
    }

    @Test
    void anOverlongTracestateIsLeftOut() {
        TraceContext t = of("traceparent", TP, "tracestate", "a=" + "b".repeat(600)).orElseThrow();
        assertEquals(null, t.tracestate());
    }
}
