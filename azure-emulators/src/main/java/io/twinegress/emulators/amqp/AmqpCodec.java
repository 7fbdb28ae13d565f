package io.twinegress.emulators.amqp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Decimal128;
import org.apache.qpid.proton.amqp.Decimal32;
import org.apache.qpid.proton.amqp.Decimal64;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.UnsignedShort;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.message.Message;

/**
 * Reads AMQP messages section by section. proton-j's {@code Message.decode} keeps only the
 * first data section, which loses all but one message of a batch; this walks every section.
 * Not thread-safe: one instance per reactor thread.
 */
final class AmqpCodec {

    /** Message format of an Azure batch: the body is one data section per encoded message. */
    static final int BATCH_FORMAT = 0x80013700;

    static final String PARTITION_KEY = "x-opt-partition-key";
    static final String SCHEDULED_ENQUEUE_TIME = "x-opt-scheduled-enqueue-time";

    private final DecoderImpl decoder = new DecoderImpl();

    AmqpCodec() {
        EncoderImpl encoder = new EncoderImpl(decoder);
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
    }

    /** The sections of one encoded message, in order. */
    static final class Sections {
        /** The whole encoded message (for a batch: one inner message), for official parsers in tests. */
        byte[] encoded;
        Header header;
        /** Encoded bytes of the properties and application-properties sections: Service Bus's "header". */
        int headerBytes;
        /** The largest encoded application property value, in bytes. */
        int largestPropertyBytes;
        Properties properties;
        ApplicationProperties applicationProperties;
        MessageAnnotations messageAnnotations;
        final List<byte[]> data = new ArrayList<>();
        Object value;
        boolean hasValue;

        byte[] body() {
            if (!data.isEmpty()) {
                if (data.size() == 1) {
                    return data.get(0);
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                data.forEach(out::writeBytes);
                return out.toByteArray();
            }
            if (hasValue) {
                if (value instanceof Binary b) {
                    return copy(b);
                }
                return value == null ? new byte[0] : String.valueOf(value).getBytes(StandardCharsets.UTF_8);
            }
            return new byte[0];
        }
    }

    Sections read(byte[] bytes) {
        Sections s = new Sections();
        s.encoded = bytes;
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        decoder.setByteBuffer(buffer);
        try {
            while (buffer.hasRemaining()) {
                int start = buffer.position();
                Object section = decoder.readObject();
                int size = buffer.position() - start;
                if (section instanceof Data d) {
                    s.data.add(copy(d.getValue()));
                } else if (section instanceof Header h) {
                    s.header = h;
                } else if (section instanceof Properties p) {
                    s.properties = p;
                    s.headerBytes += size;
                } else if (section instanceof ApplicationProperties a) {
                    s.applicationProperties = a;
                    s.headerBytes += size;
                    s.largestPropertyBytes = largestValue(a);
                } else if (section instanceof MessageAnnotations m) {
                    s.messageAnnotations = m;
                } else if (section instanceof AmqpValue v) {
                    s.value = v.getValue();
                    s.hasValue = true;
                } else if (section instanceof AmqpSequence seq) {
                    s.value = seq.getValue();
                    s.hasValue = true;
                }
                // delivery annotations and footer carry nothing we record
            }
        } finally {
            decoder.setByteBuffer(null);
        }
        return s;
    }

    /** The encoded size of the largest application property value (strings and binaries; others are small). */
    private static int largestValue(ApplicationProperties a) {
        int largest = 0;
        if (a.getValue() != null) {
            for (Object v : a.getValue().values()) {
                int n = v instanceof String str ? str.getBytes(StandardCharsets.UTF_8).length
                        : v instanceof Binary b ? b.getLength() : 0;
                largest = Math.max(largest, n);
            }
        }
        return largest;
    }

    /** The messages a transfer carries: one, or every data section of a batch envelope. */
    List<Sections> unpack(byte[] bytes, int messageFormat) {
        Sections outer = read(bytes);
        if (messageFormat != BATCH_FORMAT) {
            return List.of(outer);
        }
        List<Sections> inner = new ArrayList<>(outer.data.size());
        for (byte[] encoded : outer.data) {
            Sections s = read(encoded);
            if (s.messageAnnotations == null && outer.messageAnnotations != null) {
                s.messageAnnotations = outer.messageAnnotations;
            }
            inner.add(s);
        }
        return inner;
    }

    /** Decodes a small request (CBS, management) with proton's own decoder. */
    static Message decodeRequest(byte[] bytes) {
        Message m = Message.Factory.create();
        m.decode(bytes, 0, bytes.length);
        return m;
    }

    /** Encodes a small message (replies). */
    static byte[] encode(Message message) {
        byte[] buf = new byte[4096];
        while (true) {
            try {
                int n = message.encode(buf, 0, buf.length);
                byte[] out = new byte[n];
                System.arraycopy(buf, 0, out, 0, n);
                return out;
            } catch (java.nio.BufferOverflowException e) {
                buf = new byte[buf.length * 4];
            }
        }
    }

    static Map<String, Object> plainMap(Map<?, ?> amqp) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (amqp != null) {
            amqp.forEach((k, v) -> out.put(String.valueOf(plain(k)), plain(v)));
        }
        return out;
    }

    /** AMQP-typed value → plain Java value (for tests and JSON). */
    static Object plain(Object v) {
        if (v instanceof Symbol s) {
            return s.toString();
        } else if (v instanceof UnsignedLong u) {
            return u.longValue();
        } else if (v instanceof UnsignedInteger u) {
            return u.longValue();
        } else if (v instanceof UnsignedShort u) {
            return u.intValue();
        } else if (v instanceof UnsignedByte u) {
            return u.intValue();
        } else if (v instanceof Binary b) {
            return copy(b);
        } else if (v instanceof Date d) {
            return d.toInstant();
        } else if (v instanceof Decimal32 || v instanceof Decimal64 || v instanceof Decimal128) {
            return v.toString();
        } else if (v instanceof Map<?, ?> m) {
            return plainMap(m);
        } else if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(plain(x)));
            return out;
        }
        return v;
    }

    static String idString(Object id) {
        if (id == null) {
            return null;
        }
        if (id instanceof Binary b) {
            return new String(copy(b), StandardCharsets.UTF_8);
        }
        return id.toString();
    }

    private static byte[] copy(Binary b) {
        if (b == null) {
            return new byte[0];
        }
        byte[] out = new byte[b.getLength()];
        System.arraycopy(b.getArray(), b.getArrayOffset(), out, 0, b.getLength());
        return out;
    }
}
