package io.twinegress.connect.format;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The event-format hook of the AMQP senders (Service Bus, Event Hubs): with
 * {@code event.format=cloudevents}, the body, content type and {@code cloudEvents:} properties a
 * record's message gets instead of the record's own bytes ({@link AmqpCloudEvent}, in
 * {@code cloudevents.mode}); with {@code as-is}, nothing (the sender keeps its own message). Both
 * formats carry the record's trace context ({@link #putTraceContext}).
 */
public final class AmqpOutput {

    private final CloudEventMapper mapper;
    private final CloudEventsMode mode;

    private AmqpOutput(CloudEventMapper mapper, CloudEventsMode mode) {
        this.mapper = mapper;
        this.mode = mode;
    }

    /** The output the settings ask for. */
    public static AmqpOutput of(FormatConfig.Settings settings) {
        return new AmqpOutput(settings.cloudEvents() ? new CloudEventMapper(settings.source()) : null, settings.mode());
    }

    /** As-is: no CloudEvent, the trace context only. */
    public static AmqpOutput asIs() {
        return new AmqpOutput(null, CloudEventsMode.BINARY);
    }

    /**
     * The record as a CloudEvent in the configured mode; empty with {@code as-is}.
     *
     * @param raw whether the record is raw device telemetry (never parsed)
     * @throws io.twinegress.connect.core.RecordRejectedException when it cannot be mapped (the reason says why)
     */
    public Optional<AmqpCloudEvent> cloudEvent(SinkRecord record, boolean raw) {
        return mapper == null ? Optional.empty() : Optional.of(AmqpCloudEvent.of(mapper.toCloudEvent(record, raw), mode));
    }

    /** Puts the record's trace context (if any) into the message's application properties. */
    public static void putTraceContext(SinkRecord record, Map<String, Object> applicationProperties) {
        TraceContext.of(record).ifPresent(t -> t.putInto(applicationProperties));
    }
}
