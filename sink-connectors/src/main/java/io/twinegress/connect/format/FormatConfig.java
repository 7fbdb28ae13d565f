package io.twinegress.connect.format;

import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The event-format keys every connector has ({@code event.format}, {@code cloudevents.source}),
 * and for the AMQP targets {@code cloudevents.mode}: one ConfigDef fragment, read back as
 * {@link Settings}.
 */
public final class FormatConfig {

    public static final String FORMAT_GROUP = "Event format";

    public static final String EVENT_FORMAT_CONFIG = "event.format";
    public static final String EVENT_FORMAT_DEFAULT = EventFormat.AS_IS.value();
    public static final String EVENT_FORMAT_DOC =
        "What an event looks like at the target. as-is (the default): the event bytes as they came (the Event Grid "
            + "event schema; raw device telemetry byte for byte). cloudevents: a CloudEvents 1.0 event, mapped as Azure "
            + "maps an Event Grid event: id = id, source = topic (else cloudevents.source), subject = subject, type = "
            + "eventType, time = eventTime, dataschema = dataVersion, data = data (the producer's JSON bytes), "
            + "datacontenttype = application/json, specversion = 1.0; raw device telemetry becomes a CloudEvent of type "
            + "DeviceMessage with the bytes as data (application/octet-stream), the record key as subject and the record "
            + "time as time. A W3C traceparent/tracestate record header becomes the distributed-tracing extension "
            + "attributes traceparent/tracestate. An event that cannot be mapped (no id or eventType, a time or URI that "
            + "is not valid) is dead-lettered with the reason.";
    public static final String EVENT_FORMAT_DISPLAY = "Event format";

    public static final String CLOUDEVENTS_SOURCE_CONFIG = "cloudevents.source";
    public static final String CLOUDEVENTS_SOURCE_DEFAULT = "twin-egress";
    public static final String CLOUDEVENTS_SOURCE_DOC =
        "With event.format=cloudevents: the CloudEvents source of an event that has no topic (events as producers "
            + "write them, before Event Grid sets topic) and of raw device telemetry. A URI-reference, e.g. the "
            + "digital-twins instance's host name or /twin-egress/<endpoint>.";
    public static final String CLOUDEVENTS_SOURCE_DISPLAY = "CloudEvents source";

    public static final String CLOUDEVENTS_MODE_CONFIG = "cloudevents.mode";
    public static final String CLOUDEVENTS_MODE_DEFAULT = CloudEventsMode.BINARY.value();
    public static final String CLOUDEVENTS_MODE_DOC =
        "With event.format=cloudevents: the mode of the CloudEvents AMQP binding. binary (the default, as Azure Digital "
            + "Twins sends): the attributes as application properties named cloudEvents:<attribute> (cloudEvents:id, "
            + "cloudEvents:source, cloudEvents:specversion, cloudEvents:type, ...), the data as the message body "
            + "unchanged, its content type as the message's content type. structured: the whole event in the CloudEvents "
            + "JSON format as the body, content type application/cloudevents+json; charset=utf-8.";
    public static final String CLOUDEVENTS_MODE_DISPLAY = "CloudEvents AMQP mode";

    private FormatConfig() {
    }

    /** What the format keys say. {@code mode} is {@link CloudEventsMode#BINARY} where the connector has no such key. */
    public record Settings(EventFormat format, String source, CloudEventsMode mode) {
        public boolean cloudEvents() {
            return format == EventFormat.CLOUDEVENTS;
        }
    }

    /**
     * Adds the group's keys to {@code def}.
     *
     * @param amqpModes whether the target is an AMQP one (adds {@code cloudevents.mode})
     */
    public static ConfigDef addFormatGroup(ConfigDef def, boolean amqpModes) {
        int order = 0;
        def.define(EVENT_FORMAT_CONFIG, Type.STRING, EVENT_FORMAT_DEFAULT, choices(EventFormat.values()), Importance.MEDIUM,
                EVENT_FORMAT_DOC, FORMAT_GROUP, ++order, Width.SHORT, EVENT_FORMAT_DISPLAY)
            .define(CLOUDEVENTS_SOURCE_CONFIG, Type.STRING, CLOUDEVENTS_SOURCE_DEFAULT, new UriReferenceValidator(),
                Importance.LOW, CLOUDEVENTS_SOURCE_DOC, FORMAT_GROUP, ++order, Width.MEDIUM, CLOUDEVENTS_SOURCE_DISPLAY);
        if (amqpModes) {
            def.define(CLOUDEVENTS_MODE_CONFIG, Type.STRING, CLOUDEVENTS_MODE_DEFAULT, choices(CloudEventsMode.values()),
                Importance.LOW, CLOUDEVENTS_MODE_DOC, FORMAT_GROUP, ++order, Width.SHORT, CLOUDEVENTS_MODE_DISPLAY);
        }
        return def;
    }

    /** The settings of a parsed config that has the group. */
    public static Settings settings(AbstractConfig config) {
        CloudEventsMode mode = config.values().containsKey(CLOUDEVENTS_MODE_CONFIG)
            ? CloudEventsMode.of(config.getString(CLOUDEVENTS_MODE_CONFIG)) : CloudEventsMode.BINARY;
        return new Settings(EventFormat.of(config.getString(EVENT_FORMAT_CONFIG)),
            config.getString(CLOUDEVENTS_SOURCE_CONFIG).trim(), mode);
    }

    private static ChoiceValidator choices(Object[] values) {
        List<String> words = Arrays.stream(values).map(Object::toString).toList();
        return new ChoiceValidator(words);
    }
}
