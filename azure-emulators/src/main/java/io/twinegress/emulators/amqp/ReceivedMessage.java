package io.twinegress.emulators.amqp;

import io.twinegress.emulators.Received;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * One message the AMQP stand-in accepted, as the service would have stored it. A batch
 * (message format {@code 0x80013700}) is unpacked: each message in it is one
 * {@code ReceivedMessage}, all with the same {@link #transferId()}.
 *
 * @param entity                the Service Bus topic or event hub, as declared
 * @param partitionId           Event Hubs: the partition the event landed in (the one named by the
 *                              link address {@code hub/Partitions/N}, else derived from the partition key,
 *                              else round-robin; the mapping is not Azure's hash); null for Service Bus
 * @param partitionKey          the {@code x-opt-partition-key} message annotation, or null
 * @param messageId             the message-id property as a string, or null
 * @param correlationId         the correlation-id property as a string, or null
 * @param contentType           the content-type property, or null
 * @param subject               the subject property (Service Bus "label"), or null
 * @param applicationProperties application properties with AMQP types made plain Java
 *                              (Symbol → String, unsigned → Long/Integer, Binary → byte[]); never null
 * @param messageAnnotations    message annotations with keys as strings; never null
 * @param body                  the body: data sections concatenated, or a string {@code amqp-value} as UTF-8
 * @param receivedAt            when the stand-in accepted it
 * @param transferId            a number shared by the messages that came in one AMQP transfer
 * @param transferSize          how many messages that transfer carried (1 for a single send)
 * @param keyName               the shared access key name of the token that authorized the send link
 * @param keyFingerprint        {@link io.twinegress.emulators.auth.KeyFingerprint#of} of the key that signed
 *                              that token: compare with {@code AmqpEmulator.fingerprint(key)} to tell
 *                              primary from secondary
 */
public record ReceivedMessage(
        String entity,
        String partitionId,
        String partitionKey,
        String messageId,
        String correlationId,
        String contentType,
        String subject,
        Map<String, Object> applicationProperties,
        Map<String, Object> messageAnnotations,
        byte[] body,
        Instant receivedAt,
        long transferId,
        int transferSize,
        String keyName,
        String keyFingerprint) implements Received {

    /** The body decoded as UTF-8. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** An application property's value as a string (byte[] decoded as UTF-8), or null. */
    public String property(String name) {
        Object v = applicationProperties.get(name);
        if (v == null) {
            return null;
        }
        return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
    }

    @Override
    public String toString() {
        return "ReceivedMessage[entity=" + entity + ", partitionId=" + partitionId + ", partitionKey=" + partitionKey
                + ", messageId=" + messageId + ", subject=" + subject + ", contentType=" + contentType
                + ", properties=" + applicationProperties.keySet() + ", bodyBytes=" + body.length
                + ", keyName=" + keyName + ", keyFingerprint=" + keyFingerprint + "]";
    }
}
