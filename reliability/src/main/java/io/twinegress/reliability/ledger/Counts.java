package io.twinegress.reliability.ledger;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What arrived somewhere (an egress topic, a stand-in entity), counted by id against what had to
 * arrive there: lost = expected ids that never arrived, duplicated = arrivals beyond the first of
 * an id, unexpected = ids that arrived but were not expected (ids of other runs are ignored).
 *
 * @param where      the topic or entity
 * @param expected   how many distinct ids had to arrive
 * @param delivered  distinct expected ids that arrived
 * @param lost       expected ids that did not arrive
 * @param duplicated arrivals of an expected id beyond its first
 * @param unexpected ids of this run that arrived here though this place does not subscribe to them
 */
public record Counts(String where, int expected, int delivered, Set<String> lost, int duplicated, Set<String> unexpected) {

    /**
     * @param arrivals  every id that arrived, one entry per arrival
     * @param expected  the ids that must arrive here
     * @param universe  every id of this run (an arrival outside it belongs to another run)
     */
    public static Counts of(String where, Collection<String> arrivals, Set<String> expected, Set<String> universe) {
        Map<String, Integer> seen = new HashMap<>();
        Set<String> unexpected = new HashSet<>();
        int duplicated = 0;
        for (String id : arrivals) {
            if (!universe.contains(id)) {
                continue;
            }
            if (!expected.contains(id)) {
                unexpected.add(id);
                continue;
            }
            if (seen.merge(id, 1, Integer::sum) > 1) {
                duplicated++;
            }
        }
        Set<String> lost = new HashSet<>(expected);
        lost.removeAll(seen.keySet());
        return new Counts(where, expected.size(), seen.size(), lost, duplicated, unexpected);
    }

    public boolean complete() {
        return lost.isEmpty();
    }

    @Override
    public String toString() {
        return String.format("%s: expected %d, delivered %d, lost %d, duplicated %d, unexpected %d", where, expected,
                delivered, lost.size(), duplicated, unexpected.size());
    }
}
