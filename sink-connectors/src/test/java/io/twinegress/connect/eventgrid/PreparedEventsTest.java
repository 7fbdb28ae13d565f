package io.twinegress.connect.eventgrid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.twinegress.connect.core.RecordRejectedException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** Events converted ahead of their send: taken once, failures kept for the send, bounded. */
class PreparedEventsTest {

    final List<Long> converted = new ArrayList<>();

    byte[] convert(SinkRecord r) {
        converted.add(r.kafkaOffset());
        String v = new String((byte[]) r.value(), StandardCharsets.UTF_8);
        if (v.equals("bad")) {
            throw new RecordRejectedException("not an event");
        }
        if (v.equals("boom")) {
            throw new IllegalStateException("converter broke");
        }
        return ("[" + v + "]").getBytes(StandardCharsets.UTF_8);
    }

    static SinkRecord record(long offset, String value) {
        return new SinkRecord("t", 0, null, null, Schema.BYTES_SCHEMA, value.getBytes(StandardCharsets.UTF_8), offset);
    }

    @Test
    void aPreparedEventIsTheOneTakenAndConvertedOnlyOnce() {
        PreparedEvents prepared = new PreparedEvents(this::convert, 100, 1_000_000);
        SinkRecord a = record(0, "a");
        prepared.prepare(List.of(a));
        assertArrayEquals("[a]".getBytes(StandardCharsets.UTF_8), prepared.take(a));
        assertEquals(List.of(0L), converted);
        assertEquals(0, prepared.size(), "taken, so forgotten");
        prepared.take(a);
        assertEquals(List.of(0L, 0L), converted, "not prepared any more: converted by the send");
    }

    @Test
    void whatConvertingThrewIsThrownByTheSendThatTakesIt() {
        PreparedEvents prepared = new PreparedEvents(this::convert, 100, 1_000_000);
        SinkRecord bad = record(0, "bad");
        SinkRecord boom = record(1, "boom");
        prepared.prepare(List.of(bad, boom)); // never throws
        assertEquals("not an event", assertThrows(RecordRejectedException.class, () -> prepared.take(bad)).getMessage());
        assertEquals("converter broke", assertThrows(IllegalStateException.class, () -> prepared.take(boom)).getMessage());
        assertEquals(List.of(0L, 1L), converted);
    }

    @Test
    void recordsAreTheirOwnEvenWhenEqual() {
        PreparedEvents prepared = new PreparedEvents(this::convert, 100, 1_000_000);
        SinkRecord one = record(0, "a");
        SinkRecord same = new SinkRecord("t", 0, null, null, Schema.BYTES_SCHEMA, one.value(), 0);
        prepared.prepare(List.of(one));
        prepared.take(same);
        assertEquals(1, prepared.size(), "the equal record was converted on its own; the prepared one is still there");
        assertEquals(2, converted.size());
    }

    @Test
    void theOldestAreForgottenPastTheBounds() {
        PreparedEvents byCount = new PreparedEvents(this::convert, 2, 1_000_000);
        SinkRecord r0 = record(0, "a");
        SinkRecord r1 = record(1, "b");
        SinkRecord r2 = record(2, "c");
        byCount.prepare(List.of(r0, r1, r2));
        assertEquals(2, byCount.size());
        converted.clear();
        byCount.take(r2);
        byCount.take(r1);
        byCount.take(r0);
        assertEquals(List.of(0L), converted, "only the oldest is converted again");

        PreparedEvents byBytes = new PreparedEvents(this::convert, 100, 7); // each event is 3 bytes
        byBytes.prepare(List.of(r0, r1, r2));
        assertEquals(2, byBytes.size());
        byte[] kept = byBytes.take(r2);
        assertSame(kept.getClass(), byte[].class);
    }
}
