package io.twinegress.connect.servicebus;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.twinegress.connect.core.AmqpBatches;
import io.twinegress.connect.core.EventRecords;
import io.twinegress.connect.core.HeaderNamesValidator;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.connect.servicebus.MessageModelConfig.SessionIdSource;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The optional parts of a Service Bus message, as {@link MessageModelConfig} configures them: SessionId
 * (then PartitionKey = SessionId, the service's rule), PartitionKey, CorrelationId, ReplyTo and
 * ScheduledEnqueueTime from named headers, the TimeToLive, and which headers become application
 * properties, within Service Bus's header limits ({@link MessageProperties}).
 *
 * <p>A record that cannot make a valid message is refused with the reason (it is dead-lettered, never
 * sent): no SessionId for a session entity, a ScheduledEnqueueTime header that is not an RFC 3339
 * date-time. A value that only breaks a size limit is left out of the message and named in
 * {@code leftOut}, so the event still goes.
 */
final class MessageModel {

    /** Every key at its default: the record key as PartitionKey, every header as a property. */
    static final MessageModel PLAIN = new MessageModel(SessionIdSource.NONE, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of());

    private final SessionIdSource sessionIdSource;
    private final Optional<String> sessionIdHeader;
    private final Optional<String> partitionKeyHeader;
    private final Optional<String> correlationIdHeader;
    private final Optional<String> replyToHeader;
    private final Optional<String> scheduledEnqueueTimeHeader;
    private final Optional<Duration> timeToLive;
    private final List<String> include;
    private final List<String> exclude;

    MessageModel(AbstractConfig config) {
        this(MessageModelConfig.sessionIdSource(config),
            MessageModelConfig.header(config, MessageModelConfig.SESSION_ID_HEADER_CONFIG),
            MessageModelConfig.header(config, MessageModelConfig.PARTITION_KEY_HEADER_CONFIG),
            MessageModelConfig.header(config, MessageModelConfig.CORRELATION_ID_HEADER_CONFIG),
            MessageModelConfig.header(config, MessageModelConfig.REPLY_TO_HEADER_CONFIG),
            MessageModelConfig.header(config, MessageModelConfig.SCHEDULED_ENQUEUE_TIME_HEADER_CONFIG),
            MessageModelConfig.timeToLive(config),
            MessageModelConfig.list(config, MessageModelConfig.PROPERTIES_INCLUDE_CONFIG),
            MessageModelConfig.list(config, MessageModelConfig.PROPERTIES_EXCLUDE_CONFIG));
    }

    private MessageModel(SessionIdSource sessionIdSource, Optional<String> sessionIdHeader,
                         Optional<String> partitionKeyHeader, Optional<String> correlationIdHeader,
                         Optional<String> replyToHeader, Optional<String> scheduledEnqueueTimeHeader,
                         Optional<Duration> timeToLive, List<String> include, List<String> exclude) {
        this.sessionIdSource = sessionIdSource;
        this.sessionIdHeader = sessionIdHeader;
        this.partitionKeyHeader = partitionKeyHeader;
        this.correlationIdHeader = correlationIdHeader;
        this.replyToHeader = replyToHeader;
        this.scheduledEnqueueTimeHeader = scheduledEnqueueTimeHeader;
        this.timeToLive = timeToLive;
        this.include = include;
        this.exclude = exclude;
    }

    static String reasonNoSessionIdKey() {
        return "The entity takes sessions (session.id.source=record-key) and the record has no key: Service Bus "
            + "refuses a message without SessionId there.";
    }

    static String reasonNoSessionIdHeader(String header) {
        return "The entity takes sessions (session.id.source=header) and the record has no header '" + header
            + "': Service Bus refuses a message without SessionId there.";
    }

    static String reasonBadScheduledEnqueueTime(String header) {
        return "Header '" + header + "' is not an RFC 3339 date-time with an offset (e.g. 2026-12-03T15:00:00Z): the "
            + "message would be enqueued at the wrong time.";
    }

    /**
     * Sets the configured parts on {@code message}, built for {@code record} with its default
     * PartitionKey (the record key), and copies the selected headers into its application properties.
     *
     * @param leftOut gets the names of what was left out for Service Bus's limits
     * @throws RecordRejectedException when the record cannot make a valid message (see the class comment)
     */
    void apply(SinkRecord record, ServiceBusMessage message, List<String> leftOut) {
        Optional<String> sessionId = sessionId(record);
        if (sessionId.isPresent()) {
            // PartitionKey first: the SDK refuses a SessionId that differs from a PartitionKey already set
            message.setPartitionKey(sessionId.get());
            message.setSessionId(sessionId.get());
        } else {
            partitionKeyHeader.flatMap(h -> value(record, h)).map(EventRecords::capped).ifPresent(message::setPartitionKey);
        }
        scheduledEnqueueTimeHeader.ifPresent(h -> value(record, h)
            .ifPresent(v -> message.setScheduledEnqueueTime(scheduledEnqueueTime(v, h))));
        timeToLive.ifPresent(message::setTimeToLive);

        long budget = MessageProperties.MAX_HEADER_BYTES - MessageProperties.SYSTEM_PROPERTIES_BYTES
            - MessageProperties.bytes(message.getApplicationProperties());
        Optional<String> correlationId = correlationIdHeader.flatMap(h -> value(record, h));
        if (correlationId.isPresent()) {
            long size = MessageProperties.entryBytes("", correlationId.get());
            if (size <= budget) {
                message.setCorrelationId(correlationId.get());
                budget -= size;
            } else {
                leftOut.add("CorrelationId (header " + correlationIdHeader.get() + ")");
            }
        }
        Optional<String> replyTo = replyToHeader.flatMap(h -> value(record, h));
        if (replyTo.isPresent()) {
            long size = MessageProperties.entryBytes("", replyTo.get());
            if (size <= budget) {
                message.setReplyTo(replyTo.get());
                budget -= size;
            } else {
                leftOut.add("ReplyTo (header " + replyToHeader.get() + ")");
            }
        }
        leftOut.addAll(MessageProperties.copyWithinLimits(properties(record), message.getApplicationProperties(), budget));
    }

    /** The route of a message built by {@link #apply}: its PartitionKey (the SessionId, with sessions). */
    static AmqpBatches.Route route(ServiceBusMessage message) {
        return AmqpBatches.Route.key(message.getPartitionKey());
    }

    /** The SessionId the record's message carries, if sessions are on; refuses a record without one. */
    private Optional<String> sessionId(SinkRecord record) {
        switch (sessionIdSource) {
            case RECORD_KEY:
                return Optional.of(EventRecords.partitionKey(record)
                    .orElseThrow(() -> new RecordRejectedException(reasonNoSessionIdKey())));
            case HEADER:
                String h = sessionIdHeader.orElseThrow();
                return Optional.of(value(record, h).map(EventRecords::capped)
                    .orElseThrow(() -> new RecordRejectedException(reasonNoSessionIdHeader(h))));
            default:
                return Optional.empty();
        }
    }

    /** The headers that become application properties: every one, or those included, less those excluded. */
    Map<String, String> properties(SinkRecord record) {
        Map<String, String> headers = EventRecords.headers(record);
        if (include.isEmpty() && exclude.isEmpty()) {
            return headers;
        }
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            if ((include.isEmpty() || HeaderNamesValidator.matches(include, k)) && !HeaderNamesValidator.matches(exclude, k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** A header's value; empty when missing or empty. */
    private static Optional<String> value(SinkRecord record, String header) {
        return EventRecords.header(record, header).filter(v -> !v.isEmpty());
    }

    /** RFC 3339: ISO-8601 with an offset; lower-case {@code t}/{@code z} and a space for the {@code T} allowed. */
    static OffsetDateTime scheduledEnqueueTime(String value, String header) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (v.length() > 10 && v.charAt(10) == ' ') {
            v = v.substring(0, 10) + 'T' + v.substring(11);
        }
        try {
            return OffsetDateTime.parse(v);
        } catch (DateTimeParseException e) {
            throw new RecordRejectedException(reasonBadScheduledEnqueueTime(header));
        }
    }
}
