package io.twinegress.localstack.traffic;

import io.twinegress.localstack.endpoints.SampleEndpoint;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The ids of every record the broker acknowledged, by kind: what each endpoint must receive. */
public final class Ledger {

    private final Map<Kind, Set<String>> acked = new EnumMap<>(Kind.class);

    public Ledger() {
        for (Kind k : Kind.values()) {
            acked.put(k, ConcurrentHashMap.newKeySet());
        }
    }

    void acked(Kind kind, String id) {
        acked.get(kind).add(id);
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

    /** How many acknowledged records this endpoint subscribes to. */
    public long expected(SampleEndpoint e) {
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
        Set<String> ids = new java.util.HashSet<>();
        for (Kind k : Kind.values()) {
            if (e.accepts(k.eventType())) {
                ids.addAll(acked.get(k));
            }
        }
        return ids;
    }
}
