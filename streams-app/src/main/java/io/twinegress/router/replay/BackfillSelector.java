package io.twinegress.router.replay;

import io.twinegress.schemas.Envelope;
import io.twinegress.schemas.EventParser;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.InvalidEventException;
import io.twinegress.schemas.filter.EventValues;
import io.twinegress.schemas.filter.FilterPlan;
import io.twinegress.schemas.filter.Matcher;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, for one input record below the point where the live routing took over, whether the
 * backfill routes it to the endpoint: when its timestamp is at or after {@code replayFrom}, the
 * endpoint's current definition selects it (event type and filter, as the live routing would), and
 * the definition the live routing had at that record's offset did <em>not</em> (the live routing
 * already sent those). Events the live routing could not route (not valid, so dead-lettered) are
 * never routed. Each record is parsed once, for both definitions. Not thread-safe: one per backfill.
 */
final class BackfillSelector {

    /** What became of one record. */
    enum Verdict { ROUTE, NOT_SELECTED, ROUTED_LIVE, BEFORE_FROM, INVALID }

    /** The record's event type and id when it is routed (the id is null for raw telemetry). */
    record Decision(Verdict verdict, EventType eventType, String eventId) {
    }

    private final EventParser parser = new EventParser();
    private final Map<List<LiveDefinition>, Bound> plans = new HashMap<>();
    private final long fromMillis;

    BackfillSelector(Instant from) {
        this.fromMillis = from.toEpochMilli();
    }

    /** Both definitions' filters bound to one plan, so one parse serves both. */
    private record Bound(FilterPlan plan, Matcher current, Matcher live) {
    }

    /**
     * @param current the endpoint's definition now
     * @param live    the definition the live routing had at this record's offset; empty = it did not route the endpoint
     * @param raw     the record is raw telemetry (never parsed: every one is a DeviceMessage, filters read the key only)
     */
    Decision decide(LiveDefinition current, Optional<LiveDefinition> live, boolean raw, long timestamp, byte[] key, byte[] value) {
        if (timestamp < fromMillis) {
            return new Decision(Verdict.BEFORE_FROM, null, null);
        }
        LiveDefinition earlier = live.orElse(null);
        Bound bound = plans.computeIfAbsent(java.util.Arrays.asList(current, earlier), k -> bind(current, earlier));
        EventType type;
        String id;
        EventValues values;
        if (raw) {
            if (value == null) {
                return new Decision(Verdict.INVALID, null, null);
            }
            type = EventType.DeviceMessage;
            id = null;
            values = bound.plan().newValues();
        } else {
            Envelope envelope;
            try {
                envelope = parser.envelope(value, bound.plan());
            } catch (InvalidEventException e) {
                return new Decision(Verdict.INVALID, null, null);
            }
            type = envelope.eventType();
            id = envelope.id();
            values = envelope.values();
        }
        if (values != null) {
            values.key(key);   // null: no filter reads anything (an empty plan)
        }
        if (!selects(current, bound.current(), type, values)) {
            return new Decision(Verdict.NOT_SELECTED, type, id);
        }
        if (earlier != null && selects(earlier, bound.live(), type, values)) {
            return new Decision(Verdict.ROUTED_LIVE, type, id);
        }
        return new Decision(Verdict.ROUTE, type, id);
    }

    private static boolean selects(LiveDefinition definition, Matcher matcher, EventType type, EventValues values) {
        return definition.eventTypes().contains(type) && (matcher == null || matcher.matches(values));
    }

    private static Bound bind(LiveDefinition current, LiveDefinition live) {
        FilterPlan.Builder plan = FilterPlan.builder();
        Matcher c = current.filter() == null ? null : plan.add(current.filter(), current.eventTypes());
        Matcher l = live == null || live.filter() == null ? null : plan.add(live.filter(), live.eventTypes());
        return new Bound(plan.build(), c, l);
    }
}
