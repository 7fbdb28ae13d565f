package io.twinegress.cli.dlq;

import static io.twinegress.cli.dlq.DeadLetterHeaders.text;

import org.apache.kafka.common.header.Headers;

/**
 * A dead-letter topic the {@code dlq} commands read, and where its replayed copies go:
 * <ul>
 *   <li>an endpoint's (its sink connector's {@code errors.deadletterqueue.topic.name}): back into
 *       that endpoint's egress topic, so only the endpoint that failed gets them again, not every
 *       subscriber of the event;</li>
 *   <li>the router's ({@code twin.events.dlq}): back onto the input topic each came from, so the
 *       router routes it again with its current rules and endpoint table, once, exactly as it routes
 *       any event (the router stays the only place that decides where an event goes).</li>
 * </ul>
 */
public sealed interface DeadLetterSource {

    /** The dead-letter topic. */
    String topic();

    /** What is shown and grouped on: why the record was dead-lettered. */
    String reason(Headers headers);

    /** Where the record was before, or null when the headers do not say. */
    Origin origin(Headers headers);

    /** The topic a copy of this dead letter goes to, or null when it cannot be told. */
    String destination(Headers headers);

    /** Whether a header is the dead-letter writer's own (left out of the copy: the copy has the original headers). */
    boolean writersOwn(String headerName);

    /** The dead-letter topic of endpoint {@code id}; copies go to {@code egressTopic}. */
    record Endpoint(String id, String topic, String egressTopic) implements DeadLetterSource {

        @Override
        public String reason(Headers headers) {
            String message = text(headers, DeadLetterHeaders.CONNECT_MESSAGE);
            if (message != null && !message.isBlank()) {
                return message;
            }
            String exception = text(headers, DeadLetterHeaders.CONNECT_EXCEPTION);
            return exception != null ? exception : "(no reason header: is errors.deadletterqueue.context.headers.enable=true?)";
        }

        @Override
        public Origin origin(Headers headers) {
            return Origin.of(text(headers, DeadLetterHeaders.CONNECT_TOPIC), text(headers, DeadLetterHeaders.CONNECT_PARTITION),
                    text(headers, DeadLetterHeaders.CONNECT_OFFSET));
        }

        @Override
        public String destination(Headers headers) {
            return egressTopic;
        }

        @Override
        public boolean writersOwn(String headerName) {
            return headerName.startsWith(DeadLetterHeaders.CONNECT_PREFIX);
        }
    }

    /** The router's dead-letter topic; each copy goes back to its input topic. */
    record Router(String topic) implements DeadLetterSource {

        @Override
        public String reason(Headers headers) {
            String reason = text(headers, DeadLetterHeaders.ROUTER_REASON);
            if (reason == null) {
                reason = text(headers, DeadLetterHeaders.STREAMS_MESSAGE);
            }
            return reason != null ? reason : "(no reason header)";
        }

        @Override
        public Origin origin(Headers headers) {
            Origin own = Origin.of(text(headers, DeadLetterHeaders.ROUTER_SOURCE_TOPIC), text(headers, DeadLetterHeaders.ROUTER_SOURCE_PARTITION),
                    text(headers, DeadLetterHeaders.ROUTER_SOURCE_OFFSET));
            return own != null ? own : Origin.of(text(headers, DeadLetterHeaders.STREAMS_TOPIC),
                    text(headers, DeadLetterHeaders.STREAMS_PARTITION), text(headers, DeadLetterHeaders.STREAMS_OFFSET));
        }

        @Override
        public String destination(Headers headers) {
            Origin o = origin(headers);
            return o == null ? null : o.topic();
        }

        @Override
        public boolean writersOwn(String headerName) {
            return headerName.startsWith(DeadLetterHeaders.ROUTER_PREFIX) || headerName.startsWith(DeadLetterHeaders.STREAMS_PREFIX)
                    || headerName.equals(DeadLetterHeaders.ROUTER_SOURCE_TOPIC) || headerName.equals(DeadLetterHeaders.ROUTER_SOURCE_PARTITION)
                    || headerName.equals(DeadLetterHeaders.ROUTER_SOURCE_OFFSET);
        }
    }
}
