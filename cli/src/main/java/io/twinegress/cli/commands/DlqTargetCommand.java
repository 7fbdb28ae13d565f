package io.twinegress.cli.commands;

import io.twinegress.cli.connect.ConnectorConfigs;
import io.twinegress.cli.dlq.DeadLetter;
import io.twinegress.cli.dlq.DeadLetterKafka;
import io.twinegress.cli.dlq.DeadLetterSource;
import io.twinegress.cli.kafka.StatusRow;
import io.twinegress.schemas.EndpointStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What the {@code dlq} commands share: the target ({@code <endpoint id>}, or {@code router} for
 * the router's own dead-letter topic; {@code endpoint:router} for an endpoint that is really named
 * {@code router}), where its dead letters are, and the selection options.
 */
abstract class DlqTargetCommand extends EndpointCommand {

    static final String ROUTER = "router";
    static final String ENDPOINT_PREFIX = "endpoint:";
    /** The router's {@code twin.dlq.topic} default. */
    static final String ROUTER_DLQ_DEFAULT = "twin.events.dlq";

    @Parameters(index = "0", paramLabel = "<endpoint|router>",
            description = "an endpoint id (its connector's dead letters), or router (the router's, default twin.events.dlq)")
    String target;

    @Option(names = "--dlq-topic", paramLabel = "<topic>",
            description = "the dead-letter topic, when it is not the connector's errors.deadletterqueue.topic.name (or, for router, "
                    + "not twin.events.dlq); then Connect is not asked")
    String dlqTopic;

    @Option(names = "--progress-topic", paramLabel = "<topic>", description = "where replays keep their progress (default ${DEFAULT-VALUE})")
    String progressTopic = DeadLetterKafka.DEFAULT_PROGRESS_TOPIC;

    DlqTargetCommand(Session session) {
        super(session);
    }

    /** Where the target's dead letters are and where their copies go. */
    DeadLetterSource source(Context ctx) {
        if (target.equals(ROUTER)) {
            return new DeadLetterSource.Router(dlqTopic != null ? dlqTopic : ROUTER_DLQ_DEFAULT);
        }
        String id = target.startsWith(ENDPOINT_PREFIX) ? target.substring(ENDPOINT_PREFIX.length()) : target;
        CommandSteps.checkId(id);
        ctx.kafka().checkControlTopics();
        StatusRow row = ctx.kafka().statuses().get(id);
        EndpointStatus status = row == null ? null : row.status();
        String egress = status != null && status.isActive() ? status.egressTopic() : ctx.kafka().topics().egress(id);
        if (dlqTopic != null) {
            return new DeadLetterSource.Endpoint(id, dlqTopic, egress);
        }
        Optional<Map<String, String>> connector = ctx.connect().connectorConfig(id);
        String topic = connector.map(c -> c.get("errors.deadletterqueue.topic.name")).filter(t -> !t.isBlank()).orElse(null);
        if (topic == null) {
            topic = egress + ConnectorConfigs.DLQ_SUFFIX;
            ctx.console().err("note: " + (connector.isEmpty() ? "no connector " + id : "connector " + id + " has no dead-letter topic")
                    + "; reading " + topic + " (--dlq-topic to name another)");
        }
        return new DeadLetterSource.Endpoint(id, topic, egress);
    }

    DeadLetterKafka deadLetters(Context ctx) {
        return new DeadLetterKafka(ctx.kafkaProperties(), ctx.timeout());
    }

    static String describe(DeadLetterSource source) {
        return source instanceof DeadLetterSource.Endpoint e ? "endpoint " + e.id() + " (" + e.topic() + ")"
                : "the router (" + source.topic() + ")";
    }

    /** A line about one dead letter: coordinates, time, size, key, event, where it was, and whether it was replayed. */
    static String line(DeadLetterSource source, DeadLetter d, boolean replayed) {
        var r = d.record();
        String eventId = io.twinegress.cli.dlq.DeadLetterHeaders.text(r.headers(), io.twinegress.schemas.EgressHeaders.EVENT_ID);
        String eventType = io.twinegress.cli.dlq.DeadLetterHeaders.text(r.headers(), io.twinegress.schemas.EgressHeaders.EVENT_TYPE);
        return source.topic() + " " + r.partition() + "/" + r.offset() + "  " + Instant.ofEpochMilli(r.timestamp()) + "  "
                + d.size() + " bytes" + (d.valueLeftOut() ? " (value left out)" : "")
                + (r.key() == null ? "" : "  key " + printable(r.key()))
                + (eventId == null ? "" : "  event " + eventId) + (eventType == null ? "" : " " + eventType)
                + (d.origin() == null ? "" : "  from " + d.origin()) + (replayed ? "  replayed" : "");
    }

    /** UTF-8 with control characters escaped; bytes that are not UTF-8 as hex. */
    static String printable(byte[] bytes) {
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        if (!java.util.Arrays.equals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), bytes)) {
            return "0x" + java.util.HexFormat.of().formatHex(bytes);
        }
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : new String(Character.toChars(c))));
        return out.toString();
    }
}
