package io.twinegress.connect.eventgrid;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Events converted on the task thread ahead of the send that carries their records, so that the
 * send only has to post: {@link #prepare} converts, {@link #take} hands the result to the send (and
 * forgets it), or converts there when the record was not prepared. What converting threw (a
 * rejection, a failure) is kept and thrown by {@link #take}, so it is reported by the send, in the
 * records' order, as if found there.
 *
 * <p>Bounded: past {@code maxEvents} events or {@code maxBytes} bytes the oldest are forgotten,
 * which only ever drops work done for records the core did not send after all (their partitions
 * were closed) or converts one again.
 */
final class PreparedEvents {

    private final Function<SinkRecord, byte[]> convert;
    private final int maxEvents;
    private final long maxBytes;
    /** Guarded by this; in the order prepared. Values: the event's bytes, or the RuntimeException converting threw. */
    private final Map<Identity, Object> byRecord = new LinkedHashMap<>();
    private long bytes;

    PreparedEvents(Function<SinkRecord, byte[]> convert, int maxEvents, long maxBytes) {
        this.convert = convert;
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /** Converts each record now (never throws: what converting throws is kept for {@link #take}). */
    void prepare(Collection<SinkRecord> records) {
        for (SinkRecord record : records) {
            Object result;
            try {
                result = convert.apply(record);
            } catch (RuntimeException e) {
                result = e;
            }
            synchronized (this) {
                Object before = byRecord.put(new Identity(record), result);
                bytes += size(result) - size(before);
                Iterator<Object> oldest = byRecord.values().iterator();
                while ((byRecord.size() > maxEvents || bytes > maxBytes) && oldest.hasNext()) {
                    bytes -= size(oldest.next());
                    oldest.remove();
                }
            }
        }
    }

    /** The record's event, as prepared or converted now; throws what converting it threw. */
    byte[] take(SinkRecord record) {
        Object result;
        synchronized (this) {
            result = byRecord.remove(new Identity(record));
            bytes -= size(result);
        }
        if (result == null) {
            return convert.apply(record);
        }
        if (result instanceof RuntimeException e) {
            throw e;
        }
        return (byte[]) result;
    }

    /** How many events are kept, for tests. */
    synchronized int size() {
        return byRecord.size();
    }

    private static long size(Object result) {
        return result instanceof byte[] b ? b.length : 0;
    }

    /** A record by identity: two records with equal fields are still two records. */
    private static final class Identity {
        private final SinkRecord record;

        Identity(SinkRecord record) {
            this.record = record;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && other.record == record;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(record);
        }
    }
}
