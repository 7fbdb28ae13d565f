package io.twinegress.bench;

import io.twinegress.localstack.kafka.KafkaBroker;
import io.twinegress.localstack.process.Children;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;

/**
 * What every benchmark shares: the broker, an admin client, the child processes (each started
 * through {@code children}, so all are stopped when the suite ends), the work directory, the
 * classpath and log configuration for child JVMs, the sizes, and the progress line printer.
 */
public record Ctx(KafkaBroker broker, Admin admin, Children children, Path work, String classpath, String childLog4j, Sizes sizes,
                  Instant started) {

    /**
     * How big the runs are. {@link #full()} is the documented suite; {@link #smoke()} only proves
     * the harness works.
     */
    public record Sizes(int records, int partitions, int warmups, int runs, int connectorRecords, int latencySeconds,
                        int latencyWindows, int trials, boolean fanOut100, List<Integer> scaleEndpoints, int scaleTrials) {

        public static Sizes full() {
            return new Sizes(100_000, 3, 1, 3, 100_000, 8, 3, 5, true, List.of(100, 1000), 30);
        }

        /** The same with another number of records per throughput run (figures 1, 2, 4). */
        public Sizes withRecords(int n) {
            return new Sizes(n, partitions, warmups, runs, connectorRecords, latencySeconds, latencyWindows, trials, fanOut100,
                scaleEndpoints, scaleTrials);
        }

        /** The same with another number of records per connector run (figure 5). */
        public Sizes withConnectorRecords(int n) {
            return new Sizes(records, partitions, warmups, runs, n, latencySeconds, latencyWindows, trials, fanOut100, scaleEndpoints,
                scaleTrials);
        }

        public static Sizes smoke() {
            return new Sizes(2_000, 3, 0, 1, 500, 2, 1, 1, false, List.of(5, 10), 2);
        }
    }

    public String bootstrap() {
        return broker.bootstrap();
    }

    /** Prints one progress line, with the time since the suite started. */
    public void progress(String fmt, Object... args) {
        Duration d = Duration.between(started, Instant.now());
        System.out.printf("[%02d:%02d] %s%n", d.toMinutes(), d.toSecondsPart(), String.format(fmt, args));
        System.out.flush();
    }
}
