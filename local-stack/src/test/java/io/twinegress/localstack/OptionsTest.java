package io.twinegress.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

    private static final Path HOME = Path.of("/repo");

    @Test
    void defaults() {
        Options o = Options.parse(List.of(), HOME);
        assertEquals(20, o.rate());
        assertNull(o.duration(), "runs until Ctrl-C");
        assertTrue(o.faultDemo());
        assertEquals("servicebus", o.faultEndpoint());
        assertEquals(Ports.defaults(), o.ports());
        assertEquals(HOME.resolve("local-stack/target/twin-egress-local/logs"), o.logDir());
        assertNull(o.metrics(), "no metrics agent, no health endpoint");
    }

    @Test
    void authModeKeysByDefaultEntraIdOnRequest() {
        assertFalse(Options.parse(List.of(), HOME).entraId(), "keys by default");
        assertFalse(Options.parse(List.of("--auth", "connection-string"), HOME).entraId());
        assertTrue(Options.parse(List.of("--auth", "entra-id"), HOME).entraId());
        assertEquals("--auth must be connection-string or entra-id, got sas",
                assertThrows(IllegalArgumentException.class, () -> Options.parse(List.of("--auth", "sas"), HOME)).getMessage());
    }

    @Test
    void metricsWithItsPorts() {
        assertEquals(Observability.defaults(), Options.parse(List.of("--metrics"), HOME).metrics());
        Options o = Options.parse(List.of("--metrics", "--router-metrics-port", "7", "--connect-metrics-port", "8",
                "--router-health-port", "9"), HOME);
        assertEquals(new Observability(7, 8, 9), o.metrics());
        assertEquals("http://127.0.0.1:7/metrics", o.metrics().routerMetricsUrl());
        assertEquals("--router-health-port needs a port in 1..65535, got 0",
                assertThrows(IllegalArgumentException.class,
                        () -> Options.parse(List.of("--metrics", "--router-health-port", "0"), HOME)).getMessage());
        assertTrue(new Observability(9092, 9405, 8080).busy(Ports.defaults()).stream()
                .anyMatch(l -> l.contains("--router-metrics-port") && l.contains("another part's port")));
    }

    @Test
    void everyOption() {
        Options o = Options.parse(List.of("--rate", "50", "--duration", "2m", "--no-fault-demo", "--fault-endpoint",
                "eventgrid", "--fault-after", "30s", "--table-every", "5", "--kafka-port", "1", "--controller-port", "2",
                "--connect-port", "3", "--amqp-port", "4", "--eventgrid-port", "5", "--admin-port", "6"), HOME);
        assertEquals(50, o.rate());
        assertEquals(Duration.ofMinutes(2), o.duration());
        assertFalse(o.faultDemo());
        assertEquals("eventgrid", o.faultEndpoint());
        assertEquals(Duration.ofSeconds(30), o.faultAfter());
        assertEquals(Duration.ofSeconds(5), o.tableEvery());
        assertEquals(new Ports(1, 2, 3, 4, 5, 6), o.ports());
    }

    @Test
    void durations() {
        assertEquals(Duration.ofSeconds(90), Options.duration("90", "--duration"));
        assertEquals(Duration.ofSeconds(90), Options.duration("90s", "--duration"));
        assertEquals(Duration.ofHours(1), Options.duration("1h", "--duration"));
        assertEquals(Duration.ofMillis(500), Options.duration("500ms", "--duration"));
    }

    @Test
    void badInputSaysWhichOption() {
        assertEquals("unknown option --fast",
                assertThrows(IllegalArgumentException.class, () -> Options.parse(List.of("--fast"), HOME)).getMessage());
        assertEquals("--rate needs a value",
                assertThrows(IllegalArgumentException.class, () -> Options.parse(List.of("--rate"), HOME)).getMessage());
        assertEquals("--kafka-port needs a port in 1..65535, got 70000",
                assertThrows(IllegalArgumentException.class,
                        () -> Options.parse(List.of("--kafka-port", "70000"), HOME)).getMessage());
        assertEquals("--duration needs a duration like 90s, 5m or 1h, got soon",
                assertThrows(IllegalArgumentException.class,
                        () -> Options.parse(List.of("--duration", "soon"), HOME)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Options.parse(List.of("--rate", "0"), HOME));
        assertEquals("--fault-endpoint must be one of [servicebus, eventgrid, eventhub, devicemessages, eventgrid-namespace], got sb",
                assertThrows(IllegalArgumentException.class,
                        () -> Options.parse(List.of("--fault-endpoint", "sb"), HOME)).getMessage());
    }
}
