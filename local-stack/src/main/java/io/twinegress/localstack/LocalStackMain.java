package io.twinegress.localstack;

import io.twinegress.localstack.dashboard.Deliveries;
import io.twinegress.localstack.dashboard.EndpointRow;
import io.twinegress.localstack.dashboard.Table;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.identity.LocalIdentities;
import io.twinegress.localstack.identity.RoleDemo;
import io.twinegress.localstack.process.Log4j;
import io.twinegress.localstack.process.StartupException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code java -jar local-stack/target/twin-egress-local.jar [options]} (what {@code ./twin-egress-local}
 * runs): starts the stack, registers the sample endpoints, produces sample events, prints the live
 * table, shows a key failover, and on Ctrl-C or the end of {@code --duration} stops everything.
 * Exit codes: 0 done, 1 a part failed to start or events were lost, 2 bad options.
 */
public final class LocalStackMain {

    private static final PrintStream OUT = System.out;

    private final Options options;
    private final long t0 = System.nanoTime();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile String phase = "starting";

    private LocalStackMain(Options options) {
        this.options = options;
    }

    public static void main(String[] args) {
        Path home = Layout.fromSystem().home();
        Options options;
        try {
            options = Options.parse(Arrays.asList(args), home);
        } catch (IllegalArgumentException e) {
            System.err.println("twin-egress-local: " + e.getMessage() + "\n\n" + Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            OUT.print(Options.USAGE);
            return;
        }
        // the launcher's own Kafka clients log to a file, never over the table
        try {
            LocalStack.rotateLogs(options.logDir(), "launcher.log");
        } catch (java.io.IOException e) {
            System.err.println("twin-egress-local: cannot use the log directory " + options.logDir() + ": " + e);
            System.exit(1);
        }
        System.setProperty("log4j2.configurationFile", Log4j.fileConfig(options.logDir(), "launcher",
                options.logDir().resolve("launcher.log"), "WARN").toString());
        System.exit(new LocalStackMain(options).run(new Layout(home)));
    }

    private int run(Layout layout) {
        say("twin-egress local stack: broker, Connect worker, router, Azure stand-ins on loopback. Ctrl-C stops it.");
        LocalStack stack;
        try {
            stack = LocalStack.create(layout, options.ports(), options.metrics(),
                    options.entraId() ? new LocalIdentities() : null, options.logDir());
        } catch (StartupException e) {
            System.err.println("twin-egress-local: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("twin-egress-local: could not start: " + e);
            return 1;
        }
        // from here on, Ctrl-C or SIGTERM (even in the middle of the start) stops every child and removes the data
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stopping.compareAndSet(false, true)) {
                say("stopping (Ctrl-C or SIGTERM): every child process by pid, then the data directory");
            }
            stopRequested.countDown();
            stack.close();
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "twin-egress-local-shutdown"));
        Thread heartbeat = heartbeat();
        try {
            stack.startAll(this::say);
        } catch (Exception e) {
            phase = "failed";
            if (!stopping.get()) {
                reportStartupFailure(e);
            }
            stopping.set(true);
            finished.countDown();
            return 1;
        } finally {
            heartbeat.interrupt();
        }
        try {
            startupSummary(stack);
            return runTraffic(stack);
        } catch (Exception e) {
            if (!stopping.get()) {
                System.err.println("twin-egress-local: " + e);
                return 1;
            }
            return 0;
        } finally {
            stack.close();
            if (!stopping.get()) {
                say("stopped every part; removed " + stack.dataDir() + "; logs kept in " + stack.logDir());
            }
            stopping.set(true); // System.exit runs the shutdown hook: nothing more to say there
            finished.countDown();
        }
    }

    private void reportStartupFailure(Exception failure) {
        if (failure instanceof StartupException e) {
            System.err.println("twin-egress-local: " + e.getMessage());
            if (e.getCause() != null && !e.getMessage().contains(String.valueOf(e.getCause().getMessage()))) {
                System.err.println("  cause: " + e.getCause());
            }
            printTail(e.log());
        } else {
            System.err.println("twin-egress-local: could not start: " + failure);
        }
        System.err.println("  logs of every part: " + options.logDir());
    }

    /** The last lines of a failed part's log (our parts never log keys or connection strings). */
    private static void printTail(Path log) {
        if (log == null || !java.nio.file.Files.isReadable(log)) {
            return;
        }
        try {
            List<String> lines = java.nio.file.Files.readAllLines(log);
            System.err.println("  last lines of " + log + ":");
            lines.subList(Math.max(0, lines.size() - 8), lines.size()).forEach(l -> System.err.println("    " + l));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // the path is printed above; that is enough
        }
    }

    private void startupSummary(LocalStack stack) {
        StringBuilder sb = new StringBuilder("startup times:");
        stack.startupTimes().forEach((part, d) -> sb.append(' ').append(part).append(' ').append(LocalStack.seconds(d))
                .append(';'));
        say(sb.substring(0, sb.length() - 1));
        Ports p = stack.ports();
        say("look around: curl -s '" + p.connectUrl() + "/connectors?expand=status'   curl -s " + p.adminUrl() + "/counts");
        Observability o = stack.observability();
        if (o != null) {
            say("Prometheus scrape URLs (rules in deploy/prometheus/): router " + o.routerMetricsUrl() + "   Connect worker "
                    + o.connectMetricsUrl());
            say("router health: " + o.routerHealthUrl() + "/health   its endpoint table: " + o.routerHealthUrl() + "/endpoints");
        }
    }

    private int runTraffic(LocalStack stack) throws Exception {
        phase = "running";
        say(String.format("producing the seed's sample events of every type and raw device messages, %.0f/s%s",
                options.rate(), options.duration() == null ? " until Ctrl-C" : " for " + options.duration().toSeconds() + " s"));
        stack.traffic().start(options.rate());
        long start = System.nanoTime();
        long end = options.duration() == null ? Long.MAX_VALUE : start + options.duration().toNanos();
        long faultAt = options.faultDemo() ? start + options.faultAfter().toNanos() : Long.MAX_VALUE;
        SampleEndpoint faulty = options.faultDemo() ? stack.endpoint(options.faultEndpoint()) : null;
        boolean revoked = false;
        boolean switched = false;
        RoleDemo roleDemo = new RoleDemo(this::say);
        long revokedAt = 0;
        long nextTable = start + Duration.ofSeconds(1).toNanos();
        while (!stopping.get() && System.nanoTime() < end) {
            long now = System.nanoTime();
            if (faulty != null && options.entraId()) {
                roleDemo.step(stack, faulty, now, faultAt);
            } else if (faulty != null && !revoked && now >= faultAt) {
                say("FAULT DEMO: revoking the primary key of endpoint " + faulty.id() + " in the stand-in (admin API "
                        + (faulty.keyName() == null ? "POST /eventgrid/keys/revoke" : "POST /amqp/keys/revoke, policy "
                        + faulty.keyName()) + "); its connector should switch to the secondary and lose nothing");
                faulty.standIn(stack.standIns().admin()).revokeKey(faulty.keyName(), faulty.primaryKey());
                revoked = true;
                revokedAt = now;
            }
            if (revoked && !switched && stack.monitor().activeKey(faulty).startsWith("secondary")) {
                switched = true;
                say(String.format("FAULT DEMO: %s now delivers with its secondary key (switch seen %.1f s after the revocation)",
                        faulty.id(), (System.nanoTime() - revokedAt) / 1e9));
            }
            if (now >= nextTable) {
                printTable(stack, "live");
                nextTable = now + options.tableEvery().toNanos();
            }
            stopRequested.await(200, TimeUnit.MILLISECONDS);
        }
        if (stopping.get()) {
            return 0;
        }
        return drainAndVerify(stack);
    }

    /** End of --duration: stop producing, wait until every endpoint has everything, check by id. */
    private int drainAndVerify(LocalStack stack) throws Exception {
        phase = "draining";
        stack.traffic().stop();
        say("traffic stopped after " + stack.traffic().ledger().total() + " records; waiting for every endpoint to catch up");
        List<SampleEndpoint> delivering = stack.endpoints();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        long nextTable = 0;
        long settleUntil = 0;
        while (!stopping.get() && System.nanoTime() < deadline) {
            List<EndpointRow> rows = stack.monitor().rows();
            boolean done = rows.stream().filter(r -> delivering.stream().anyMatch(e -> e.id().equals(r.endpoint())))
                    .allMatch(r -> r.delivered() >= r.expected());
            if (done) {
                // everything arrived; a moment more shows any late duplicate in the final table
                if (settleUntil == 0) {
                    settleUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
                if (System.nanoTime() > settleUntil) {
                    break;
                }
            }
            if (System.nanoTime() >= nextTable) {
                printTable(stack, "draining");
                nextTable = System.nanoTime() + options.tableEvery().toNanos();
            }
            stopRequested.await(250, TimeUnit.MILLISECONDS);
        }
        printTable(stack, "final");
        boolean ok = true;
        say("checking every endpoint by event id (stand-in arrivals vs. records the broker acknowledged):");
        for (SampleEndpoint e : delivering) {
            Deliveries.Check c = Deliveries.check(stack.standIns().admin(), e, stack.traffic().ledger());
            say("  " + c.summary() + (c.complete() ? "  OK" : "  INCOMPLETE"));
            ok &= c.complete();
        }
        if (stack.traffic().failed() > 0) {
            say("  " + stack.traffic().failed() + " records were not acknowledged by the broker (last error: "
                    + stack.traffic().lastError() + ")");
        }
        say(ok ? "no loss: every event reached every matching endpoint, and no other"
                : "LOSS: some events are missing or misrouted; see the logs in " + stack.logDir());
        return ok ? 0 : 1;
    }

    private void printTable(LocalStack stack, String label) {
        List<EndpointRow> rows = stack.monitor().rows();
        String footer = String.format("sent %d (%s) | router dead-lettered %d%n  state = router/connector task, key = the"
                        + " connector's active key (* = seen at the stand-in), lag = expected - delivered",
                stack.traffic().ledger().total(), byKind(stack), stack.monitor().routerDeadLettered());
        for (String line : stack.monitor().filterLines()) {
            footer += System.lineSeparator() + "  " + line;
        }
        OUT.print(Table.render(String.format("[%6.1fs] %s", elapsed(), label), rows, footer));
        OUT.flush();
    }

    private static String byKind(LocalStack stack) {
        StringBuilder sb = new StringBuilder();
        for (var k : io.twinegress.localstack.traffic.Kind.values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(k.label()).append(' ').append(stack.traffic().ledger().count(k));
        }
        return sb.toString();
    }

    /** While starting: a line every 3 s, so nothing is silent for long. */
    private Thread heartbeat() {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(3000);
                    if (phase.equals("starting") && !stopping.get()) {
                        say("... still starting");
                    }
                }
            } catch (InterruptedException e) {
                // started or failed
            }
        }, "twin-egress-local-heartbeat");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private double elapsed() {
        return (System.nanoTime() - t0) / 1e9;
    }

    private synchronized void say(String line) {
        OUT.printf("[%6.1fs] %s%n", elapsed(), line);
        OUT.flush();
    }
}
