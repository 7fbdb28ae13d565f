package io.twinegress.schemas;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An event in the Event Grid event schema.
 *
 * @param id              unique event id
 * @param subject         publisher-defined subject path
 * @param data            event-specific payload, a JSON object
 * @param eventType       one of the five event types
 * @param eventTime       when the event was generated, ISO-8601 UTC, as sent
 * @param dataVersion     schema version of {@code data}
 * @param metadataVersion schema version of the envelope; optional (Event Grid sets it)
 * @param topic           full resource path of the source; optional (Event Grid sets it)
 */
public record Event(
        String id,
        String subject,
        JsonNode data,
        EventType eventType,
        String eventTime,
        String dataVersion,
        String metadataVersion,
        String topic) {
}
