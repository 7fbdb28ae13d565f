package io.twinegress.connect.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.amqp.exception.AmqpException;
import io.twinegress.connect.core.HeldRecords.Held;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * Finding the records a refused request carried, alone: against an endpoint that takes records
 * two to a request and refuses the whole request when one of its records is bad, as a target that
 * validates every event of a batch does.
 */
class RecordIsolationTest {

    static final TopicPartition P0 = new TopicPartition("twin.egress.x", 0);
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    final HeldRecords held = new HeldRecords();
    final FakeContext context = new FakeContext(Map.of(), true);
    final DeliveryMetrics metrics = new DeliveryMetrics(() -> 0L);
    /** The offsets each send carried, in order. */
    final List<List<Long>> requests = new ArrayList<>();
    long accepted;
    /** What the endpoint answers a request of these records: null to take them, else the failure. */
    Function<List<Held>, Exception> endpoint = rs -> null;

    DeadLettering deadLetters = new DeadLettering("iso-test", context.errantRecordReporter(), metrics);

    RecordIsolation isolation() {
        return new RecordIsolation("iso-test", this::send, () -> accepted, deadLetters);
    }

    /** A sender: two records to a request, in order, stopping at the first refused request. */
    Exception send(List<Held> records) {
        requests.add(records.stream().map(h -> h.offset).toList());
        for (int i = 0; i < records.size(); i += 2) {
            List<Held> request = records.subList(i, Math.min(i + 2, records.size()));
            Exception refused = endpoint.apply(request);
            if (refused != null) {
                return refused;
            }
            request.forEach(h -> h.done = true);
            accepted += request.size();
        }
        return null;
    }

    List<Held> hold(int n) {
        for (long o = 0; o < n; o++) {
            held.accept(new SinkRecord(P0.topic(), P0.partition(), null, null, null,
                "{}".getBytes(StandardCharsets.UTF_8), o), T0);
        }
        return held.all();
    }

    static Function<List<Held>, Exception> refusing(Set<Long> bad) {
        return rs -> rs.stream().anyMatch(h -> bad.contains(h.offset))
            ? new EndpointHttpException(400, "event is malformed", Optional.empty()) : null;
    }

    List<Long> reported() {
        return context.reported.stream().map(r -> r.record().kafkaOffset()).toList();
    }

    @Test
    void aRefusedRecordIsFoundByHalvingTheUnsentRecordsAndOnlyItIsDeadLettered() throws Exception {
        endpoint = refusing(Set.of(5L));
        List<Held> all = hold(8);
        assertTrue(isolation().send(all));
        assertEquals(List.of(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), // 0-3 taken, (4, 5) refused
            List.of(4L, 5L), List.of(4L), List.of(5L), // the unsent half 4-5, then each alone
            List.of(6L, 7L)), requests);
        assertEquals(List.of(5L), reported());
        assertTrue(context.reported.get(0).error().getMessage().contains("event is malformed"));
        assertTrue(all.stream().allMatch(h -> h.done), "delivered or dead-lettered");
        assertEquals(1, metrics.deadLettered());
        assertFalse(deadLetters.holding());
    }

    @Test
    void severalBadRecordsAmongGoodOnesAreEachDeadLettered() throws Exception {
        endpoint = refusing(Set.of(0L, 1L, 6L));
        hold(8);
        assertTrue(isolation().send(held.all()));
        assertEquals(List.of(0L, 1L, 6L), reported(), "some records were taken: the records are at fault, not the requests");
        assertEquals(5, accepted);
    }

    /** A record refused on its own in a request of one is that record's fault: dead-lettered, never a task failure. */
    @Test
    void aRecordRefusedInARequestOfItsOwnIsDeadLettered() throws Exception {
        endpoint = rs -> new AmqpException(false, "errorCondition[amqp:invalid-field]. description[bad field]", null);
        assertTrue(isolation().send(hold(1)));
        assertEquals(List.of(0L), reported());
    }

    /**
     * When the endpoint refuses every record of a request even once each is sent alone, the fault is
     * the request's (a configuration), not every record's: the task fails with the endpoint's answer
     * and nothing is dead-lettered, even when earlier sends were taken.
     */
    @Test
    void whenEveryRecordOfASplitIsRefusedAloneTheTaskFailsAndNothingIsDeadLettered() {
        EndpointHttpException answer = new EndpointHttpException(400,
            "Event at index 0: required property 'specversion' was not found.", Optional.empty());
        endpoint = rs -> answer;
        accepted = 10; // taken before this isolation: they do not count
        List<Held> all = hold(6);
        ConnectException ce = assertThrows(ConnectException.class, () -> isolation().send(all));
        assertTrue(ce.getMessage().startsWith("iso-test: the endpoint refused every one of the 6 records"), ce.getMessage());
        assertTrue(ce.getMessage().contains("specversion"), ce.getMessage());
        assertSame(answer, ce.getCause());
        assertEquals(List.of(), reported());
        assertTrue(all.stream().noneMatch(h -> h.done), "all still held");
        assertEquals(List.of(List.of(0L, 1L, 2L, 3L, 4L, 5L), List.of(0L, 1L, 2L), List.of(0L), List.of(1L, 2L), List.of(1L),
            List.of(2L), List.of(3L, 4L, 5L), List.of(3L), List.of(4L, 5L), List.of(4L), List.of(5L)), requests,
            "each record alone once");
    }

    @Test
    void isolatingTheRecordsOfARequestRefusedInFlightSendsOnlyThoseNotDone() throws Exception {
        endpoint = refusing(Set.of(3L));
        List<Held> all = hold(6);
        all.get(0).done = true; // taken by the refused request before its refusal
        Failure f = FailureClassifier.classify(new EndpointHttpException(400, "event 3 is malformed", Optional.empty()));
        assertTrue(isolation().isolate(HeldRecords.notDone(all.subList(0, 4)), f));
        assertEquals(List.of(List.of(1L), List.of(2L, 3L), List.of(2L), List.of(3L)), requests);
        assertEquals(List.of(3L), reported());
        assertFalse(all.get(4).done, "not part of the refused request: the caller sends it next");
    }

    @Test
    void withoutADeadLetterTopicTheFirstRecordRefusedAloneIsHeldBackAndNothingAfterItIsSent() throws Exception {
        deadLetters = new DeadLettering("iso-test", null, metrics);
        endpoint = refusing(Set.of(2L));
        List<Held> all = hold(4);
        assertFalse(isolation().send(all));
        assertEquals(List.of(List.of(0L, 1L, 2L, 3L), List.of(2L)), requests, "(0, 1) taken, (2, 3) refused: 2 alone, and 3 waits behind it");
        assertTrue(deadLetters.holding());
        assertEquals("HTTP 400: event is malformed", deadLetters.takeHoldReason());
        assertFalse(all.get(2).done);
        assertFalse(all.get(3).done);
        assertEquals(List.of(), reported());
    }

    /** Any other failure ends the isolation as it is: what it found refused is found again next time, not dead-lettered half-way. */
    @Test
    void anEndpointFailingMidwayEndsTheIsolationAndDeadLettersNothing() {
        AmqpException busy = new AmqpException(true, "server busy", null);
        endpoint = rs -> rs.get(0).offset >= 2 ? busy : refusing(Set.of(1L)).apply(rs);
        List<Held> all = hold(4);
        assertSame(busy, assertThrows(AmqpException.class, () -> isolation().send(all)));
        assertEquals(List.of(List.of(0L, 1L, 2L, 3L), List.of(0L, 1L), List.of(0L), List.of(1L), List.of(2L, 3L)), requests);
        assertEquals(List.of(), reported());
        assertFalse(all.get(1).done, "found refused, still held");
        assertTrue(all.get(0).done);
    }

    @Test
    void aFailureThatIsNotAboutTheRecordsIsThrownAsItIsWithoutSplitting() {
        AmqpException busy = new AmqpException(true, "server busy", null);
        endpoint = rs -> busy;
        assertSame(busy, assertThrows(AmqpException.class, () -> isolation().send(hold(4))));
        assertEquals(1, requests.size());
        ConnectException fatal = new ConnectException("the task's send thread is shut down");
        endpoint = rs -> fatal;
        assertSame(fatal, assertThrows(ConnectException.class, () -> isolation().send(held.all())));
    }

    @Test
    void nothingLeftToSendSendsNothing() throws Exception {
        List<Held> all = hold(2);
        all.forEach(h -> h.done = true);
        assertTrue(isolation().send(all));
        assertEquals(List.of(), requests);
    }
}
