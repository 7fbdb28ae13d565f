package io.twinegress.router.routing;

import org.apache.kafka.common.header.Header;

/**
 * An upper bound of the size of a record as the producer counts it against {@code max.request.size}
 * (and a broker against {@code max.message.bytes}): the record alone in a batch, key, value, every
 * header's name and value, and the largest varint and batch overheads. Cheap enough for every event:
 * it looks at lengths only. The producer refuses a
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

    /** A header's share: its name counted at 3 bytes a char (UTF-8 never takes more per UTF-16 char), and its value. */
    static long of(Header header) {
        return VARINT + 3L * header.key().length() + VARINT + length(header.value());
    }

    static long of(Iterable<Header> headers) {
        long size = 0;
        for (Header header : headers) {
            size += of(header);
        }
        return size;
    }

    /** The first {@code count} headers of the array. */
    static long of(Header[] headers, int count) {
        long size = 0;
        for (int i = 0; i < count; i++) {
            size += of(headers[i]);
        }
        return size;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
