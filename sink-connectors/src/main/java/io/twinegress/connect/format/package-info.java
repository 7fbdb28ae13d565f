/**
 * What an event looks like at the target: as it came ({@code event.format=as-is}, the default) or
 * as a CloudEvents 1.0 event ({@code event.format=cloudevents}), and the W3C trace context carried
 * along. One job per class:
 * <ul>
 *   <li>{@link io.twinegress.connect.format.FormatConfig}: the keys ({@code event.format},
 *       {@code cloudevents.source}, {@code cloudevents.mode}) as a ConfigDef fragment the three
 *       connectors add;</li>
 *   <li>{@link io.twinegress.connect.format.CloudEventMapper}: an egress record to a CloudEvent,
 *       the way Azure maps an Event Grid-schema event (raw device telemetry: its bytes as data);</li>
 *   <li>{@link io.twinegress.connect.format.CloudEventJson}: the JSON event format (structured
 *       mode, and the elements of an Event Grid batch);</li>
 *   <li>{@link io.twinegress.connect.format.AmqpCloudEvent}: the AMQP binding (binary or
 *       structured mode) for Service Bus and Event Hubs;</li>
 *   <li>{@link io.twinegress.connect.format.TraceContext}: {@code traceparent}/{@code tracestate}
 *       record headers, validated, for the targets' tracing properties.</li>
 * </ul>
 * The mapping uses the CloudEvents Java SDK's model (its builder checks the attributes). The JSON
 * format and the binary-mode properties are written straight from that model, the same bytes and
 * properties as the SDK's own writers give (JSON data as the producer's own bytes), at a fraction
 * of their cost per event; {@link io.twinegress.connect.format.Rfc3339} reads and writes the times.
 */
package io.twinegress.connect.format;
