package io.twinegress.cli.args;

import io.twinegress.cli.body.EndpointBody;
import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.filter.Filter;
import io.twinegress.schemas.filter.FilterException;
import picocli.CommandLine.Option;

/**
 * The routing options of {@code endpoints create} and {@code endpoints update} that override the
 * body's routing part: {@code --filter}. Checked with the router's own filter language before
 * anything is contacted, so a filter the router would reject never reaches {@code twin.endpoints}.
 */
public final class RoutingOptions {

    /** The field a filter problem is reported under: the same as a filter in the body. */
    public static final String FILTER_FIELD = "filter";

    @Option(names = "--filter", paramLabel = "<expression>",
            description = "content filter, e.g. \"$body.DataType = 'Motion'\"; replaces the body's filter (docs/router.md, Content filters)")
    String filter;

    /** The options given, by name (a key rotation takes none of them: only a body describes the routing). */
    public java.util.List<String> given() {
        return filter == null ? java.util.List.of() : java.util.List.of("--filter");
    }

    /**
     * The body with the options applied.
     *
     * @throws InvalidInputException when {@code --filter} is not a filter the router accepts for this
     *                               endpoint (on a DeviceMessage endpoint it may read the key only);
     *                               the problem is the filter's own one-line message
     */
    public EndpointBody applyTo(EndpointBody body) {
        if (filter == null) {
            return body;
        }
        Endpoint endpoint = body.endpoint();
        Filter parsed;
        try {
            parsed = endpoint.carriesDeviceMessages() ? Filter.parseKeyOnly(filter) : Filter.parse(filter);
        } catch (FilterException e) {
            throw new InvalidInputException(FILTER_FIELD, e.reason());
        }
        return new EndpointBody(endpoint.withFilter(parsed), body.warnings(), body.primary(), body.secondary());
    }
}
