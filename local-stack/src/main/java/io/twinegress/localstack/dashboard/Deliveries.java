package io.twinegress.localstack.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinegress.emulators.admin.AdminClient;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.traffic.Ledger;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks, by id, what arrived at an endpoint's stand-in against what the broker acknowledged:
 * every matching record arrived, nothing else did.
 */
public final class Deliveries {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Deliveries() {
    }

    /**
     * @param arrivedIds   distinct ids that arrived
     * @param missing      expected ids that did not arrive
     * @param unexpected   ids that arrived but this endpoint does not subscribe to
     * @param duplicates   arrivals beyond the first of an id (at-least-once redelivery)
     * @param keyFingerprints fingerprint of the key behind each arrival, in arrival order
     */
    public record Check(SampleEndpoint endpoint, int expected, Set<String> arrivedIds, Set<String> missing,
            Set<String> unexpected, int duplicates, List<String> keyFingerprints) {

        public boolean complete() {
            return missing.isEmpty() && unexpected.isEmpty();
        }

        public String summary() {
            return String.format("%-15s expected %6d  arrived %6d  missing %d  unexpected %d  duplicates %d",
                    endpoint.id(), expected, arrivedIds.size(), missing.size(), unexpected.size(), duplicates);
        }
    }

    public static Check check(AdminClient standIns, SampleEndpoint e, Ledger ledger) throws IOException, InterruptedException {
        Set<String> expected = ledger.expectedIds(e);
        List<AdminClient.Arrival> arrivals = e.standIn(standIns).arrivals(e.entity());
        Set<String> arrived = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> fingerprints = new java.util.ArrayList<>();
        int duplicates = 0;
        for (AdminClient.Arrival a : arrivals) {
            String id = idOf(a);
            fingerprints.add(a.keyFingerprint());
            if (seen.merge(id, 1, Integer::sum) > 1) {
                duplicates++;
            }
            arrived.add(id);
        }
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(arrived);
        Set<String> unexpected = new HashSet<>(arrived);
        unexpected.removeAll(expected);
        return new Check(e, expected.size(), arrived, missing, unexpected, duplicates, fingerprints);
    }

    /** The event id inside the body (events and our raw telemetry both carry one); else the message id. */
    public static String idOf(AdminClient.Arrival a) {
        if (a.body() != null) {
            try {
                JsonNode n = JSON.readTree(a.body());
                if (n.hasNonNull("id")) {
                    return n.get("id").asText();
                }
            } catch (IOException notJson) {
                // fall through
            }
        }
        return String.valueOf(a.id());
    }
}
