package io.twinegress.connect.eventgrid;

import io.cloudevents.CloudEvent;
import io.twinegress.connect.core.EventRecords;
import io.twinegress.connect.core.RecordRejectedException;
import io.twinegress.connect.format.CloudEventJson;
import io.twinegress.connect.format.CloudEventMapper;
import io.twinegress.connect.format.FormatConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * What differs between the Event Grid targets and formats, for {@link EventGridSender}: where a
 * request goes, how it is authorized, its content type, how many events it may carry, and how a
 * record becomes an element of its JSON array.
 *
 * <table>
 *   <caption>targets</caption>
 *   <tr><th>{@code eventgrid.kind}</th><th>URL</th><th>key header</th><th>events per request</th></tr>
 *   <tr><td>topic</td><td>{@code https://<path>/api/events?api-version=2018-01-01}</td>
 *       <td>{@code aeg-sas-key: <key>}</td><td>{@value EventGridSinkConfig#MAX_EVENTS_PER_REQUEST}</td></tr>
 *   <tr><td>namespace-topic</td><td>{@code https://<path>/topics/<namespace.topic>:publish?api-version=2023-11-01}</td>
 *       <td>{@code Authorization: SharedAccessKey <key>}</td>
 *       <td>{@value EventGridSinkConfig#MAX_NAMESPACE_EVENTS_PER_REQUEST}</td></tr>
 * </table>
 *
 * <p>Format: {@code as-is} sends Event Grid-schema events ({@link EventGridEvents}, content type
 * {@code application/json}); {@code cloudevents} sends CloudEvents in the JSON batch format
 * ({@value CloudEventJson#BATCH_CONTENT_TYPE}), the only one a namespace topic takes.
 */
final class EventGridTarget {

    /** The key header of a basic topic. */
    static final String TOPIC_KEY_HEADER = EventGridSender.KEY_HEADER;
    static final String AUTHORIZATION = "Authorization";
    static final String SHARED_ACCESS_KEY_SCHEME = "SharedAccessKey ";

    private final EventGridKind kind;
    private final URI endpoint;
    private final CloudEventMapper cloudEvents;
    private final int maxEventsPerRequest;

    EventGridTarget(EventGridSinkConfig config) {
        this.kind = config.kind();
        this.endpoint = config.endpoint();
        FormatConfig.Settings format = FormatConfig.settings(config);
        this.cloudEvents = format.cloudEvents() ? new CloudEventMapper(format.source()) : null;
        this.maxEventsPerRequest = kind == EventGridKind.NAMESPACE_TOPIC
            ? EventGridSinkConfig.MAX_NAMESPACE_EVENTS_PER_REQUEST : EventGridSinkConfig.MAX_EVENTS_PER_REQUEST;
    }

    URI endpoint() {
        return endpoint;
    }

    /** The most events one request may carry: the target's limit. */
    int maxEventsPerRequest() {
        return maxEventsPerRequest;
    }

    String contentType() {
        return cloudEvents == null ? "application/json" : CloudEventJson.BATCH_CONTENT_TYPE;
    }

    /** Sets the request's key header: the one place a key goes on the wire. */
    HttpRequest.Builder authorize(HttpRequest.Builder request, Password key) {
        return kind == EventGridKind.NAMESPACE_TOPIC
            ? request.header(AUTHORIZATION, SHARED_ACCESS_KEY_SCHEME + key.value())
            : request.header(TOPIC_KEY_HEADER, key.value());
    }

    /** The record as one element of the request's array, or refused with the reason. */
    byte[] encode(SinkRecord record) {
        if (cloudEvents == null) {
            return EventGridEvents.toEvent(record);
        }
        if (EventRecords.isDeviceMessage(record)) {
            throw new RecordRejectedException(EventGridEvents.DEVICE_MESSAGE_REJECTED);
        }
        CloudEvent event = cloudEvents.toCloudEvent(record, false);
        if (EventRecords.DEVICE_MESSAGE.equals(event.getType())) {
            throw new RecordRejectedException(EventGridEvents.DEVICE_MESSAGE_REJECTED);
        }
        return CloudEventJson.serialize(event);
    }
}
