package io.twinegress.emulators.eventgrid;

import com.fasterxml.jackson.databind.JsonNode;
import io.twinegress.emulators.Received;
import java.time.Instant;

/**
 * One Event Grid event the stand-in accepted.
 *
 * @param topic           the topic name it was posted to ({@link EventGridEmulator#DEFAULT_TOPIC} for {@code /api/events})
 * @param id              the event's {@code id}
 * @param subject         {@code subject}
 * @param eventType       {@code eventType}
 * @param eventTime       {@code eventTime} as sent
 * @param dataVersion     {@code dataVersion}
 * @param metadataVersion {@code metadataVersion} as sent, or null when absent
 * @param topicSent       {@code topic} as sent, or null when absent (Event Grid sets it on delivery)
 * @param data            {@code data}; do not modify
 * @param json            the event object as received, re-serialized compactly
 * @param receivedAt      when the stand-in accepted it
 * @param requestId       a number shared by the events of one HTTP request
 * @param requestSize     how many events that request carried
 * @param keyFingerprint  {@code EventGridEmulator.fingerprint(key)} of the key that authorized the request
 *                        ({@code aeg-sas-key}, or the key that signed the {@code aeg-sas-token})
 */
public record ReceivedEvent(
        String topic,
        String id,
        String subject,
        String eventType,
        String eventTime,
        String dataVersion,
        String metadataVersion,
        String topicSent,
        JsonNode data,
        String json,
        Instant receivedAt,
        long requestId,
        int requestSize,
        String keyFingerprint) implements Received {

    @Override
    public String toString() {
        return "ReceivedEvent[topic=" + topic + ", id=" + id + ", eventType=" + eventType + ", subject=" + subject
                + ", requestId=" + requestId + "]";
    }
}
