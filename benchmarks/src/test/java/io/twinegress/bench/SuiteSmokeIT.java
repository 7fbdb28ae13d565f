package io.twinegress.bench;

import io.twinegress.bench.infra.BrokerProcess;
import io.twinegress.bench.infra.Repo;
import io.twinegress.bench.report.Measure;
import io.twinegress.bench.report.Report;
import io.twinegress.bench.report.Row;
import io.twinegress.bench.streams.StreamsBench;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Proves the harness still works, in seconds and with tiny sizes: the child-process broker, one
 * pass-through run and one router run (the packaged jar, fan-out 2) measured from their output, and
 * the report written. No timed assertion: the figures themselves come from {@code ./bench.sh}.
 */
class SuiteSmokeIT {

    @Test
    void brokerSubjectsAndReport(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(Repo.routerJar()), "the router jar is built (./mvnw install) before this module");
        Path log4j = Suite.extract("bench-child-log4j2.properties", dir);
        try (BrokerProcess broker = BrokerProcess.start(dir, log4j.toString());
             Admin admin = broker.admin()) {
            Ctx.Sizes sizes = new Ctx.Sizes(500, 2, 0, 1, 100, 1, 1, 1, false);
            Ctx ctx = new Ctx(broker, admin, dir, System.getProperty("java.class.path"), log4j.toString(), sizes, Instant.now());
            StreamsBench streams = new StreamsBench(ctx);
            streams.prepare();
            StreamsBench.RunResult pt = streams.passThrough("smoke-pt", Suite.ALOS);
            StreamsBench.RunResult router = streams.router("smoke-r", Suite.EOS, 2, true);
            assertTrue(pt.eventsPerSec() > 0);
            assertEquals(2 * router.eventsPerSec(), router.outputPerSec(), 1e-6, "every event reached both egress topics");
            assertTrue(router.peakRssMib() > 0, "the router's peak RSS was read");

            Measure a = new Measure("events/s");
            a.add(router.eventsPerSec());
            Measure b = new Measure("events/s");
            b.add(pt.eventsPerSec());
            Report report = new Report();
            report.add(new Row(1, "smoke", a, b, null, null, ""));
            report.writeJson(dir.resolve("out/benchmarks.json"));
            assertTrue(Files.readString(dir.resolve("out/benchmarks.json")).contains("\"figure\" : 1"));
            assertTrue(Topicless.none(admin), "the runs deleted their topics");
        }
    }

    /** After the runs only the input topic (and internal ones) remain. */
    static final class Topicless {
        static boolean none(Admin admin) throws Exception {
            return admin.listTopics().names().get().stream().noneMatch(n -> n.startsWith("bench.run"));
        }
    }
}
