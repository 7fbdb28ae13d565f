package io.twinegress.connect.format;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Base64;

/**
 * The CloudEvents JSON event format: JSON data as the producer's bytes (never re-encoded), other
 * data as {@code data_base64}. One event is the structured-mode body of an AMQP message
 * ({@value #CONTENT_TYPE}); an Event Grid request carries a JSON array of them
 * ({@value #BATCH_CONTENT_TYPE}).
 *
 * <p>The bytes are exactly those of the CloudEvents SDK's {@link JsonFormat} (the same members in
 * the same order, strings escaped as Jackson escapes them, the time as the SDK writes it), written
 * straight into one array: the SDK's writer builds a serializer context per event and copies the
 * data through a {@code String}. An event with an extension that is not a string (which the
 * mapping never makes) is written by the SDK.
 */
public final class CloudEventJson {

    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=utf-8";
    public static final String BATCH_CONTENT_TYPE = "application/cloudevents-batch+json; charset=utf-8";

    private static final JsonFormat FORMAT = new JsonFormat();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private CloudEventJson() {
    }

    /** The event in the JSON format, UTF-8. */
    public static byte[] serialize(CloudEvent event) {
        if (!onlyStringExtensions(event)) {
            return FORMAT.serialize(event);
        }
        CloudEventData data = event.getData();
        byte[] dataBytes = data == null ? null : data.toBytes();
        Out out = new Out(160 + (dataBytes == null ? 0 : dataBytes.length * 4 / 3 + 16));
        out.raw("{\"specversion\":").string(event.getSpecVersion().toString());
        out.member("id", event.getId());
        out.member("source", text(event.getSource()));
        out.member("type", event.getType());
        out.member("datacontenttype", event.getDataContentType());
        out.member("dataschema", text(event.getDataSchema()));
        out.member("subject", event.getSubject());
        out.member("time", text(event.getTime()));
        for (String name : event.getExtensionNames()) {
            out.member(name, (String) event.getExtension(name));
        }
        if (dataBytes != null) {
            if (isJson(event.getDataContentType())) {
                out.raw(",\"data\":").bytes(dataBytes);
            } else {
                out.raw(",\"data_base64\":\"").bytes(Base64.getEncoder().encode(dataBytes)).raw("\"");
            }
        }
        return out.raw("}").toByteArray();
    }

    /**
     * Whether every extension of {@code event} is a string (the mapping makes no other kind): what the
     * hand-written outputs here and in {@link AmqpCloudEvent} take; anything else goes through the SDK,
     * which converts each type.
     */
    static boolean onlyStringExtensions(CloudEvent event) {
        for (String name : event.getExtensionNames()) {
            if (!(event.getExtension(name) instanceof String)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the SDK writes data of this content type as JSON (else as base64): none, or a JSON media type. */
    static boolean isJson(String contentType) {
        return contentType == null || contentType.startsWith("application/json") || contentType.startsWith("text/json");
    }

    private static String text(URI uri) {
        return uri == null ? null : uri.toString();
    }

    private static String text(OffsetDateTime time) {
        return time == null ? null : Rfc3339.format(time);
    }

    /** A growing byte array with the JSON writing the format needs. */
    private static final class Out {
        private byte[] buf;
        private int len;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        /** {@code ,"name":"value"}; nothing for a null value. */
        void member(String name, String value) {
            if (value != null) {
                raw(",").string(name).raw(":").string(value);
            }
        }

        /** ASCII written as it is: a member name or punctuation. */
        Out raw(String ascii) {
            ensure(ascii.length());
            for (int i = 0; i < ascii.length(); i++) {
                buf[len++] = (byte) ascii.charAt(i);
            }
            return this;
        }

        Out bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
            return this;
        }

        /**
         * A JSON string as Jackson's generator (the SDK's) writes it: quote and backslash escaped, control
         * characters in their short escapes or as u00XX escapes, UTF-16 surrogates (paired or not) as uXXXX
         * escapes, everything else in UTF-8.
         */
        Out string(String s) {
            int n = s.length();
            ensure(n * 6 + 2);
            buf[len++] = '"';
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                    buf[len++] = (byte) c;
                } else if (c < 0x20 || c == '"' || c == '\\') {
                    escape(c);
                } else if (c < 0x800) {
                    buf[len++] = (byte) (0xc0 | (c >> 6));
                    buf[len++] = (byte) (0x80 | (c & 0x3f));
                } else if (Character.isSurrogate(c)) {
                    hex(c);
                } else {
                    buf[len++] = (byte) (0xe0 | (c >> 12));
                    buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                    buf[len++] = (byte) (0x80 | (c & 0x3f));
                }
            }
            buf[len++] = '"';
            return this;
        }

        private void escape(char c) {
            char shortForm = switch (c) {
                case '"' -> '"';
                case '\\' -> '\\';
                case '\b' -> 'b';
                case '\t' -> 't';
                case '\n' -> 'n';
                case '\f' -> 'f';
                case '\r' -> 'r';
                default -> 0;
            };
            if (shortForm == 0) {
                hex(c);
            } else {
                buf[len++] = '\\';
                buf[len++] = (byte) shortForm;
            }
        }

        private void hex(char c) {
            buf[len++] = '\\';
            buf[len++] = 'u';
            for (int shift = 12; shift >= 0; shift -= 4) {
                buf[len++] = (byte) HEX[(c >> shift) & 0xf];
            }
        }

        private void ensure(int more) {
            if (len + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }

        byte[] toByteArray() {
            return len == buf.length ? buf : Arrays.copyOf(buf, len);
        }
    }
}
