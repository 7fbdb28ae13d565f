package io.twinegress.localstack.dashboard;

/**
 * One endpoint's line in the live table.
 *
 * @param expected   records the broker acknowledged that this endpoint subscribes to
 * @param delivered  messages or events that arrived at the endpoint's stand-in
 * @param lag        records sent for this endpoint that have not arrived yet (-1 unknown)
 * @param deadLettered records in the connector's dead-letter topic
 */
public record EndpointRow(String endpoint, String type, String state, String key, long expected, long delivered, long lag,
        long deadLettered) {
}
