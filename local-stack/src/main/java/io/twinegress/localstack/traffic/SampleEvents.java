package io.twinegress.localstack.traffic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinegress.localstack.kafka.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Builds records from the seed's sample events with a fresh {@code id} and {@code eventTime} each,
 * and raw device telemetry with an id inside its body (so it can be found at the endpoint).
 */
public final class SampleEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TWINS = 16;

    private final Map<Kind, ObjectNode> templates = new EnumMap<>(Kind.class);

    public SampleEvents() {
        for (Kind k : Kind.values()) {
            if (k.seed() != null) {
                templates.put(k, read(k.seed()));
            }
        }
        ObjectNode dm = JSON.createObjectNode();
        dm.put("id", "");
        dm.put("subject", "DeviceMessage");
        dm.putObject("data").put("DeviceId", "device-0").put("Temperature", 21.5);
        dm.put("eventType", "DeviceMessage");
        dm.put("eventTime", "");
        dm.put("dataVersion", "1");
        dm.put("metadataVersion", "1");
        templates.put(Kind.DEVICE_MESSAGE_EVENT, dm);
    }

    /** A record of this kind; its id (the event id, or the id inside raw telemetry) is the record's "id". */
    public Sample next(Kind kind, long seq) {
        String id = UUID.randomUUID().toString();
        String key = (kind == Kind.RAW_DEVICE_MESSAGE || kind == Kind.DEVICE_MESSAGE_EVENT ? "device-" : "twin-")
                + (seq % TWINS);
        if (kind == Kind.RAW_DEVICE_MESSAGE) {
            // raw telemetry: any bytes; ours happen to be JSON with an id, so the IT can find them
            String body = "{\"id\":\"" + id + "\",\"deviceId\":\"" + key + "\",\"seq\":" + seq
                    + ",\"temperature\":" + (18 + seq % 10) + "}";
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(Topics.DEVICE_MESSAGES, null,
                    key.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8),
                    List.of(new RecordHeader("content-type", "application/json".getBytes(StandardCharsets.UTF_8))));
            return new Sample(kind, id, r);
        }
        ObjectNode event = templates.get(kind).deepCopy();
        event.put("id", id);
        event.put("eventTime", Instant.now().toString());
        if (kind == Kind.DEVICE_MESSAGE_EVENT) {
            event.with("data").put("DeviceId", key);
        }
        byte[] value;
        try {
            value = JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Sample(kind, id, new ProducerRecord<>(Topics.EVENTS, key.getBytes(StandardCharsets.UTF_8), value));
    }

    /** One record to send, and the id it will be found under at the endpoints. */
    public record Sample(Kind kind, String id, ProducerRecord<byte[], byte[]> record) {
    }

    private static ObjectNode read(String resource) {
        try (InputStream in = SampleEvents.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("seed sample " + resource + " not on the classpath (schemas module)");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
