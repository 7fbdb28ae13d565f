package io.twinegress.connect.format;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.CloudEventUtils;
import io.cloudevents.rw.CloudEventContextWriter;
import io.cloudevents.rw.CloudEventWriter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A CloudEvent in an AMQP message, by the CloudEvents AMQP binding, for the Service Bus and Event
 * Hubs senders (which put it into the SDK's own message type):
 * <ul>
 *   <li>binary mode: {@code specversion} and every other attribute but {@code datacontenttype} as an application property named
 *       {@value #PREFIX}{@code <attribute>} with its string value (the SDK's writer hands each attribute over,
 *       extensions included), {@code datacontenttype} as the message's content type, the data as the
 *       body, byte for byte;</li>
 *   <li>structured mode: the event in the JSON format ({@link CloudEventJson}) as the body, content
 *       type {@value CloudEventJson#CONTENT_TYPE}, no attribute properties.</li>
 * </ul>
 *
 * @param body                  the message body
 * @param contentType           the message's content type, or null
 * @param applicationProperties the {@value #PREFIX} properties (binary mode), in attribute order
 */
public record AmqpCloudEvent(byte[] body, String contentType, Map<String, Object> applicationProperties) {

    /** The application-property prefix of the AMQP binding. */
    public static final String PREFIX = "cloudEvents:";
    private static final byte[] NO_DATA = new byte[0];

    /** {@code event} in {@code mode}. */
    public static AmqpCloudEvent of(CloudEvent event, CloudEventsMode mode) {
        if (mode == CloudEventsMode.STRUCTURED) {
            return new AmqpCloudEvent(CloudEventJson.serialize(event), CloudEventJson.CONTENT_TYPE, Map.of());
        }
        return CloudEventJson.onlyStringExtensions(event) ? binary(event) : viaReader(event);
    }

    /**
     * Binary mode from the event's getters: the properties the SDK's reader would hand over, in its order
     * ({@code id, source, type, dataschema, subject, time}, then the extensions), the time written as the
     * SDK writes it, with none of the reader's per-attribute dispatch.
     */
    private static AmqpCloudEvent binary(CloudEvent event) {
        Map<String, Object> p = new LinkedHashMap<>(16);
        p.put(PREFIX + "specversion", event.getSpecVersion().toString());
        p.put(PREFIX + "id", event.getId());
        p.put(PREFIX + "source", event.getSource().toString());
        p.put(PREFIX + "type", event.getType());
        if (event.getDataSchema() != null) {
            p.put(PREFIX + "dataschema", event.getDataSchema().toString());
        }
        if (event.getSubject() != null) {
            p.put(PREFIX + "subject", event.getSubject());
        }
        if (event.getTime() != null) {
            p.put(PREFIX + "time", Rfc3339.format(event.getTime()));
        }
        for (String name : event.getExtensionNames()) {
            p.put(PREFIX + name, event.getExtension(name));
        }
        CloudEventData data = event.getData();
        return new AmqpCloudEvent(data == null ? NO_DATA : data.toBytes(), event.getDataContentType(), p);
    }

    /** Binary mode through the SDK's reader, which converts attributes of any type to text. */
    static AmqpCloudEvent viaReader(CloudEvent event) {
        return CloudEventUtils.toReader(event).read(BinaryWriter::new);
    }

    /** Receives the attributes and the data from the SDK's reader of a CloudEvent. */
    private static final class BinaryWriter implements CloudEventWriter<AmqpCloudEvent> {
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private String contentType;

        BinaryWriter(SpecVersion version) {
            properties.put(PREFIX + "specversion", version.toString());
        }

        @Override
        public CloudEventContextWriter withContextAttribute(String name, String value) {
            if ("datacontenttype".equals(name)) {
                contentType = value;
            } else {
                properties.put(PREFIX + name, value);
            }
            return this;
        }

        @Override
        public AmqpCloudEvent end(CloudEventData data) {
            return new AmqpCloudEvent(data.toBytes(), contentType, properties);
        }

        @Override
        public AmqpCloudEvent end() {
            return new AmqpCloudEvent(NO_DATA, contentType, properties);
        }
    }
}
