package io.twinegress.router.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinegress.schemas.Endpoint;
import io.twinegress.schemas.EndpointState;
import io.twinegress.schemas.EndpointStatus;
import io.twinegress.schemas.EndpointType;
import io.twinegress.schemas.EventType;
import io.twinegress.schemas.Instants;
import io.twinegress.schemas.JsonSerdes;
import io.twinegress.schemas.ReplayStatus;
import io.twinegress.schemas.filter.Filter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One row of the endpoint table the endpoint processor keeps (state store {@code endpoint-table},
 * backed by its changelog). Only endpoints that exist are in it: a tombstone removes the row.
 *
 * @param offset      offset in {@code twin.endpoints} of the record this row reflects; orders
 *                    DeviceMessage candidates (lowest first)
 * @param state       Active or Rejected
 * @param endpoint    the parsed endpoint when the record was valid (Active, or Rejected only
 *                    because another endpoint holds DeviceMessage); null otherwise
 * @param waiting     Rejected only by the at-most-one-DeviceMessage rule: promoted when the
 *                    holder goes away
 * @param reason      why Rejected
 * @param warnings    the parser's warnings (never a value from the record)
 * @param egressTopic set when Active
 * @param replay      the backfill of an Active endpoint with {@code replayFrom}, as far as it got; else null
 */
record TableEntry(long offset, EndpointState state, Endpoint endpoint, boolean waiting, String reason, List<String> warnings,
                  String egressTopic, ReplayStatus replay) {

    TableEntry {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    TableEntry(long offset, EndpointState state, Endpoint endpoint, boolean waiting, String reason, List<String> warnings,
               String egressTopic) {
        this(offset, state, endpoint, waiting, reason, warnings, egressTopic, null);
    }

    TableEntry withReplay(ReplayStatus newReplay) {
        return new TableEntry(offset, state, endpoint, waiting, reason, warnings, egressTopic, newReplay);
    }

    /**
     * The status record of this Active row: its endpoint, egress topic and warnings, and its
     * backfill with a warning for what retention took from it.
     */
    EndpointStatus activeStatus(List<String> extraWarnings, long now) {
        List<String> all = new ArrayList<>(warnings);
        all.addAll(extraWarnings);
        all.addAll(ReplayWarnings.of(replay));
        return EndpointStatus.active(endpoint, egressTopic, all, now).withReplay(replay);
    }

    boolean isActive() {
        return state == EndpointState.Active;
    }

    boolean holdsDeviceMessages() {
        return isActive() && endpoint.carriesDeviceMessages();
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Serde<ReplayStatus> REPLAY = JsonSerdes.replayStatus();

    private static JsonNode readTree(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The store's value serde: a small JSON document. */
    static Serde<TableEntry> serde() {
        return Serdes.serdeFrom((topic, entry) -> entry == null ? null : write(entry), (topic, bytes) -> bytes == null ? null : read(bytes));
    }

    private static byte[] write(TableEntry entry) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("offset", entry.offset);
        node.put("state", entry.state.name());
        node.put("waiting", entry.waiting);
        if (entry.reason != null) {
            node.put("reason", entry.reason);
        }
        if (entry.egressTopic != null) {
            node.put("egressTopic", entry.egressTopic);
        }
        entry.warnings.forEach(node.putArray("warnings")::add);
        if (entry.endpoint != null) {
            ObjectNode endpoint = node.putObject("endpoint");
            endpoint.put("id", entry.endpoint.id());
            endpoint.put("type", entry.endpoint.type().name());
            com.fasterxml.jackson.databind.node.ArrayNode types = endpoint.putArray("eventTypes");
            entry.endpoint.eventTypes().forEach(t -> types.add(t.name()));
            endpoint.put("path", entry.endpoint.path());
            if (entry.endpoint.filter() != null) {
                endpoint.put("filter", entry.endpoint.filter().text());
            }
            if (entry.endpoint.replayFrom() != null) {
                endpoint.put("replayFrom", Instants.format(entry.endpoint.replayFrom()));
            }
        }
        if (entry.replay != null) {
            node.set("replay", readTree(REPLAY.serializer().serialize(null, entry.replay)));
        }
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TableEntry read(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            List<String> warnings = new ArrayList<>();
            node.path("warnings").forEach(w -> warnings.add(w.asText()));
            Endpoint endpoint = null;
            JsonNode e = node.get("endpoint");
            if (e != null) {
                Set<EventType> types = EnumSet.noneOf(EventType.class);
                e.path("eventTypes").forEach(t -> types.add(EventType.valueOf(t.asText())));
                // The filter was checked when the record arrived; read back, it compiles the same.
                Filter filter = e.hasNonNull("filter") ? Filter.readBack(e.get("filter").asText()) : null;
                Instant replayFrom = e.hasNonNull("replayFrom") ? Instants.parse(e.get("replayFrom").asText()).orElseThrow() : null;
                endpoint = new Endpoint(e.get("id").asText(), EndpointType.valueOf(e.get("type").asText()), types, e.get("path").asText(),
                        filter, replayFrom);
            }
            ReplayStatus replay = node.hasNonNull("replay") ? REPLAY.deserializer().deserialize(null, MAPPER.writeValueAsBytes(node.get("replay")))
                    : null;
            return new TableEntry(node.get("offset").asLong(), EndpointState.valueOf(node.get("state").asText()), endpoint,
                    node.path("waiting").asBoolean(false), node.hasNonNull("reason") ? node.get("reason").asText() : null,
                    warnings, node.hasNonNull("egressTopic") ? node.get("egressTopic").asText() : null, replay);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
