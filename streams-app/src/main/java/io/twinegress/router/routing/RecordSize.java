package io.twinegress.router.routing;

import org.apache.kafka.common.header.Header;

/**
 * An upper bound of the size of a record as the producer counts it against {@code max.request.size}
 * (and a broker against {@code max.message.bytes}): the record alone in a batch, key, value, every
 * header's name (UTF-8) and value, and the largest varint and batch overheads. The producer refuses a
 * record over its limit in {@code send()}; under exactly_once_v2 that also fails the transaction, so
 * the router checks first, with this bound.
 */
final class RecordSize {

    /** A record batch's header (magic 2). */
    private static final int BATCH_OVERHEAD = 61;
    /** A record's own fields at their largest varint sizes: length, attributes, timestamp and offset deltas. */
    private static final int RECORD_OVERHEAD = 21;
    /** A varint length prefix at its largest. */
    private static final int VARINT = 5;

    private RecordSize() {
    }

    /** Every part of the record but the headers. */
    static long withoutHeaders(byte[] key, byte[] value) {
        return BATCH_OVERHEAD + RECORD_OVERHEAD + VARINT + length(key) + VARINT + length(value) + VARINT;
    }

    static long of(Header header) {
        return VARINT + utf8Length(header.key()) + VARINT + length(header.value());
    }

    static long of(Iterable<Header> headers) {
        long size = 0;
        for (Header header : headers) {
            size += of(header);
        }
        return size;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
