package io.twinegress.connect.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twinegress.schemas.EgressHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class EventRecordsTest {

    static SinkRecord record(Object value, ConnectHeaders headers) {
        return new SinkRecord("t", 0, null, null, null, value, 7L, null, TimestampType.NO_TIMESTAMP_TYPE, headers);
    }

    @Test
    void aDeviceMessageIsNeverParsed() {
        ConnectHeaders h = new ConnectHeaders();
        h.addString(EgressHeaders.EVENT_TYPE, EventRecords.DEVICE_MESSAGE);
        // a JSON-looking body with an id: must not be read, the bytes are opaque telemetry
        SinkRecord r = record("{\"id\":\"not-an-event-id\"}".getBytes(StandardCharsets.UTF_8), h);
        assertEquals(new EventRecords.EventFields(Optional.empty(), Optional.of("DeviceMessage")), EventRecords.fields(r));
    }

    @Test
    void bodyFieldsAreTopLevelOnly() {
        SinkRecord r = record("{\"data\":{\"id\":\"inner\",\"eventType\":\"Inner\"},\"eventType\":\"UdfCustom\",\"id\":\"outer\"}", new ConnectHeaders());
        assertEquals(new EventRecords.EventFields(Optional.of("outer"), Optional.of("UdfCustom")), EventRecords.fields(r));
        assertEquals(new EventRecords.EventFields(Optional.empty(), Optional.empty()), EventRecords.fields(record("[1,2]", new ConnectHeaders())));
        assertEquals(new EventRecords.EventFields(Optional.empty(), Optional.empty()),
            EventRecords.fields(record(new byte[] {(byte) 0xc3, 0x28}, new ConnectHeaders())));
    }

    @Test
    void keysAsStrings() {
        assertEquals(Optional.of("sensor-1"), EventRecords.key(new SinkRecord("t", 0, null,
            "sensor-1".getBytes(StandardCharsets.UTF_8), null, null, 1L)));
        assertEquals(Optional.of("42"), EventRecords.key(new SinkRecord("t", 0, null, 42, null, null, 1L)));
        assertEquals(Optional.empty(), EventRecords.key(new SinkRecord("t", 0, null, null, null, null, 1L)));
        ConnectHeaders h = new ConnectHeaders();
        h.addString(EgressHeaders.EVENT_TYPE, EventRecords.DEVICE_MESSAGE);
        assertEquals(true, EventRecords.isDeviceMessage(record(new byte[0], h)));
        assertEquals(false, EventRecords.isDeviceMessage(record(new byte[0], new ConnectHeaders())));
    }

    @Test
    void bodiesPassUnchanged() {
        byte[] raw = {0, (byte) 0xff, (byte) 0xfe, 10};
        assertArrayEquals(raw, EventRecords.body(record(raw, new ConnectHeaders())));
        assertArrayEquals(raw, EventRecords.body(record(ByteBuffer.wrap(raw), new ConnectHeaders())));
        assertArrayEquals("é".getBytes(StandardCharsets.UTF_8), EventRecords.body(record("é", new ConnectHeaders())));
        assertEquals("t-0-7", EventRecords.coordinatesId(record(raw, new ConnectHeaders())));
    }
}
