package io.twinegress.emulators.amqp;

import io.twinegress.emulators.Received;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One message the AMQP stand-in accepted, as the service would have stored it. A batch
 * (message format {@code 0x80013700}) is unpacked: each message in it is one
 * {@code ReceivedMessage}, all with the same {@link #transferId()}.
 *
 * @param entity                the Service Bus topic or queue, or event hub, as declared
 * @param partitionId           Event Hubs: the partition the event landed in (the one named by the
 *                              link address {@code hub/Partitions/N}, else derived from the partition key,
 *                              else round-robin; the mapping is not Azure's hash); null for Service Bus
 * @param partitionKey          the {@code x-opt-partition-key} message annotation, or null
 * @param messageId             the message-id property as a string, or null
 * @param correlationId         the correlation-id property as a string, or null
 * @param contentType           the content-type property, or null
 * @param subject               the subject property (Service Bus "label"), or null
 * @param applicationProperties application properties with AMQP types made plain Java
 *                              (Symbol → String, unsigned → Long/Integer, Binary → byte[], timestamp → Instant);
 *                              never null
 * @param messageAnnotations    message annotations with keys as strings; never null
 * @param body                  the body: data sections concatenated, or a string {@code amqp-value} as UTF-8
 * @param receivedAt            when the stand-in accepted it
 * @param transferId            a number shared by the messages that came in one AMQP transfer
 * @param transferSize          how many messages that transfer carried (1 for a single send)
 * @param keyName               the shared access key name of the token that authorized the send link; null
 *                              when an Entra ID token did
 * @param keyFingerprint        {@link io.twinegress.emulators.auth.KeyFingerprint#of} of the key that signed
 *                              that token: compare with {@code AmqpEmulator.fingerprint(key)} to tell
 *                              primary from secondary; null for an Entra ID token
 * @param principal             the client id of the Entra ID token that authorized the send link, or null
 * @param sessionId             Service Bus session id (the group-id property), or null
 * @param replyTo               the reply-to property, or null
 * @param replyToSessionId      the reply-to-group-id property, or null
 * @param to                    the to property, or null
 * @param timeToLive            the header's ttl, or null when none
 * @param expiresAt             when the message expires: the absolute-expiry-time property, else
 *                              {@code receivedAt + timeToLive}; null without either
 * @param scheduledEnqueueTime  the {@code x-opt-scheduled-enqueue-time} annotation, or null
 * @param deadLetterReason      why the service would dead-letter it at once (a session-less message to a
 *                              topic whose subscriptions require sessions), or null
 * @param overTls               whether it came over the AMQPS (TLS) listener
 * @param encoded               the whole message as encoded on the wire (for a batch: the inner message),
 *                              for official parsers ({@code Message.Factory.create().decode(...)})
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
        String keyFingerprint,
        String principal,
        String sessionId,
        String replyTo,
        String replyToSessionId,
        String to,
        Duration timeToLive,
        Instant expiresAt,
        Instant scheduledEnqueueTime,
        String deadLetterReason,
        boolean overTls,
        byte[] encoded) implements Received {

    /** The prefix of a CloudEvents attribute in an application property (AMQP binding, binary mode). */
    public static final String CLOUD_EVENTS_PREFIX = "cloudEvents:";
    /** The older prefix, still written by some producers. */
    public static final String CLOUD_EVENTS_PREFIX_OLD = "cloudEvents_";

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

    /**
     * The CloudEvents attributes of a binary-mode message: the application properties prefixed
     * {@code cloudEvents:} (or {@code cloudEvents_}), prefix removed, in order; empty when none.
     * The content type of the data is {@link #contentType()}. Recorded as sent, not validated.
     */
    public Map<String, Object> cloudEventAttributes() {
        Map<String, Object> out = new LinkedHashMap<>();
        applicationProperties.forEach((k, v) -> {
            String lower = k.toLowerCase(Locale.ROOT);
            if (lower.startsWith(CLOUD_EVENTS_PREFIX.toLowerCase(Locale.ROOT))
                    || lower.startsWith(CLOUD_EVENTS_PREFIX_OLD.toLowerCase(Locale.ROOT))) {
                out.put(k.substring(CLOUD_EVENTS_PREFIX.length()), v);
            }
        });
        return out;
    }

    /** The Entra ID principal or the key name that authorized the send: who sent it, for logs. */
    public String authorizedBy() {
        return principal != null ? "principal " + principal : "key " + keyName;
    }

    @Override
    public String toString() {
        return "ReceivedMessage[entity=" + entity + ", partitionId=" + partitionId + ", partitionKey=" + partitionKey
                + ", messageId=" + messageId + ", sessionId=" + sessionId + ", subject=" + subject + ", contentType="
                + contentType + ", properties=" + applicationProperties.keySet() + ", bodyBytes=" + body.length
                + ", " + authorizedBy() + ", keyFingerprint=" + keyFingerprint + "]";
    }
}
