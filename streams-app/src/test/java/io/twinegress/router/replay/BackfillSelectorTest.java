package io.twinegress.router.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twinegress.router.Fixtures;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.filter.Filter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which records the backfill routes: after replayFrom, selected now, and not already sent by the live routing. */
class BackfillSelectorTest {

    static final Instant FROM = Instant.parse("2026-11-22T08:00:00Z");
    static final long AFTER = FROM.toEpochMilli() + 1;
    static final byte[] KEY = "sensor-1".getBytes(StandardCharsets.UTF_8);

    final BackfillSelector selector = new BackfillSelector(FROM);

    static LiveDefinition def(String filter, EventType... types) {
        return new LiveDefinition(EnumSet.of(types[0], types), filter == null ? null : Filter.parse(filter), FROM);
    }

    BackfillSelector.Verdict verdict(LiveDefinition now, LiveDefinition live, EventType type, long timestamp) {
        return selector.decide(now, Optional.ofNullable(live), false, timestamp, KEY, Fixtures.event(type, "e-1")).verdict();
    }

    @Test
    void aNewEndpointGetsEverythingItSelectsSinceReplayFrom() {
        LiveDefinition now = def(null, EventType.SensorChange);
        assertEquals(BackfillSelector.Verdict.ROUTE, verdict(now, null, EventType.SensorChange, AFTER));
        assertEquals(BackfillSelector.Verdict.ROUTE, verdict(now, null, EventType.SensorChange, FROM.toEpochMilli()), "at replayFrom counts");
        assertEquals(BackfillSelector.Verdict.BEFORE_FROM, verdict(now, null, EventType.SensorChange, FROM.toEpochMilli() - 1));
        assertEquals(BackfillSelector.Verdict.NOT_SELECTED, verdict(now, null, EventType.SpaceChange, AFTER));
    }

    @Test
    void aChangedEndpointGetsOnlyWhatItsLiveDefinitionAtThatOffsetDidNotSend() {
        LiveDefinition now = def(null, EventType.SensorChange, EventType.SpaceChange);
        LiveDefinition before = def(null, EventType.SensorChange);
        assertEquals(BackfillSelector.Verdict.ROUTED_LIVE, verdict(now, before, EventType.SensorChange, AFTER));
        assertEquals(BackfillSelector.Verdict.ROUTE, verdict(now, before, EventType.SpaceChange, AFTER));
    }

    @Test
    void filtersOfBothDefinitionsAreEvaluatedOnTheOneParse() {
        LiveDefinition now = def("key = 'sensor-1'", EventType.SensorChange);
        LiveDefinition before = def("key = 'sensor-2'", EventType.SensorChange);
        assertEquals(BackfillSelector.Verdict.ROUTE, verdict(now, before, EventType.SensorChange, AFTER));
        LiveDefinition sameKey = def("$body.n = 1", EventType.SensorChange);
        assertEquals(BackfillSelector.Verdict.ROUTED_LIVE, verdict(now, sameKey, EventType.SensorChange, AFTER));
        assertEquals(BackfillSelector.Verdict.NOT_SELECTED, verdict(def("key = 'other'", EventType.SensorChange), null,
                EventType.SensorChange, AFTER));
    }

    @Test
    void invalidEventsAndRawTelemetry() {
        LiveDefinition now = def(null, EventType.SensorChange);
        assertEquals(BackfillSelector.Verdict.INVALID,
                selector.decide(now, Optional.empty(), false, AFTER, KEY, "not json".getBytes(StandardCharsets.UTF_8)).verdict());
        LiveDefinition raw = def("STARTS_WITH(key, 'sensor-')", EventType.DeviceMessage);
        byte[] bytes = {1, 2, 3};
        BackfillSelector.Decision d = selector.decide(raw, Optional.empty(), true, AFTER, KEY, bytes);
        assertEquals(BackfillSelector.Verdict.ROUTE, d.verdict());
        assertEquals(EventType.DeviceMessage, d.eventType());
        assertEquals(null, d.eventId(), "raw telemetry is never parsed");
        assertEquals(BackfillSelector.Verdict.NOT_SELECTED, selector.decide(raw, Optional.empty(), true, AFTER,
                "device-9".getBytes(StandardCharsets.UTF_8), bytes).verdict());
        assertEquals(BackfillSelector.Verdict.INVALID, selector.decide(raw, Optional.empty(), true, AFTER, KEY, null).verdict(),
                "a tombstone on the raw topic was dead-lettered");
    }
}
