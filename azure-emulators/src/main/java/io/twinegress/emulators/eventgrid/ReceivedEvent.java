package io.twinegress.emulators.eventgrid;

import com.fasterxml.jackson.databind.JsonNode;
import io.twinegress.emulators.Received;
import java.time.Instant;

/**
 * One event the stand-in accepted: an Event Grid event, or a CloudEvent (to a topic with the CloudEvents
 * schema or to a namespace topic). The Event Grid fields of a CloudEvent hold its nearest attributes
 * ({@code eventType} = {@code type}, {@code eventTime} = {@code time}); {@link #json()} is the event as sent,
 * for official parsers ({@code com.azure.core.models.CloudEvent.fromString}).
 *
 * @param topic           the topic name it was posted to ({@link EventGridEmulator#DEFAULT_TOPIC} for {@code /api/events})
 * @param id              the event's {@code id}
 * @param subject         {@code subject}, or null when a CloudEvent has none
 * @param eventType       {@code eventType} (CloudEvent: {@code type})
 * @param eventTime       {@code eventTime} as sent (CloudEvent: {@code time}, or null)
 * @param dataVersion     {@code dataVersion} (null for a CloudEvent)
 * @param metadataVersion {@code metadataVersion} as sent, or null when absent
 * @param topicSent       {@code topic} as sent, or null when absent (Event Grid sets it on delivery)
 * @param data            {@code data} (null for a CloudEvent with {@code data_base64} or none); do not modify
 * @param json            the event object as received, re-serialized compactly
 * @param receivedAt      when the stand-in accepted it
 * @param requestId       a number shared by the events of one HTTP request
 * @param requestSize     how many events that request carried
 * @param keyFingerprint  {@code EventGridEmulator.fingerprint(key)} of the key that authorized the request
 *                        ({@code aeg-sas-key}, {@code Authorization: SharedAccessKey}, or the key that signed
 *                        the {@code aeg-sas-token}); null for an Entra ID token
 * @param cloudEvent      whether it is a CloudEvent
 * @param source          CloudEvent {@code source}, else null
 * @param specVersion     CloudEvent {@code specversion}, else null
 * @param dataContentType CloudEvent {@code datacontenttype}, else null
 * @param dataSchema      CloudEvent {@code dataschema}, else null
 * @param dataBase64      CloudEvent {@code data_base64} as sent, else null
 * @param contentType     the request's {@code Content-Type}
 * @param namespaceTopic  whether it was published to a namespace topic ({@code /topics/<t>:publish})
 * @param principal       the client id of the Entra ID token that authorized the request, or null
 * @param overTls         whether it came over HTTPS
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
        String keyFingerprint,
        boolean cloudEvent,
        String source,
        String specVersion,
        String dataContentType,
        String dataSchema,
        String dataBase64,
        String contentType,
        boolean namespaceTopic,
        String principal,
        boolean overTls) implements Received {

    @Override
    public String toString() {
        return "ReceivedEvent[topic=" + topic + ", id=" + id + ", " + (cloudEvent ? "type=" : "eventType=") + eventType
                + ", subject=" + subject + ", requestId=" + requestId + "]";
    }
}
