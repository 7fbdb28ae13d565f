package io.twinegress.connect.format;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;

/**
 * The CloudEvents JSON event format, written by the SDK's {@link JsonFormat}: JSON data as the
 * producer's bytes (never re-encoded), other data as {@code data_base64}. One event is the
 * structured-mode body of an AMQP message ({@value #CONTENT_TYPE}); an Event Grid request carries
 * a JSON array of them ({@value #BATCH_CONTENT_TYPE}).
 */
public final class CloudEventJson {

    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=utf-8";
    public static final String BATCH_CONTENT_TYPE = "application/cloudevents-batch+json; charset=utf-8";

    private static final JsonFormat FORMAT = new JsonFormat();

    private CloudEventJson() {
    }

    /** The event in the JSON format, UTF-8. */
    public static byte[] serialize(CloudEvent event) {
        return FORMAT.serialize(event);
    }
}
