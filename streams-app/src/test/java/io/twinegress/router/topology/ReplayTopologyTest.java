package io.twinegress.router.topology;

import static io.twinegress.router.Fixtures.event;
import static io.twinegress.router.Fixtures.string;
import static io.twinegress.router.Fixtures.utf8;
import static io.twinegress.schemas.EventType.SensorChange;
import static io.twinegress.schemas.EventType.SpaceChange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.router.replay.LiveDefinition;
import io.twinegress.router.replay.LiveHistory;
import io.twinegress.router.replay.ReplayProgress;
import io.twinegress.schemas.EgressHeaders;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.ReplayStatus;
import io.twinegress.schemas.filter.Filter;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The router's side of {@code replayFrom} in a TopologyTestDriver: the live history each routing
 * task keeps (what it routed, from which offset), the {@code replay} part of the status record and
 * how the backfill's progress records get into it.
 */
class ReplayTopologyTest {

    private static final Instant FROM = Instant.parse("2026-11-22T08:00:00Z");

    private final RouterDriver router = new RouterDriver();

    @AfterEach
    void close() {
        router.close();
    }

    private static byte[] record(String eventTypes, String extra) {
        return utf8("{\"type\":\"ServiceBus\",\"eventTypes\":[" + eventTypes + "],\"path\":\"p\"" + extra + "}");
    }

    private String input() {
        return router.config.inputTopics().get(0);
    }

    private static LiveDefinition definition(String filter, Instant from, io.twinegress.schemas.EventType... types) {
        return new LiveDefinition(EnumSet.of(types[0], types), filter == null ? null : Filter.parse(filter), from);
    }

    @Test
    void eachRoutingChangeIsRecordedAtTheOffsetOfTheFirstRecordRoutedWithIt() {
        router.endpoint("a", record("\"SensorChange\"", ""));
        router.event(utf8("k"), event(SensorChange, "e-0"));                       // offset 0: routed with a
        router.event(utf8("k"), event(SensorChange, "e-1"));                       // offset 1: the same table
        router.endpoint("a", record("\"SensorChange\",\"SpaceChange\"", ",\"filter\":\"subject = 'x'\""));
        router.event(utf8("k"), event(SpaceChange, "e-2"));                        // offset 2: the new definition
        router.endpoint("a", null);
        router.event(utf8("k"), event(SpaceChange, "e-3"));                        // offset 3: a is gone
        router.endpoint("b", record("\"SpaceChange\"", ",\"replayFrom\":\"2026-11-22T08:00:00Z\""));
        router.event(utf8("k"), event(SpaceChange, "e-4"));                        // offset 4: b, made Active with replayFrom

        assertEquals(List.of(new LiveHistory.Version(0, definition(null, null, SensorChange)),
                        new LiveHistory.Version(2, definition("subject = 'x'", null, SensorChange, SpaceChange)),
                        new LiveHistory.Version(3, null)),
                router.liveHistory(input(), "a").versions());
        LiveHistory b = router.liveHistory(input(), "b");
        assertEquals(List.of(new LiveHistory.Version(4, definition(null, FROM, SpaceChange))), b.versions());
        assertEquals(java.util.Optional.of(4L), b.takeover(FROM), "the backfill of b stops at offset 4, where the live routing took over");
        assertEquals(1, router.egress("b").size(), "e-4 was routed live");
        assertTrue(router.positionLookups.isEmpty(), "every change came with a record: the broker was never asked");
    }

    @Test
    void anIdlePartitionRecordsAChangeAtItsResumePositionAskedFromTheBrokerOnlyWhenItHasProcessedNothing() {
        TopicPartition p0 = new TopicPartition(input(), 0);
        router.endpoint("a", record("\"SensorChange\"", ",\"replayFrom\":\"2026-11-22T08:00:00Z\""));
        // No event yet: the timer must find where the task resumes. The broker does not answer at first.
        router.driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertTrue(router.positionLookups.contains(p0));
        assertNull(router.liveHistory(input(), "a").latest(), "nothing recorded without knowing where");
        router.resumePositions.put(p0, 41L);
        router.driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertEquals(List.of(new LiveHistory.Version(41, definition(null, FROM, SensorChange))),
                router.liveHistory(input(), "a").versions());

        // Once the task has processed a record it knows where it is: a later change on an idle partition needs no broker.
        router.event(utf8("k"), event(SensorChange, "e-0"));   // the driver's offset 0: after the resume position in this fake
        long asked = router.positionLookups.stream().filter(p0::equals).count();
        router.endpoint("a", record("\"SensorChange\",\"SpaceChange\"", ",\"replayFrom\":\"2026-11-22T08:00:00Z\""));
        router.driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertEquals(asked, router.positionLookups.stream().filter(p0::equals).count());
        assertFalse(router.positionLookups.contains(new TopicPartition(router.config.deviceMessagesTopic().orElseThrow(), 0)),
                "raw telemetry is routed to the DeviceMessage endpoint only: no history of others there");
        assertEquals(1, router.liveHistory(input(), "a").versions().get(1).offset(), "the offset after the last one processed");
    }

    @Test
    void theStatusCarriesTheReplayAndTheSameReplayFromSentAgainDoesNotStartAgain() {
        router.endpoint("a", record("\"SensorChange\"", ",\"replayFrom\":\"2026-11-22T10:00:00+02:00\""));
        EndpointStatus first = router.statuses().get("a");
        assertEquals(FROM, first.endpoint().replayFrom());
        assertEquals(ReplayStatus.started(FROM, first.replay().until()), first.replay());
        assertEquals(Instant.ofEpochMilli(first.updatedAt()), first.replay().until(), "until: when it was made Active with it");

        // Progress of a partition, then the same record again (e.g. an operator re-sends it with a new filter).
        router.replayProgress(progress("a", FROM, 0, 2, new ReplayStatus.Partition(10, 50L, 50, 7, 0, null, true)));
        router.driver.advanceWallClockTime(Duration.ofSeconds(3));
        assertEquals(7, router.statuses().get("a").replay().routed(), "progress reaches the status within a few seconds");
        router.endpoint("a", record("\"SensorChange\"", ",\"filter\":\"subject = 'x'\",\"replayFrom\":\"2026-11-22T08:00:00Z\""));
        ReplayStatus kept = router.statuses().get("a").replay();
        assertEquals(first.replay().until(), kept.until(), "not a new backfill");
        assertEquals(7, kept.routed());

        // The other partition reports done: the whole backfill is, at once.
        router.replayProgress(progress("a", FROM, 1, 2, new ReplayStatus.Partition(0, 3L, 3, 2, 0, null, true)));
        ReplayStatus done = router.statuses().get("a").replay();
        assertTrue(done.done());
        assertEquals(9, done.routed());
        assertEquals(2, done.partitions().size());

        // A new replayFrom: a new backfill, and a report of the old one changes nothing.
        Instant later = Instant.parse("2026-11-22T09:00:00Z");
        router.endpoint("a", record("\"SensorChange\"", ",\"replayFrom\":\"2026-11-22T09:00:00Z\""));
        ReplayStatus second = router.statuses().get("a").replay();
        assertEquals(later, second.from());
        assertFalse(second.done());
        assertEquals(0, second.routed());
        router.replayProgress(progress("a", FROM, 0, 2, new ReplayStatus.Partition(10, 50L, 50, 99, 0, null, true)));
        router.driver.advanceWallClockTime(Duration.ofSeconds(3));
        assertTrue(router.statuses().isEmpty(), "a stale report writes no status");

        // Without replayFrom: no backfill.
        router.endpoint("a", record("\"SensorChange\"", ""));
        assertNull(router.statuses().get("a").replay());
    }

    @Test
    void recordsPastRetentionAreReportedInTheStatus() {
        router.endpoint("a", record("\"SensorChange\"", ",\"replayFrom\":\"2026-11-22T08:00:00Z\""));
        router.statuses();
        Instant oldest = Instant.parse("2026-11-22T08:30:00Z");
        router.replayProgress(progress("a", FROM, 0, 1, new ReplayStatus.Partition(120, null, 130, 5, 12, oldest, false)));
        router.driver.advanceWallClockTime(Duration.ofSeconds(3));
        EndpointStatus s = router.statuses().get("a");
        assertEquals(12, s.replay().pastRetention());
        String partition = input() + "-0";
        assertTrue(s.warnings().contains("replay: the oldest record still in " + partition + " is from 2026-11-22T08:30:00Z, after "
                + "replayFrom 2026-11-22T08:00:00Z: events of " + partition + " between the two were deleted by retention before the "
                + "backfill"), s.warnings().toString());
        assertTrue(s.warnings().contains("replay: 12 record(s) of " + partition + " were deleted by retention before the backfill read "
                + "them"), s.warnings().toString());
        assertFalse(s.replay().done());
    }

    @Test
    void theLiveRoutingNeverPassesOnAProducersReplayHeader() {
        router.endpoint("a", record("\"SensorChange\"", ""));
        router.send(input(), utf8("k"), event(SensorChange, "e-0"),
                new RecordHeaders(List.of(new RecordHeader(EgressHeaders.REPLAY, utf8("forged")), new RecordHeader("own", utf8("kept")))));
        var routed = router.egress("a");
        assertEquals(1, routed.size());
        assertNull(routed.get(0).headers().lastHeader(EgressHeaders.REPLAY));
        assertEquals("kept", string(routed.get(0).headers().lastHeader("own").value()));
    }

    private ReplayProgress progress(String id, Instant from, int partition, int count, ReplayStatus.Partition p) {
        return new ReplayProgress(id, from, input(), partition, count, p);
    }
}
