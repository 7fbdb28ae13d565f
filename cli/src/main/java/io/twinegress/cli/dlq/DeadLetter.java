package io.twinegress.cli.dlq;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record of a dead-letter topic, as the commands see it.
 *
 * @param record      the record, key, value and headers as stored
 * @param reason      why it was dead-lettered (the writer's reason header)
 * @param origin      where it was before, when the headers say
 * @param valueLeftOut the router left the value out (too large): a replay copies the original from
 *                     {@code origin} while the input topic still holds it
 */
public record DeadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Origin origin, boolean valueLeftOut) {

    public static DeadLetter of(DeadLetterSource source, ConsumerRecord<byte[], byte[]> record) {
        boolean leftOut = record.value() == null
                && DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.ROUTER_ORIGINAL_SIZE) != null;
        return new DeadLetter(record, source.reason(record.headers()), source.origin(record.headers()), leftOut);
    }

    /** The value's size in bytes (of the original when it was left out). */
    public long size() {
        if (valueLeftOut) {
            try {
                return Long.parseLong(DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.ROUTER_ORIGINAL_SIZE).trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return record.value() == null ? 0 : record.value().length;
    }
}
