package io.twinegress.emulators.eventgrid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * What the two publish validators ({@link EventGridValidator}, {@link CloudEventValidator}) check alike
 * once a body is parsed into its events: how many a request may carry, the size of each, and each one's
 * own schema; and the answers Event Grid gives when one of those fails. Pure: no I/O, no state.
 */
final class PublishedEvents {

    private PublishedEvents() {
    }

    /**
     * Accepts {@code events} when there is at least one and at most {@code maxEvents}, each at most
     * {@code maxEventBytes} as JSON and without a {@code problem} (null: none); else the first
     * failure, naming the event's index.
     */
    static EventGridValidator.Result check(ObjectMapper mapper, List<JsonNode> events, int maxEvents, long maxEventBytes,
                                           Function<JsonNode, String> problem) {
        if (events.isEmpty()) {
            return bad("The request contains no events.");
        }
        if (events.size() > maxEvents) {
            return bad("The request contains " + events.size() + " events; at most " + maxEvents + " are allowed.");
        }
        String[] jsons = new String[events.size()];
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            String json;
            try {
                json = mapper.writeValueAsString(e);
            } catch (IOException ex) {
                return bad("Event at index " + i + " cannot be read.");
            }
            int size = json.getBytes(StandardCharsets.UTF_8).length;
            if (size > maxEventBytes) {
                return tooLarge("Event at index " + i + " is " + size + " bytes, over the limit of " + maxEventBytes
                        + " bytes per event.");
            }
            String found = problem.apply(e);
            if (found != null) {
                return bad("Event at index " + i + ": " + found);
            }
            jsons[i] = json;
        }
        return new EventGridValidator.Result(200, null, null, List.copyOf(events), List.of(jsons));
    }

    /** 400 BadRequest with {@code message}. */
    static EventGridValidator.Result bad(String message) {
        return new EventGridValidator.Result(400, "BadRequest", message, List.of(), List.of());
    }

    /** 413 RequestEntityTooLarge with {@code message}. */
    static EventGridValidator.Result tooLarge(String message) {
        return new EventGridValidator.Result(413, "RequestEntityTooLarge", message, List.of(), List.of());
    }

    /** The first line of a parser's message (the rest quotes the input). */
    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
