package io.twinegress.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.twinegress.bench.connect.BenchWorker;
import io.twinegress.bench.infra.BenchBroker;
import io.twinegress.bench.infra.Repo;
import io.twinegress.bench.report.Measure;
import io.twinegress.bench.report.Report;
import io.twinegress.bench.report.Row;
import io.twinegress.bench.streams.StreamsBench;
import io.twinegress.localstack.Layout;
import io.twinegress.localstack.connect.ConnectWorker;
import io.twinegress.localstack.kafka.KafkaBroker;
import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.process.Children;
import java.io.FileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the harness still works, in seconds and with tiny sizes: the child-process broker with the
 * benchmark's settings and JVM (not the local stack's), one pass-through run and one router run (the
 * packaged jar, three endpoints with content filters, fan-out 2) measured from their output, the Connect worker with only the settings
 * twin-egress needs, every child stopped, and the report written. No timed assertion: the figures
 * themselves come from {@code ./bench.sh}.
 */
class SuiteSmokeIT {

    @Test
    void brokerSubjectsWorkerAndReport(@TempDir Path dir) throws Exception {
        Layout layout = Repo.layout();
        assumeTrue(Files.isRegularFile(layout.routerJar()) && Files.isDirectory(layout.lib()) && Files.isDirectory(layout.pluginDir()),
            "the router jar, the plugin directory and local-stack/target/lib are built (reactor package) before this module");
        Path log4j = Suite.extract("bench-child-log4j2.properties", dir);
        Children children = new Children();
        try (KafkaBroker broker = BenchBroker.start(children, dir, log4j.toString());
             Admin admin = BenchBroker.admin(broker)) {
            assertBenchmarkBroker(broker, admin);

            Ctx.Sizes sizes = new Ctx.Sizes(500, 2, 0, 1, 100, 1, 1, 1, false, List.of(2), 1);
            Ctx ctx = new Ctx(broker, admin, children, dir, System.getProperty("java.class.path"), log4j.toString(), sizes, Instant.now());
            StreamsBench streams = new StreamsBench(ctx);
            streams.prepare();
            StreamsBench.RunResult pt = streams.passThrough("smoke-pt", Suite.ALOS);
            // Three endpoints with $body filters (figure 8's status records), two of which match every event.
            StreamsBench.RunResult router = streams.router("smoke-r", Suite.EOS, StreamsBench.bodyFiltered(3, 2), 2, java.util.Map.of());
            assertTrue(pt.eventsPerSec() > 0 && pt.steadyEventsPerSec() > 0);
            assertEquals(2 * router.eventsPerSec(), router.outputPerSec(), 1e-6, "every event reached both matching egress topics");
            assertTrue(router.peakRssMib() > 0, "the router's peak RSS was read");
            assertTrue(router.cpuSeconds() > 0 && pt.cpuSeconds() > 0, "the subjects' CPU time was read");

            try (ConnectWorker worker = BenchWorker.start(ctx, List.of())) {
                assertSubjectJvm(worker.process());
                assertBenchmarkWorkerSettings(dir.resolve("connect/connect-distributed.properties"));
            }

            Measure a = new Measure("events/s");
            a.add(router.eventsPerSec());
            Measure b = new Measure("events/s");
            b.add(pt.eventsPerSec());
            Report report = new Report();
            report.add(new Row(1, "smoke", a, b, null, null, ""));
            report.writeJson(dir.resolve("out/benchmarks.json"));
            assertTrue(Files.readString(dir.resolve("out/benchmarks.json")).contains("\"figure\" : 1"));
            assertTrue(Topicless.none(admin), "the runs deleted their topics");
            assertEquals(List.of(broker.process()), children.all().stream().filter(ChildProcess::isAlive).toList(),
                "every subject and the worker stopped; only the broker is left");
        } finally {
            children.stopAll(Duration.ofSeconds(20));
        }
        assertTrue(children.all().stream().noneMatch(ChildProcess::isAlive), "the broker stopped too");
    }

    /** docs/benchmarks-analysis.md: Kafka's defaults but for {@link BenchBroker#OVERRIDES}, in a -Xmx1g G1 JVM. */
    private static void assertBenchmarkBroker(KafkaBroker broker, Admin admin) throws Exception {
        ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
        Config config = admin.describeConfigs(List.of(node)).all().get().get(node);
        BenchBroker.OVERRIDES.forEach((k, v) -> assertEquals(v, config.get(k).value(), k));
        // set by the local stack, left at Kafka's default here
        assertEquals("1", config.get("num.partitions").value(), "num.partitions");
        assertEquals("50", config.get("offsets.topic.num.partitions").value(), "offsets.topic.num.partitions");
        List<String> flags = arguments(broker.process());
        assertTrue(flags.containsAll(List.of("-Xmx1g", "-Xms1g", "-XX:+UseG1GC")), flags.toString());
        assertFalse(flags.contains("-XX:TieredStopAtLevel=1"), "not the local stack's C1-only JVM: " + flags);
    }

    private static void assertSubjectJvm(ChildProcess p) {
        List<String> flags = arguments(p);
        assertTrue(flags.containsAll(List.of("-Xmx512m", "-XX:+UseG1GC")), flags.toString());
        assertFalse(flags.contains("-XX:+UseSerialGC"), "not the local stack's JVM: " + flags);
    }

    /** docs/benchmarks-analysis.md, figure 5: byte-array converters (headers too), read_committed, service_load; no local-stack extras. */
    private static void assertBenchmarkWorkerSettings(Path file) throws IOException {
        Properties p = new Properties();
        try (FileReader r = new FileReader(file.toFile())) {
            p.load(r);
        }
        for (String converter : List.of("key.converter", "value.converter", "header.converter")) {
            assertEquals("org.apache.kafka.connect.converters.ByteArrayConverter", p.getProperty(converter), converter);
        }
        assertEquals("read_committed", p.getProperty("consumer.isolation.level"));
        assertEquals("service_load", p.getProperty("plugin.discovery"));
        assertEquals("bench-connect", p.getProperty("group.id"));
        for (String localOnly : List.of("offset.flush.interval.ms", "config.providers", "offset.storage.partitions")) {
            assertNull(p.getProperty(localOnly), localOnly + " stays at Kafka's default");
        }
    }

    private static List<String> arguments(ChildProcess p) {
        return ProcessHandle.of(p.pid()).flatMap(h -> h.info().arguments()).map(List::of).orElseThrow();
    }

    /** After the runs only the input topic (and internal ones) remain. */
    static final class Topicless {
        static boolean none(Admin admin) throws Exception {
            return admin.listTopics().names().get().stream().noneMatch(n -> n.startsWith("bench.run"));
        }
    }
}
