package io.twinegress.schemas;

import java.util.List;

/**
 * A valid endpoint record: the routing part, plus warnings about what was ignored (e.g.
 * connection strings, which never belong in a Kafka topic). Warnings never quote a value.
 */
public record ParsedEndpoint(Endpoint endpoint, List<String> warnings) {

    public ParsedEndpoint {
        warnings = List.copyOf(warnings);
    }
}
