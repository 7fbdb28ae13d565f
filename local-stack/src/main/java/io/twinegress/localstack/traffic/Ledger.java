package io.twinegress.localstack.traffic;

import io.twinegress.localstack.endpoints.SampleEndpoint;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The ids of every record the broker acknowledged, by kind: what each endpoint must receive. For an
 * endpoint with a content filter, the ids its filter passes, decided as each record is acknowledged
 * (so only ids are kept, never the records).
 */
public final class Ledger {

    private final Map<Kind, Set<String>> acked = new EnumMap<>(Kind.class);
    private final Map<String, Set<String>> filtered = new HashMap<>();
    private final List<SampleEndpoint> withFilters;

    /** A ledger for endpoints without filters. */
    public Ledger() {
        this(List.of());
    }

    public Ledger(List<SampleEndpoint> endpoints) {
        for (Kind k : Kind.values()) {
            acked.put(k, ConcurrentHashMap.newKeySet());
        }
        this.withFilters = endpoints.stream().filter(e -> e.filter() != null).toList();
        withFilters.forEach(e -> filtered.put(e.id(), ConcurrentHashMap.newKeySet()));
    }

    void acked(Kind kind, String id, ProducerRecord<byte[], byte[]> record) {
        acked.get(kind).add(id);
        for (SampleEndpoint e : withFilters) {
            if (e.receives(kind, record)) {
                filtered.get(e.id()).add(id);
            }
        }
    }

    public Set<String> ids(Kind kind) {
        return Set.copyOf(acked.get(kind));
    }

    public long count(Kind kind) {
        return acked.get(kind).size();
    }

    public long total() {
        return acked.values().stream().mapToLong(Set::size).sum();
    }

    /** How many acknowledged records this endpoint subscribes to (and its filter passes). */
    public long expected(SampleEndpoint e) {
        if (filtered.containsKey(e.id())) {
            return filtered.get(e.id()).size();
        }
        long n = 0;
        for (Kind k : Kind.values()) {
            if (e.accepts(k.eventType())) {
                n += acked.get(k).size();
            }
        }
        return n;
    }

    /** The ids this endpoint must receive, and only these. */
    public Set<String> expectedIds(SampleEndpoint e) {
        if (filtered.containsKey(e.id())) {
            return Set.copyOf(filtered.get(e.id()));
        }
        Set<String> ids = new java.util.HashSet<>();
        for (Kind k : Kind.values()) {
            if (e.accepts(k.eventType())) {
                ids.addAll(acked.get(k));
            }
        }
        return ids;
    }
}
