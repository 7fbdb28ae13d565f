package io.twinegress.cli.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The header names of Kafka Connect's dead-letter reporter and of the router, read as the commands need them. */
class DeadLetterSourceTest {

    static RecordHeaders headers(String... namesAndValues) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            h.add(namesAndValues[i], namesAndValues[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    static ConsumerRecord<byte[], byte[]> record(byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>("dlq", 0, 7, 1_000L, TimestampType.CREATE_TIME, 0, 0, null, value, headers, Optional.empty());
    }

    @Test
    void anEndpointsDeadLettersGoBackToItsEgressTopicWithoutConnectsHeaders() {
        DeadLetterSource.Endpoint s = new DeadLetterSource.Endpoint("sb", "twin.egress.sb.dlq", "twin.egress.sb");
        RecordHeaders h = headers("__connect.errors.topic", "twin.egress.sb", "__connect.errors.partition", "2",
                "__connect.errors.offset", "41", "__connect.errors.exception.class.name", "io.twinegress.connect.core.UndeliverableRecordException",
                "__connect.errors.exception.message", "not delivered within delivery.deadline.ms (86400000 ms)", "twin-egress.event-id", "e-1");
        assertEquals("not delivered within delivery.deadline.ms (86400000 ms)", s.reason(h));
        assertEquals(new Origin("twin.egress.sb", 2, 41), s.origin(h));
        assertEquals("twin.egress.sb", s.destination(h));
        assertTrue(s.writersOwn("__connect.errors.exception.stacktrace"));
        assertFalse(s.writersOwn("twin-egress.event-id"), "the router's headers are the original record's");
        assertEquals("io.twinegress.connect.core.UndeliverableRecordException",
                s.reason(headers("__connect.errors.exception.class.name", "io.twinegress.connect.core.UndeliverableRecordException")));
        assertTrue(s.reason(new RecordHeaders()).contains("errors.deadletterqueue.context.headers.enable=true"));
    }

    @Test
    void theRoutersDeadLettersGoBackToTheirInputTopic() {
        DeadLetterSource.Router s = new DeadLetterSource.Router("twin.events.dlq");
        RecordHeaders h = headers("twin-egress.dlq.error", "invalid-event", "twin-egress.dlq.reason", "eventType: unknown event type",
                "twin-egress.source-topic", "twin.events", "twin-egress.source-partition", "1", "twin-egress.source-offset", "9",
                "__streams.errors.topic", "twin.events");
        assertEquals("eventType: unknown event type", s.reason(h));
        assertEquals(new Origin("twin.events", 1, 9), s.origin(h));
        assertEquals("twin.events", s.destination(h));
        for (String own : new String[] {"twin-egress.dlq.reason", "twin-egress.source-offset", "__streams.errors.stacktrace"}) {
            assertTrue(s.writersOwn(own), own);
        }
        assertFalse(s.writersOwn("iothub-connection-device-id"));
        // Kafka Streams' own dead letters (an unforeseen error) name the topic in their headers only.
        assertEquals("twin.events", s.destination(headers("__streams.errors.topic", "twin.events", "__streams.errors.partition", "0",
                "__streams.errors.offset", "3")));
        assertNull(s.destination(new RecordHeaders()));
    }

    @Test
    void aValueTheRouterLeftOutIsToldFromATombstone() {
        DeadLetterSource.Router s = new DeadLetterSource.Router("twin.events.dlq");
        DeadLetter leftOut = DeadLetter.of(s, record(null, headers("twin-egress.dlq.original-size", "2000000")));
        assertTrue(leftOut.valueLeftOut());
        assertEquals(2_000_000, leftOut.size());
        DeadLetter tombstone = DeadLetter.of(s, record(null, new RecordHeaders()));
        assertFalse(tombstone.valueLeftOut());
        assertEquals(0, tombstone.size());
    }

    @Test
    void reasonsAreGroupedWithTheirNumbersAsHashes() {
        assertEquals("the event is # bytes, over #", Summary.group("the event is 1,300,512 bytes,\n over 1048576"));
        assertEquals(Summary.group("x 1"), Summary.group("x 22"));
        assertEquals(200, Summary.group("y".repeat(500)).length());
    }
}
