package io.twinegress.cli.dlq;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The header names the dead-letter writers use, and the replay's own lineage headers. Only the
 * names are shared with those writers (Kafka Connect's dead-letter reporter, which our connectors
 * feed with the reason as the exception message, and the router), not their code.
 */
public final class DeadLetterHeaders {

    /** Kafka Connect's dead-letter reporter (with {@code errors.deadletterqueue.context.headers.enable=true}). */
    public static final String CONNECT_PREFIX = "__connect.errors.";
    public static final String CONNECT_TOPIC = "__connect.errors.topic";
    public static final String CONNECT_PARTITION = "__connect.errors.partition";
    public static final String CONNECT_OFFSET = "__connect.errors.offset";
    public static final String CONNECT_EXCEPTION = "__connect.errors.exception.class.name";
    public static final String CONNECT_MESSAGE = "__connect.errors.exception.message";

    /** The router's dead letters ({@code twin.events.dlq}). */
    public static final String ROUTER_PREFIX = "twin-egress.dlq.";
    public static final String ROUTER_ERROR = "twin-egress.dlq.error";
    public static final String ROUTER_REASON = "twin-egress.dlq.reason";
    public static final String ROUTER_ORIGINAL_SIZE = "twin-egress.dlq.original-size";
    public static final String ROUTER_SOURCE_TOPIC = "twin-egress.source-topic";
    public static final String ROUTER_SOURCE_PARTITION = "twin-egress.source-partition";
    public static final String ROUTER_SOURCE_OFFSET = "twin-egress.source-offset";
    public static final String STREAMS_PREFIX = "__streams.errors.";
    public static final String STREAMS_MESSAGE = "__streams.errors.message";
    public static final String STREAMS_TOPIC = "__streams.errors.topic";
    public static final String STREAMS_PARTITION = "__streams.errors.partition";
    public static final String STREAMS_OFFSET = "__streams.errors.offset";

    /** The lineage a replayed copy carries (a copy replayed again carries the newest only). */
    public static final String REPLAY_PREFIX = "twin.replay.";
    /** The run that copied it: one id per {@code dlq replay} command. */
    public static final String REPLAY_RUN = "twin.replay.run";
    /** When that run started, RFC 3339 UTC. */
    public static final String REPLAY_AT = "twin.replay.at";
    /** Where the dead letter was: its topic, partition and offset. */
    public static final String REPLAY_DEAD_LETTER_TOPIC = "twin.replay.dead-letter-topic";
    public static final String REPLAY_DEAD_LETTER_PARTITION = "twin.replay.dead-letter-partition";
    public static final String REPLAY_DEAD_LETTER_OFFSET = "twin.replay.dead-letter-offset";
    /** Why it had been dead-lettered. */
    public static final String REPLAY_REASON = "twin.replay.reason";

    private DeadLetterHeaders() {
    }

    /** The last header of that name as UTF-8, or null. */
    public static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
