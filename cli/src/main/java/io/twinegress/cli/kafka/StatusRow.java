package io.twinegress.cli.kafka;

import io.twinegress.schemas.EndpointStatus;

/**
 * The latest {@code twin.endpoints.status} record of one endpoint.
 *
 * @param status     the record, or null when it could not be read ({@code unreadable} says why)
 * @param unreadable why the record could not be read, or null
 * @param partition  where it is
 * @param offset     where it is
 */
public record StatusRow(EndpointStatus status, String unreadable, int partition, long offset) {
}
