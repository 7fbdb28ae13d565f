package io.twinegress.reliability.ledger;

import io.twinegress.emulators.admin.AdminClient;
import io.twinegress.localstack.dashboard.Deliveries;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.kafka.Topics;
import io.twinegress.schemas.EndpointType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts a scenario's events by id in the egress topics ({@code read_committed}: exactly once is
 * the bar) and at the stand-ins (at least once is the bar; redeliveries are counted).
 */
public final class Tally {

    private Tally() {
    }

    /** Per endpoint: the scenario's ids in its egress topic. */
    public static Map<SampleEndpoint, Counts> egress(String bootstrap, List<SampleEndpoint> endpoints, Traffic traffic) {
        Set<String> universe = traffic.ids();
        Map<SampleEndpoint, Counts> out = new LinkedHashMap<>();
        for (SampleEndpoint e : endpoints) {
            String topic = Topics.egress(e.id());
            out.put(e, Counts.of(topic, EgressReader.ids(bootstrap, topic), traffic.expectedIds(e), universe));
        }
        return out;
    }

    /** "delivered / lost / duplicated" summed over {@code counts}: one cell of the results table. */
    public static String summary(java.util.Collection<Counts> counts) {
        int d = 0;
        int l = 0;
        int dup = 0;
        for (Counts c : counts) {
            d += c.delivered();
            l += c.lost().size();
            dup += c.duplicated();
        }
        return d + " / " + l + " / " + dup;
    }

    /** What arrived at the endpoint's stand-in entity, and Service Bus MessageIds that differ from the event id. */
    public record Arrivals(Counts counts, int messageIdMismatches) {
    }

    public static Arrivals standIn(AdminClient admin, SampleEndpoint e, Traffic traffic) throws Exception {
        List<String> ids = new ArrayList<>();
        int mismatches = 0;
        for (AdminClient.Arrival a : e.standIn(admin).arrivals(e.entity())) {
            String id = Deliveries.idOf(a);
            ids.add(id);
            if (e.type() == EndpointType.ServiceBus && !id.equals(a.id())) {
                mismatches++;
            }
        }
        return new Arrivals(Counts.of(e.id() + " (stand-in)", ids, traffic.expectedIds(e), traffic.ids()), mismatches);
    }

    /**
     * Waits until every endpoint's stand-in has every id it must have (redeliveries allowed), and
     * returns the final counts; on the deadline, fails with the counts so far.
     */
    public static Map<SampleEndpoint, Arrivals> awaitStandIns(AdminClient admin, List<SampleEndpoint> endpoints,
            Traffic traffic, Duration deadline) throws Exception {
        return awaitStandIns(admin, endpoints, traffic, deadline, () -> null);
    }

    /** The same, calling {@code eachPoll} before every look (e.g. to notice and restart a failed task). */
    public static Map<SampleEndpoint, Arrivals> awaitStandIns(AdminClient admin, List<SampleEndpoint> endpoints,
            Traffic traffic, Duration deadline, java.util.concurrent.Callable<Void> eachPoll) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        Map<SampleEndpoint, Arrivals> last = new LinkedHashMap<>();
        while (true) {
            eachPoll.call();
            last.clear();
            boolean complete = true;
            for (SampleEndpoint e : endpoints) {
                Arrivals a;
                try {
                    a = standIn(admin, e, traffic);
                } catch (java.io.IOException notYet) {
                    complete = false;
                    continue;
                }
                last.put(e, a);
                complete &= a.counts().complete();
            }
            if (complete) {
                return new LinkedHashMap<>(last);
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("not every event reached every matching endpoint within "
                        + deadline.toSeconds() + " s: " + last.values().stream().map(Arrivals::counts).toList());
            }
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
    }
}
