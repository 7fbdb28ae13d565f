package io.twinegress.router.deadletter;

import io.twinegress.router.metrics.RouterMetrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams has no "continue" production handler. This one continues past exactly one
 * kind of send failure, a record the broker refuses as too large for its topic (the event
 * passed {@code twin.event.max.bytes} but not the topic's {@code max.message.bytes}): the
 * record goes to the dead-letter topic without its value, and routing goes on. Every other
 * send failure fails the task as Kafka Streams' default does: under exactly_once_v2 the
 * transaction is aborted and the events are processed again once the thread is replaced,
 * so nothing is lost or duplicated.
 */
public class RouterProductionExceptionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RouterProductionExceptionHandler.class);

    static final String PRODUCER_IO_THREAD = "kafka-producer-network-thread";

    private String dlqTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        dlqTopic = topic == null ? null : topic.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (!(exception instanceof RecordTooLargeException) || dlqTopic == null || dlqTopic.isBlank()) {
            LOG.error("Sending to {} failed; the task fails and its events will be processed again: {}",
                    record.topic(), exception.toString());
            return Response.fail();
        }
        String reason = "the record for " + record.topic() + " is too large for it: " + exception.getMessage();
        if (Thread.currentThread().getName().startsWith(PRODUCER_IO_THREAD)) {
            // The broker refused the batch: Kafka Streams calls us on the producer's I/O thread,
            // and a dead-letter record sent from there for a topic this producer has not used
            // lately waits for metadata only that same thread can fetch, until max.block.ms, and
            // then kills the stream thread in a loop (seen with Kafka Streams 4.3.1). So: skip
            // the record, count it, and say where it is. The router sizes the egress topics it
            // creates or adopts for twin.event.max.bytes, so this takes huge headers to happen.
            LOG.error("Record for {} refused by the broker as too large; not routed to it. It is in {}-{} at offset {} ({} bytes)",
                    record.topic(), context.topic(), context.partition(), context.offset(),
                    record.value() == null ? 0 : record.value().length);
            RouterMetrics.global().deadLettered(DeadLetters.Kind.record_too_large, "$",
                    context.topic(), context.partition(), context.offset());
            return Response.resume();
        }
        Headers headers = DeadLetters.headers(record.headers(), DeadLetters.Kind.record_too_large,
                exception.getClass().getName(), "$", reason, context.topic(), context.partition(), context.offset());
        DeadLetters.add(headers, DeadLetters.ORIGINAL_SIZE,
                Integer.toString(record.value() == null ? 0 : record.value().length));
        RouterMetrics.global().deadLettered(DeadLetters.Kind.record_too_large, "$",
                context.topic(), context.partition(), context.offset());
        return Response.resume(List.of(
                new ProducerRecord<>(dlqTopic, null, record.key(), null, headers)));
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        // The router writes bytes it was given; a serialization error is a bug: fail loudly.
        return Response.fail();
    }
}
