package io.twinegress.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The published JSON Schema files, loaded from the classpath as a consumer would load them. */
final class JsonSchemas {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaIdResolvers(ids -> ids.mapPrefix("https://twin-egress.io/schemas/", "classpath:json-schema/")));

    static final Schema EVENT = load("event.schema.json");
    static final Schema ENDPOINT = load("endpoint.schema.json");
    static final Schema ENDPOINT_STATUS = load("endpoint-status.schema.json");

    private JsonSchemas() {
    }

    private static Schema load(String file) {
        return REGISTRY.getSchema(SchemaLocation.of("https://twin-egress.io/schemas/" + file));
    }

    /** The schema's errors for this JSON text, with format (date-time) asserted. */
    static List<Error> errors(Schema schema, String json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            return schema.validate(node, context -> context.executionConfig(config -> config.formatAssertionsEnabled(true)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String resource(String path) {
        try (InputStream in = JsonSchemas.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
