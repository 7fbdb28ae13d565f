package io.twinegress.router.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.twinegress.schemas.EventType;
import io.twinegress.schemas.filter.Filter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LiveHistoryTest {

    static final Instant T1 = Instant.parse("2026-11-22T08:00:00Z");
    static final Instant T2 = Instant.parse("2026-11-22T09:00:00Z");
    static final LiveDefinition PLAIN = new LiveDefinition(EnumSet.of(EventType.SensorChange), null, null);
    static final LiveDefinition FILTERED = new LiveDefinition(EnumSet.of(EventType.SensorChange), Filter.parse("subject = 'x'"), null);
    static final LiveDefinition REPLAY_1 = new LiveDefinition(EnumSet.of(EventType.SensorChange), null, T1);
    static final LiveDefinition REPLAY_1_FILTERED = new LiveDefinition(EnumSet.of(EventType.SensorChange), Filter.parse("true"), T1);
    static final LiveDefinition REPLAY_2 = new LiveDefinition(EnumSet.of(EventType.SensorChange), null, T2);

    @Test
    void theDefinitionAtAnOffsetIsTheLastVersionStartingAtOrBeforeIt() {
        LiveHistory h = LiveHistory.EMPTY.append(10, PLAIN).append(20, FILTERED).append(30, null).append(40, PLAIN);
        assertEquals(Optional.empty(), h.at(9));
        assertEquals(Optional.of(PLAIN), h.at(10));
        assertEquals(Optional.of(PLAIN), h.at(19));
        assertEquals(Optional.of(FILTERED), h.at(20));
        assertEquals(Optional.empty(), h.at(35), "not routed between 30 and 40");
        assertEquals(Optional.of(PLAIN), h.at(1_000));
    }

    @Test
    void theTakeoverIsTheStartOfTheLatestUnbrokenRunWithThatReplayFrom() {
        LiveHistory h = LiveHistory.EMPTY.append(5, PLAIN).append(10, REPLAY_1).append(20, REPLAY_1_FILTERED);
        assertEquals(Optional.of(10L), h.takeover(T1), "a change of filter with the same replayFrom keeps the takeover");
        assertEquals(Optional.empty(), h.takeover(T2));
        LiveHistory again = h.append(30, null).append(40, REPLAY_1);
        assertEquals(Optional.of(40L), again.takeover(T1), "deleted and made Active again: a new backfill, a new takeover");
        assertEquals(Optional.of(50L), again.append(50, REPLAY_2).takeover(T2));
        assertEquals(Optional.empty(), again.append(50, REPLAY_2).takeover(T1), "superseded");
    }

    @Test
    void nothingNewAddsNoVersionAndTheOldestGoFirst() {
        LiveHistory h = LiveHistory.EMPTY.append(1, PLAIN);
        assertSame(h, h.append(2, PLAIN));
        assertSame(LiveHistory.EMPTY, LiveHistory.EMPTY.append(3, null), "never routed, still never routed");
        LiveHistory many = LiveHistory.EMPTY;
        for (int i = 0; i < LiveHistory.MAX_VERSIONS + 10; i++) {
            many = many.append(i, i % 2 == 0 ? PLAIN : FILTERED);
        }
        assertEquals(LiveHistory.MAX_VERSIONS, many.versions().size());
        assertEquals(10, many.versions().get(0).offset());
    }

    @Test
    void itReadsBackAsWrittenAndAnythingElseIsRefused() {
        LiveHistory h = LiveHistory.EMPTY.append(1, FILTERED).append(7, null).append(9, REPLAY_1);
        assertEquals(h, LiveHistory.fromBytes(h.toBytes()));
        assertThrows(IllegalArgumentException.class, () -> LiveHistory.fromBytes("{\"versions\":[{\"x\":1}]}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> LiveHistory.fromBytes("not json".getBytes(StandardCharsets.UTF_8)));
    }
}
