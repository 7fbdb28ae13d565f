package io.twinegress.connect.servicebus;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.schemas.EgressHeaders;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceBusSenderTest {

    static final String EVENT = "{\"id\":\"6e0b5b2a-body\",\"subject\":\"Sensor\",\"data\":{\"x\":1},"
        + "\"eventType\":\"SensorChange\",\"eventTime\":\"2026-11-22T10:00:00Z\",\"dataVersion\":\"1.0\",\"metadataVersion\":\"1\"}";

    static SinkRecord record(Object value, ConnectHeaders headers) {
        return new SinkRecord("twin.egress.sb", 2, null, "sensor-1", null, value, 42L, 1L,
            org.apache.kafka.common.record.TimestampType.CREATE_TIME, headers);
    }

    @Test
    void aRoutedEventTakesIdAndTypeFromTheHeadersAndCarriesEveryHeader() {
        ConnectHeaders h = new ConnectHeaders();
        h.addString(EgressHeaders.EVENT_ID, "6e0b5b2a-header");
        h.addString(EgressHeaders.EVENT_TYPE, "SensorChange");
        h.addString(EgressHeaders.ENDPOINT_ID, "sb-endpoint");
        h.addInt(EgressHeaders.SOURCE_PARTITION, 3); // what SimpleHeaderConverter makes of "3"
        h.addBytes(EgressHeaders.SOURCE_TOPIC, "twin.events".getBytes(StandardCharsets.UTF_8));
        ServiceBusMessage m = ServiceBusSender.toMessage(record(EVENT.getBytes(StandardCharsets.UTF_8), h));
        assertArrayEquals(EVENT.getBytes(StandardCharsets.UTF_8), m.getBody().toBytes());
        assertEquals("application/json", m.getContentType());
        assertEquals("6e0b5b2a-header", m.getMessageId());
        assertEquals("SensorChange", m.getSubject());
        assertEquals(Map.of(EgressHeaders.EVENT_ID, "6e0b5b2a-header", EgressHeaders.EVENT_TYPE, "SensorChange",
            EgressHeaders.ENDPOINT_ID, "sb-endpoint", EgressHeaders.SOURCE_PARTITION, "3",
            EgressHeaders.SOURCE_TOPIC, "twin.events"), m.getApplicationProperties());
    }

    @Test
    void withoutHeadersIdAndTypeComeFromTheBodyAndAStringValueWorksToo() {
        ServiceBusMessage m = ServiceBusSender.toMessage(record(EVENT, new ConnectHeaders()));
        assertEquals("6e0b5b2a-body", m.getMessageId());
        assertEquals("SensorChange", m.getSubject());
        assertArrayEquals(EVENT.getBytes(StandardCharsets.UTF_8), m.getBody().toBytes());
        assertTrue(m.getApplicationProperties().isEmpty());
    }

    @Test
    void aRecordWithoutAnIdGetsItsCoordinates() {
        ServiceBusMessage m = ServiceBusSender.toMessage(record(new byte[] {(byte) 0xff, 0, 1}, new ConnectHeaders()));
        assertEquals("twin.egress.sb-2-42", m.getMessageId());
        assertNull(m.getSubject());
    }

    @Test
    void messageIdsStayWithin128Characters() {
        SinkRecord r = record("{}", new ConnectHeaders());
        assertEquals("a".repeat(128), ServiceBusSender.messageId(Optional.of("a".repeat(128)), r));
        String hashed = ServiceBusSender.messageId(Optional.of("a".repeat(129)), r);
        assertTrue(hashed.startsWith("sha256-") && hashed.length() == 71, hashed);
        assertEquals(hashed, ServiceBusSender.messageId(Optional.of("a".repeat(129)), r), "stable, so duplicate detection works");
    }

    @Test
    void valuesThatAreNeitherBytesNorStringsAreRejected() {
        Schema s = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();
        RecordRejectedException e = assertThrows(RecordRejectedException.class,
            () -> ServiceBusSender.toMessage(record(new Struct(s).put("id", "x"), new ConnectHeaders())));
        assertTrue(e.getMessage().contains("ByteArrayConverter"), e.getMessage());
        assertThrows(RecordRejectedException.class, () -> ServiceBusSender.toMessage(record(null, new ConnectHeaders())));
    }
}
