/**
 * The delivery core every twin-egress sink connector runs on. A connector adds only what is
 * specific to its target; everything about keys, failures, waiting, dead-lettering, offsets and
 * metrics is here, once.
 *
 * <h2>How a connector plugs in (the Service Bus connector is the worked example)</h2>
 * <ol>
 *   <li><b>Config</b>: {@code XSinkConfig extends DeliveryConfig} with
 *       {@code public static final ConfigDef CONFIG_DEF} built from the four fragments, in order:
 *       {@link io.twinegress.connect.core.DeliveryConfig#addConnectionGroup addConnectionGroup}
 *       (pass your docs; pass your own validators if your keys are not SAS connection strings,
 *       e.g. Event Grid's bare access key), {@code addRetryGroup}, {@code addBatchGroup} (with the
 *       target's record and byte limits), {@code addDeliveryGroup}; then your own keys (a new
 *       group after these). Typed getters for your keys; secrets stay {@code Password}.</li>
 *   <li><b>Connector</b>: {@code XSinkConnector extends DeliverySinkConnector}: {@code config()},
 *       {@code taskClass()}, and {@code validateEndpoint(props, values)} for cross-field checks
 *       (e.g. EntityPath vs path), each error text a constant on the key it concerns.</li>
 *   <li><b>Task</b>: {@code XSinkTask extends DeliverySinkTask}: {@code parseConfig(props)} and
 *       {@code openSender(config, slot, connectionString)}.</li>
 *   <li><b>Sender</b>: {@code XSender implements EndpointSender}: one SDK/HTTP client per key,
 *       built in the constructor, closed in {@code close()}; {@code send(records, listener)} turns
 *       records into messages (use {@link io.twinegress.connect.core.EventRecords} for the body
 *       bytes, event id/type and headers), packs size-aware batches, sends them in order and calls
 *       {@code listener.delivered(batch)} after each accepted request and
 *       {@code listener.rejected(record, reason)} for a record it can never send (returning at once
 *       when that answers false). It lets every
 *       other failure propagate: no catching, no sleeping, no retry loop of its own. For a plain
 *       HTTP client, throw {@link io.twinegress.connect.core.EndpointHttpException} with the status
 *       and {@code Retry-After}.</li>
 *   <li><b>Register</b> the connector class in
 *       {@code META-INF/services/org.apache.kafka.connect.sink.SinkConnector}; regenerate the
 *       reference ({@code ConfigDocsTest} with {@code -Dtwin-egress.docs.update=true}) and add a row to
 *       {@code docs/connectors/README.md}.</li>
 * </ol>
 *
 * <h2>What the core then does</h2>
 * <ul>
 *   <li>{@link io.twinegress.connect.core.FailureClassifier}: every failure to one
 *       {@link io.twinegress.connect.core.Outcome} (Service Bus reason, AMQP condition, HTTP status,
 *       I/O; walks the cause chain). Add new mappings there, not in a sender.</li>
 *   <li>{@link io.twinegress.connect.core.KeyRing}: refused key → the other key at once; both
 *       refused → backoff, trying both each round. One log line per switch.</li>
 *   <li>{@link io.twinegress.connect.core.Backoff}: exponential, jittered, capped, on an injected
 *       clock: the task's partitions paused, {@code context.timeout} for the retry, nothing thrown.</li>
 *   <li>{@link io.twinegress.connect.core.DeliveryEngine} (the policy, over {@code HeldRecords},
 *       {@code PipelinedSend}, {@code Failover}, {@code RecordIsolation} and {@code DeadLettering}):
 *       holds records until delivered, never
 *       re-sends what was delivered when Connect hands a batch back, splits a rejected request to
 *       isolate the bad record (a sender only says whether a refusal is about the records:
 *       {@link io.twinegress.connect.core.EndpointHttpException#requestRefused} when it is not),
 *       fails the task instead when every record is refused alone, dead-letters through Connect's
 *       errant-record reporter (after the deadline too), holds when there is no dead-letter topic,
 *       bounds every wait below the consumer's {@code max.poll.interval.ms}, and commits only what
 *       is delivered or dead-lettered.</li>
 *   <li>{@link io.twinegress.connect.core.DeliveryMetrics}: per-task JMX metrics under
 *       {@code kafka.connect:type=plugins,connector=<name>,task=<n>}.</li>
 * </ul>
 */
package io.twinegress.connect.core;
