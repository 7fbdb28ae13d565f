package io.twinegress.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serdes for the model. A deserializer never leaks a raw Jackson exception: bad input
 * fails with an {@link InvalidRecordException} naming the field and what is wrong with it.
 * A null value (a tombstone) deserializes to null.
 */
public final class JsonSerdes {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // A tolerant reader: a newer router may add fields to the status record.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private JsonSerdes() {
    }

    /** Events: written as the Event Grid schema, read with {@link EventParser#parse}. */
    public static Serde<Event> event() {
        EventParser parser = new EventParser();
        return Serdes.serdeFrom(JsonSerdes::writeEvent, (topic, bytes) -> bytes == null ? null : parser.parse(bytes));
    }

    /** {@code twin.endpoints.status} values. */
    public static Serde<EndpointStatus> endpointStatus() {
        return Serdes.serdeFrom(JsonSerdes::writeStatus, statusDeserializer());
    }

    /**
     * {@code twin.endpoints} values: the routing part only, {@code {"type","eventTypes","path"}}
     * and {@code "filter"} as written, when there is one (the id is the record key). Read them with
     * {@link EndpointParser#parse}, which needs the key.
     */
    public static Serializer<Endpoint> endpointValue() {
        return (topic, endpoint) -> endpoint == null ? null : write(endpointNode(endpoint, false));
    }

    /** A {@link ReplayStatus} on its own, as the status record's {@code replay} part (the router keeps it with its endpoint table). */
    public static Serde<ReplayStatus> replayStatus() {
        return Serdes.serdeFrom((topic, replay) -> replay == null ? null : write(replayNode(replay)), (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return MAPPER.readValue(bytes, ReplayStatus.class);
            } catch (IOException e) {
                throw new InvalidRecordException("replay", "not a valid replay status: " + e.getClass().getSimpleName());
            }
        });
    }

    private static byte[] writeEvent(String topic, Event event) {
        return event == null ? null : write(event);
    }

    private static byte[] writeStatus(String topic, EndpointStatus status) {
        if (status == null) {
            return null;
        }
        ObjectNode node = MAPPER.createObjectNode();
        node.put("state", status.state().name());
        if (status.reason() != null) {
            node.put("reason", status.reason());
        }
        if (status.egressTopic() != null) {
            node.put("egressTopic", status.egressTopic());
        }
        status.warnings().forEach(node.putArray("warnings")::add);
        if (status.endpoint() != null) {
            node.set("endpoint", endpointNode(status.endpoint(), true));
        }
        if (status.replay() != null) {
            node.set("replay", replayNode(status.replay()));
        }
        node.put("updatedAt", status.updatedAt());
        return write(node);
    }

    private static ObjectNode endpointNode(Endpoint endpoint, boolean inStatus) {
        ObjectNode node = MAPPER.createObjectNode();
        if (inStatus) {
            node.put("id", endpoint.id());
        }
        node.put("type", endpoint.type().name());
        endpoint.eventTypes().forEach(t -> node.withArray("eventTypes").add(t.name()));
        node.put("path", endpoint.path());
        if (endpoint.filter() != null) {
            // The status shows the filter as the router understood it; an endpoint record keeps the
            // operator's text, which is what the router validates again when it reads the record.
            node.put("filter", inStatus ? endpoint.filter().canonical() : endpoint.filter().text());
        }
        if (endpoint.replayFrom() != null) {
            node.put("replayFrom", Instants.format(endpoint.replayFrom()));
        }
        return node;
    }

    private static ObjectNode replayNode(ReplayStatus replay) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("from", Instants.format(replay.from()));
        if (replay.until() != null) {
            node.put("until", Instants.format(replay.until()));
        }
        node.put("routed", replay.routed());
        node.put("done", replay.done());
        node.put("pastRetention", replay.pastRetention());
        node.put("partitionCount", replay.partitionCount());
        ObjectNode partitions = node.putObject("partitions");
        replay.partitions().forEach((name, p) -> {
            ObjectNode n = partitions.putObject(name);
            n.put("start", p.start());
            if (p.until() != null) {
                n.put("until", p.until());
            }
            n.put("next", p.next());
            n.put("routed", p.routed());
            n.put("pastRetention", p.pastRetention());
            if (p.oldestRetained() != null) {
                n.put("oldestRetained", Instants.format(p.oldestRetained()));
            }
            n.put("done", p.done());
        });
        return node;
    }

    private static Deserializer<EndpointStatus> statusDeserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return MAPPER.readValue(bytes, EndpointStatus.class);
            } catch (ValueInstantiationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new InvalidRecordException("$", "not a valid endpoint status: " + cause.getMessage());
            } catch (JsonMappingException e) {
                throw new InvalidRecordException(path(e), "not a valid endpoint status: " + e.getOriginalMessage());
            } catch (JsonProcessingException e) {
                throw new InvalidRecordException("$", "not valid JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw new InvalidRecordException("$", "not readable: " + e.getMessage());
            }
        };
    }

    private static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "$" : path;
    }

    private static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException("$", "cannot be written as JSON: " + e.getOriginalMessage());
        }
    }
}
