package io.twinegress.cli.body;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinegress.cli.output.Secret;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EndpointParser;
import io.twinegress.schemas.InvalidEndpointException;
import io.twinegress.schemas.ParsedEndpoint;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A seed-format endpoint body split in two: the routing part ({@code type}, {@code eventTypes},
 * {@code path}), checked with the router's own rules ({@link EndpointParser}), and the secrets
 * ({@code connectionString}, {@code secondaryConnectionString}), which only ever go to the sink
 * connector's config.
 *
 * @param endpoint  the routing part, what {@code twin.endpoints} gets
 * @param warnings  what the router would warn about (unknown fields), never a value
 * @param primary   {@code connectionString}, when the body has one
 * @param secondary {@code secondaryConnectionString}, when the body has one
 */
public record EndpointBody(Endpoint endpoint, List<String> warnings, Optional<Secret> primary, Optional<Secret> secondary) {

    public static final String PRIMARY_FIELD = "connectionString";
    public static final String SECONDARY_FIELD = "secondaryConnectionString";

    /** For a body that is not JSON: the position only, never the parser's message (it quotes the token). */
    public static final String NOT_JSON = "the body is not valid JSON (line %d, column %d)";
    public static final String NOT_OBJECT = "the body must be a JSON object like {\"type\":..., \"eventTypes\":[...], \"path\":..., \"connectionString\":...}";
    public static final String SECRET_NOT_STRING = "must be a string (the connection string, or for Event Grid the topic access key)";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final EndpointParser PARSER = new EndpointParser();

    public EndpointBody {
        warnings = List.copyOf(warnings);
    }

    /**
     * Splits and checks a body.
     *
     * @throws InvalidInputException naming the field and the rule, never quoting a secret
     */
    public static EndpointBody parse(String id, byte[] body) {
        try {
            EndpointParser.checkId(id);
        } catch (InvalidEndpointException e) {
            throw new InvalidInputException("id", e.getMessage().substring(e.field().length() + 2));
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new InvalidInputException("$", String.format(NOT_JSON, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr()));
        } catch (IOException e) {
            throw new InvalidInputException("$", "the body cannot be read");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("$", NOT_OBJECT);
        }
        ObjectNode routing = ((ObjectNode) root).deepCopy();
        Optional<Secret> primary = secret(routing.remove(PRIMARY_FIELD), PRIMARY_FIELD);
        Optional<Secret> secondary = secret(routing.remove(SECONDARY_FIELD), SECONDARY_FIELD);
        ParsedEndpoint parsed;
        try {
            parsed = PARSER.parse(id, MAPPER.writeValueAsBytes(routing));
        } catch (InvalidEndpointException e) {
            throw new InvalidInputException(e.field(), e.getMessage().substring(e.field().length() + 2));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("re-serialising a parsed tree", e);
        }
        return new EndpointBody(parsed.endpoint(), parsed.warnings(), primary, secondary);
    }

    private static Optional<Secret> secret(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new InvalidInputException(field, SECRET_NOT_STRING);
        }
        return node.asText().isBlank() ? Optional.empty() : Optional.of(Secret.of(node.asText()));
    }
}
