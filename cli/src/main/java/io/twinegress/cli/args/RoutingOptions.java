package io.twinegress.cli.args;

import io.twinegress.cli.body.EndpointBody;
import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.filter.Filter;
import io.twinegress.schemas.filter.FilterException;
import java.time.Instant;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The routing options of {@code endpoints create} and {@code endpoints update} that override the
 * body's routing part: {@code --filter} and {@code --replay-from}. Checked with the router's own
 * rules before anything is contacted, so a value the router would reject never reaches
 * {@code twin.endpoints}.
 */
public final class RoutingOptions {

    /** The field a filter problem is reported under: the same as a filter in the body. */
    public static final String FILTER_FIELD = "filter";

    @Option(names = "--filter", paramLabel = "<expression>",
            description = "content filter, e.g. \"$body.DataType = 'Motion'\"; replaces the body's filter (docs/router.md, Content filters)")
    String filter;

    /** The value that drops the endpoint's {@code replayFrom}. */
    public static final String NO_REPLAY = "none";

    @Option(names = "--replay-from", paramLabel = "<time|age|none>",
            description = "also route, once, the events of the input topics since then (a backfill from their retention): "
                    + TimeArgument.SYNTAX + "; an age is turned into a time now, so the record sent again does not replay "
                    + "again; none drops it. Replaces the body's replayFrom; update keeps the current one without it")
    String replayFrom;

    /** When the command runs: an age in {@code --replay-from} counts back from it. */
    private Instant now = Instant.now();

    /** The same options counting an age back from {@code when} (tests). */
    public RoutingOptions at(Instant when) {
        this.now = when;
        return this;
    }

    /** The options given, by name (a key rotation takes none of them: only a body describes the routing). */
    public java.util.List<String> given() {
        java.util.List<String> given = new java.util.ArrayList<>();
        if (filter != null) {
            given.add("--filter");
        }
        if (replayFrom != null) {
            given.add("--replay-from");
        }
        return given;
    }

    /**
     * The body with the options applied.
     *
     * @throws InvalidInputException when {@code --filter} is not a filter the router accepts for this
     *                               endpoint (on a DeviceMessage endpoint it may read the key only);
     *                               the problem is the filter's own one-line message
     */
    public EndpointBody applyTo(EndpointBody body) {
        Endpoint endpoint = body.endpoint();
        if (filter != null) {
            Filter parsed;
            try {
                parsed = endpoint.carriesDeviceMessages() ? Filter.parseKeyOnly(filter) : Filter.parse(filter);
            } catch (FilterException e) {
                throw new InvalidInputException(FILTER_FIELD, e.reason());
            }
            endpoint = endpoint.withFilter(parsed);
        }
        if (replayFrom != null) {
            endpoint = endpoint.withReplayFrom(replayFrom.trim().equalsIgnoreCase(NO_REPLAY) ? null
                    : TimeArgument.parse(replayFrom, now).orElseThrow(() -> new InvalidInputException("--replay-from",
                            "expected " + TimeArgument.SYNTAX + ", or none")));
        }
        return new EndpointBody(endpoint, body.warnings(), body.primary(), body.secondary());
    }

    /**
     * An update that says nothing about {@code replayFrom} (neither the option nor the body) keeps
     * the endpoint's current one: the same value sent again does not replay again, while leaving it
     * out would stop an unfinished backfill.
     *
     * @param current the endpoint as its Active status has it, or null
     */
    public Endpoint keepReplayFrom(Endpoint fromBody, Endpoint current, Consumer<String> note) {
        if (replayFrom != null || fromBody.replayFrom() != null || current == null || current.replayFrom() == null) {
            return fromBody;
        }
        note.accept("note: keeping the endpoint's replayFrom " + current.replayFrom() + " (sent again, it does not replay again); "
                + "--replay-from none drops it");
        return fromBody.withReplayFrom(current.replayFrom());
    }
}
