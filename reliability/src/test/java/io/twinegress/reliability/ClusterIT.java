package io.twinegress.reliability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.connectrest.ConnectRest;
import io.twinegress.emulators.admin.AdminClient;
import io.twinegress.localstack.Layout;
import io.twinegress.localstack.dashboard.Deliveries;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.kafka.Topics;
import io.twinegress.localstack.router.RouterProcess;
import io.twinegress.reliability.ledger.Counts;
import io.twinegress.reliability.ledger.Tally;
import io.twinegress.reliability.ledger.Traffic;
import io.twinegress.reliability.report.Results;
import io.twinegress.reliability.stack.FaultStack;
import io.twinegress.reliability.stack.KafkaCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The pipeline on three KRaft brokers (replication factor 3, {@code min.insync.replicas} 2) with
 * two routers and two Connect workers, all child processes. While events flow, one part at a time
 * is killed with SIGKILL: the broker leading most egress partitions (then restarted on its
 * storage), one router, one worker (each restarted once the other has taken over its work).
 * Counted by id: every event exactly once in each matching egress topic (read_committed), at
 * least once at each matching endpoint (redeliveries counted), and, from the stand-ins' arrival
 * times, how long each kill paused deliveries.
 */
@EnabledIf("io.twinegress.reliability.Settings#cluster")
class ClusterIT {

    private static final Duration POLL = Duration.ofMillis(200);

    private static FaultStack stack;
    private static KafkaCluster cluster;
    private static Results results;

    /** One kill: what was killed, when, and what was seen around it. */
    private record Fault(String what, Instant at, String notes) {
    }

    @BeforeAll
    static void start(TestReporter report) throws Exception {
        results = new Results(Settings.describe() + ", cluster: " + Settings.describeCluster(), report::publishEntry);
        Layout layout = Layout.fromSystem();
        long t0 = System.nanoTime();
        stack = FaultStack.startOnCluster(layout, layout.home().resolve("reliability/target/it-logs-cluster"));
        cluster = stack.cluster();
        CompletableFuture<Void> worker = CompletableFuture.runAsync(stack::startSecondConnect);
        stack.startSecondRouter();
        worker.join();
        report.publishEntry("cluster + 2 routers + 2 workers up", since(t0).toSeconds() + " s");
    }

    @AfterAll
    static void stop(TestReporter report) throws Exception {
        ScenarioEnd.finish(results, ScenarioEnd.REPORT.resolveSibling("reliability-cluster-results.md"), stack, report);
    }

    @Test
    void brokerRouterAndWorkerKilledMidStreamNothingLostEgressExactlyOnce() throws Exception {
        long t0 = System.nanoTime();
        List<String> egressTopics = stack.parts().endpoints().stream().map(e -> Topics.egress(e.id())).toList();
        for (String topic : egressTopics) {
            assertEquals(List.of(3, 3, 3), cluster.replicationFactors(topic), topic + ": three replicas per partition");
        }
        List<Fault> faults = new ArrayList<>();
        try (Traffic t = new Traffic(stack.bootstrap())) {
            t.startPacing(Settings.RATE);
            // the reference window without a fault starts once the flow is steady (warm JVMs, groups settled)
            caughtUp(t, "after the start");
            Instant steady = Instant.now();
            for (int k = 1; k <= Settings.CLUSTER_BROKER_KILLS; k++) {
                caughtUp(t, "before broker kill " + k);
                int victim = cluster.mostLeading(egressTopics);
                Map<Integer, Integer> led = cluster.leaders(egressTopics);
                boolean controller = cluster.activeController() == victim;
                Instant at = Instant.now();
                cluster.kill(victim);
                waitFor("no egress partition led by the dead node " + victim).until(() ->
                        !cluster.leaders(egressTopics).containsKey(victim));
                Duration failover = Duration.between(at, Instant.now());
                FaultWindow.hold(Settings.CLUSTER_DOWN);
                Instant restart = Instant.now();
                cluster.restart(victim);
                Instant up = Instant.now();
                waitFor("every partition fully replicated again").until(() -> cluster.underReplicated() == 0);
                faults.add(new Fault("broker " + victim + " kill -9", at, String.format(
                        "led %d of %d egress partitions%s; they had new leaders %.1f s after the kill; restarted %.1f s "
                                + "after the kill, registered %.1f s later, in every ISR again %.1f s after that",
                        led.get(victim), led.values().stream().mapToInt(Integer::intValue).sum(),
                        controller ? " and was the active controller" : "", seconds(failover),
                        seconds(Duration.between(at, restart)), seconds(Duration.between(restart, up)),
                        seconds(Duration.between(up, Instant.now())))));
            }
            if (Settings.CLUSTER_MEMBER_KILLS) {
                caughtUp(t, "before the router kill");
                Instant at = Instant.now();
                stack.killRouter();
                waitFor("the second router alone in the group").until(() -> routerMembers() == 1);
                Duration takeover = Duration.between(at, Instant.now());
                stack.restartRouter();
                faults.add(new Fault("router 1 kill -9", at, String.format(
                        "router 2 had all tasks %.1f s after the kill; router 1 restarted on its state directory", seconds(takeover))));

                caughtUp(t, "before the worker kill");
                at = Instant.now();
                stack.killConnect();
                ConnectRest survivor = stack.secondConnect().rest();
                String survivorId = survivor.baseUrl().getHost() + ":" + survivor.baseUrl().getPort();
                waitFor("every connector and task RUNNING on the second worker").until(() ->
                        allOn(survivor, survivorId));
                takeover = Duration.between(at, Instant.now());
                stack.restartConnect();
                faults.add(new Fault("Connect worker 1 kill -9", at, String.format(
                        "worker 2 ran every connector and task %.1f s after the kill; worker 1 restarted", seconds(takeover))));
            }
            waitFor("all events produced").until(() -> t.acked() >= Settings.EVENTS);
            t.stopPacing();
            finish(t, t0, steady, faults);
        }
    }

    /**
     * Waits until two more seconds of events are acknowledged, then until every endpoint's stand-in
     * has every event acknowledged so far: each fault starts from a steady flow.
     */
    private static void caughtUp(Traffic t, String when) {
        long acked = t.acked();
        waitFor("events flowing " + when).until(() -> t.acked() >= acked + 2L * Settings.RATE);
        Map<SampleEndpoint, Integer> now = new HashMap<>();
        stack.parts().endpoints().forEach(e -> now.put(e, t.expectedIds(e).size()));
        AdminClient admin = stack.parts().standIns().admin();
        waitFor("every endpoint caught up " + when).until(() -> {
            for (SampleEndpoint e : stack.parts().endpoints()) {
                if (Tally.standIn(admin, e, t).counts().delivered() < now.get(e)) {
                    return false;
                }
            }
            return true;
        });
    }

    private static void finish(Traffic t, long t0, Instant steady, List<Fault> faults) throws Exception {
        AdminClient admin = stack.parts().standIns().admin();
        Map<SampleEndpoint, Tally.Arrivals> arrived = Tally.awaitStandIns(admin, stack.parts().endpoints(), t,
                Settings.DELIVERY_DEADLINE);
        Map<SampleEndpoint, Counts> egress = Tally.egress(stack.bootstrap(), stack.parts().endpoints(), t);
        Map<SampleEndpoint, List<Instant[]>> firsts = new LinkedHashMap<>();
        for (SampleEndpoint e : stack.parts().endpoints()) {
            firsts.put(e, firstArrivals(admin, e, t));
        }
        Instant end = Instant.now();
        List<Instant> bounds = new ArrayList<>();
        faults.forEach(f -> bounds.add(f.at()));
        bounds.add(end);
        results.add(new Results.Row("3 brokers, 2 routers, 2 workers: " + faults.size() + " kills", t.acked(),
                Tally.summary(egress.values()), Tally.summary(arrived.values().stream().map(Tally.Arrivals::counts).toList()),
                "no fault (steady flow until the first kill): " + pause(firsts, steady, bounds.get(0)), since(t0)));
        for (int i = 0; i < faults.size(); i++) {
            Fault f = faults.get(i);
            results.add(new Results.Row(f.what(), 0, "-", "-", f.notes() + "; " + pause(firsts, f.at(), bounds.get(i + 1)),
                    Duration.between(f.at(), bounds.get(i + 1))));
        }
        assertEquals(0, t.failed(), "every produced record acknowledged: " + t.lastError());
        for (Counts c : egress.values()) {
            assertEquals(Set.of(), c.lost(), c + ": nothing lost");
            assertEquals(0, c.duplicated(), c + ": exactly once (read_committed)");
            assertEquals(Set.of(), c.unexpected(), c + ": nothing it does not subscribe to");
        }
        for (Tally.Arrivals a : arrived.values()) {
            assertEquals(Set.of(), a.counts().lost(), a.counts() + ": at least once");
            assertEquals(Set.of(), a.counts().unexpected(), a.counts() + ": nothing it does not subscribe to");
            assertEquals(0, a.messageIdMismatches(), a.counts() + ": a redelivery carries the event id as MessageId");
        }
        assertEquals(Settings.CLUSTER_BROKER_KILLS + (Settings.CLUSTER_MEMBER_KILLS ? 2 : 0), faults.size());
    }

    /**
     * Each of the run's events at the endpoint, once, at its first arrival: {sent, first arrived},
     * in arrival order. A redelivery is not a new delivery, so it does not shorten a pause.
     */
    private static List<Instant[]> firstArrivals(AdminClient admin, SampleEndpoint e, Traffic t) throws Exception {
        Set<String> expected = t.expectedIds(e);
        Set<String> seen = new HashSet<>();
        List<Instant[]> out = new ArrayList<>();
        for (AdminClient.Arrival a : e.standIn(admin).arrivals(e.entity())) {
            String id = Deliveries.idOf(a);
            if (expected.contains(id) && seen.add(id)) {
                assertTrue(a.receivedAt() != null, "the stand-in says when " + id + " arrived");
                out.add(new Instant[] {t.sentAt(id), a.receivedAt()});
            }
        }
        out.sort((x, y) -> x[1].compareTo(y[1]));
        return out;
    }

    /**
     * Over the window (from, to]: per endpoint the longest time without a new event arriving (a
     * gap counts in the window its end falls in, so the gap across a kill belongs to that kill),
     * and the delays from send to first arrival of the events arriving in the window (over all
     * endpoints: median, 99th percentile, worst, and when the worst arrived).
     */
    private static String pause(Map<SampleEndpoint, List<Instant[]>> firsts, Instant from, Instant to) {
        Duration gap = Duration.ZERO;
        String gapAt = "-";
        List<Duration> delays = new ArrayList<>();
        Duration worst = Duration.ZERO;
        String worstAt = "-";
        for (Map.Entry<SampleEndpoint, List<Instant[]>> e : firsts.entrySet()) {
            Instant previous = null;
            for (Instant[] sentAndArrived : e.getValue()) {
                Instant arrived = sentAndArrived[1];
                if (arrived.isAfter(from) && !arrived.isAfter(to)) {
                    if (previous != null && Duration.between(previous, arrived).compareTo(gap) > 0) {
                        gap = Duration.between(previous, arrived);
                        gapAt = e.getKey().id();
                    }
                    Duration delay = Duration.between(sentAndArrived[0], arrived);
                    delays.add(delay);
                    if (delay.compareTo(worst) > 0) {
                        worst = delay;
                        worstAt = String.format("%s, arrived %.1f s into the window", e.getKey().id(),
                                seconds(Duration.between(from, arrived)));
                    }
                }
                previous = arrived;
            }
        }
        delays.sort(null);
        return String.format("delivery pause %.2f s (%s); send-to-arrival p50 %.2f s, p99 %.2f s, worst %.2f s (%s)",
                seconds(gap), gapAt, seconds(percentile(delays, 0.50)), seconds(percentile(delays, 0.99)), seconds(worst),
                worstAt);
    }

    private static Duration percentile(List<Duration> sorted, double p) {
        return sorted.isEmpty() ? Duration.ZERO : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    private static int routerMembers() throws Exception {
        ConsumerGroupDescription d = stack.parts().admin().describeConsumerGroups(List.of(RouterProcess.APPLICATION_ID))
                .all().get(10, TimeUnit.SECONDS).get(RouterProcess.APPLICATION_ID);
        return d.groupState() == GroupState.STABLE ? d.members().size() : -1;
    }

    private static boolean allOn(ConnectRest rest, String workerId) {
        for (SampleEndpoint e : stack.parts().endpoints()) {
            Optional<ConnectRest.ConnectorStatus> s = rest.connectorStatus(e.id());
            if (s.isEmpty() || !s.get().isRunning() || !workerId.equals(s.get().connector().workerId())
                    || s.get().tasks().values().stream().anyMatch(task -> !workerId.equals(task.workerId()))) {
                return false;
            }
        }
        return true;
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** A wait on a condition of the running stack: a failed poll (a part restarting) counts as "not yet". */
    private static ConditionFactory waitFor(String what) {
        return await(what).atMost(Settings.DELIVERY_DEADLINE).pollInterval(POLL).ignoreExceptions();
    }
}
