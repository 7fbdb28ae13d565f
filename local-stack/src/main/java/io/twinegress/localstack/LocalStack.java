package io.twinegress.localstack;

import io.twinegress.localstack.connect.ConnectWorker;
import io.twinegress.localstack.dashboard.Monitor;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.identity.LocalIdentities;
import io.twinegress.localstack.process.StartupException;
import io.twinegress.localstack.standins.StandIns;
import io.twinegress.localstack.traffic.TrafficGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * The whole pipeline on loopback ({@link StackParts}: broker, Connect worker with the packaged
 * plugin, router and Azure stand-ins as child processes, the four sample endpoints registered as
 * an operator would), plus sample traffic and the live table. Used by {@code ./twin-egress-local}
 * and by {@code LocalStackIT}. {@link #close()} stops every child by pid and deletes the data directory.
 */
public final class LocalStack implements AutoCloseable {

    /** How long each part may take to come up on a loaded two-core machine. */
    public static final Duration START_DEADLINE = Duration.ofSeconds(120);

    private final StackParts parts;
    private TrafficGenerator traffic;
    private Monitor monitor;
    private boolean closed;

    private LocalStack(StackParts parts) {
        this.parts = parts;
    }

    /**
     * Starts everything and registers the endpoints; on failure stops what started and throws a
     * {@link StartupException} naming the part and its log.
     *
     * @param progress one human line per step, as it happens
     */
    public static LocalStack start(Layout layout, Ports ports, Path logDir, Consumer<String> progress)
            throws IOException {
        LocalStack stack = create(layout, ports, logDir);
        stack.startAll(progress);
        return stack;
    }

    /** The same, with the router and the worker exposing Prometheus metrics (and the router its health endpoint). */
    public static LocalStack start(Layout layout, Ports ports, Observability metrics, Path logDir, Consumer<String> progress)
            throws IOException {
        LocalStack stack = create(layout, ports, metrics, logDir);
        stack.startAll(progress);
        return stack;
    }

    /**
     * Checks the artifacts and ports and makes the data directory; nothing runs yet. {@link #close()}
     * is safe from another thread (a shutdown hook) at any point of {@link #startAll}.
     */
    public static LocalStack create(Layout layout, Ports ports, Path logDir) throws IOException {
        return create(layout, ports, null, logDir);
    }

    /** The same; {@code metrics} null: no metrics agent, no health endpoint. */
    public static LocalStack create(Layout layout, Ports ports, Observability metrics, Path logDir) throws IOException {
        return create(layout, ports, metrics, null, logDir);
    }

    /** The same; {@code identities} non-null: the connectors use those Entra ID identities, not keys. */
    public static LocalStack create(Layout layout, Ports ports, Observability metrics, LocalIdentities identities, Path logDir)
            throws IOException {
        StackParts parts = StackParts.builder(layout, ports, logDir).deadline(START_DEADLINE).observability(metrics)
                .identities(identities).create();
        try {
            List<String> busy = new java.util.ArrayList<>(ports.busy());
            if (metrics != null) {
                busy.addAll(metrics.busy(ports));
            }
            if (!busy.isEmpty()) {
                throw StartupException.precondition("ports", String.join("; ", busy));
            }
            rotateLogs(logDir);
        } catch (IOException | RuntimeException e) {
            parts.close();
            throw e;
        }
        return new LocalStack(parts);
    }

    /**
     * Starts every part and registers the endpoints; on failure stops what started (and deletes the
     * data) before throwing.
     *
     * @param progress one human line per step, as it happens
     */
    public void startAll(Consumer<String> progress) {
        try {
            parts.start(progress);
            traffic = new TrafficGenerator(parts.broker().bootstrap(), parts.endpoints());
            monitor = new Monitor(parts.endpoints(), traffic.ledger(), parts.statuses(), parts.rest(),
                    parts.standIns().admin(), parts.broker().bootstrap(), parts.connect().process().pid());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    static String seconds(Duration d) {
        return StackParts.seconds(d);
    }

    public Map<String, Duration> startupTimes() {
        return parts.startupTimes();
    }

    public List<SampleEndpoint> endpoints() {
        return parts.endpoints();
    }

    public SampleEndpoint endpoint(String id) {
        return parts.endpoint(id);
    }

    public TrafficGenerator traffic() {
        return traffic;
    }

    public Monitor monitor() {
        return monitor;
    }

    public StandIns standIns() {
        return parts.standIns();
    }

    public ConnectWorker connect() {
        return parts.connect();
    }

    public Admin admin() {
        return parts.admin();
    }

    public Ports ports() {
        return parts.ports();
    }

    /** The metrics and health ports, or null without {@code --metrics}. */
    public Observability observability() {
        return parts.observability();
    }

    public Path dataDir() {
        return parts.dataDir();
    }

    public Path logDir() {
        return parts.logDir();
    }

    /** Stops traffic, then every child by pid (Connect, router, stand-ins, broker), then deletes the data. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable c : new AutoCloseable[] {traffic, monitor}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("twin-egress-local: while stopping: " + e);
            }
        }
        parts.close();
    }

    /**
     * Keeps the previous run's logs as *.log.1 so a new run starts with clean files. The launcher's
     * own log is left to {@code LocalStackMain} (it may be open already).
     */
    public static void rotateLogs(Path logDir, String... names) throws IOException {
        Files.createDirectories(logDir);
        List<String> only = List.of(names);
        try (Stream<Path> logs = Files.list(logDir)) {
            for (Path p : logs.filter(p -> only.isEmpty() ? p.toString().endsWith(".log") && !p.endsWith("launcher.log")
                    : only.contains(p.getFileName().toString())).toList()) {
                Files.move(p, p.resolveSibling(p.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
